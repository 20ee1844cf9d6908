from __future__ import annotations

import pytest

from motcua.portalsim.search import matches, search

NAME = "Thủ tục đăng ký khai sinh"


@pytest.mark.parametrize(
    "query", ["dang ki khai sinh", "đăng ký khai sinh", "DANG KY KHAI SINH", "khaisinh", "dangkykhaisinh", "khai sinh"]
)
def test_people_find_it_the_way_they_type(query: str) -> None:
    assert matches(query, NAME)


@pytest.mark.parametrize("query", ["ket hon", "chung thuc", "", "   "])
def test_other_words_do_not_match(query: str) -> None:
    assert not matches(query, NAME)


def test_code_and_order() -> None:
    procedures = [
        {"code": "1.000689", "name": "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con"},
        {"code": "1.001193", "name": NAME},
        {"code": "1.000894", "name": "Thủ tục đăng ký kết hôn"},
    ]
    assert [p["code"] for p in search("dang ki khai sinh", procedures)] == ["1.001193", "1.000689"]
    assert [p["code"] for p in search("1.000894", procedures)] == ["1.000894"]
