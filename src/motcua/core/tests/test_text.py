from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, nfc


def test_fold_matches_typed_without_accents() -> None:
    assert fold("Đăng ký kết hôn") == "dang ky ket hon"
    assert fold("  Thủ tục   ĐĂNG KÝ khai sinh ") == "thu tuc dang ky khai sinh"


def test_fold_is_the_same_for_composed_and_decomposed_input() -> None:
    composed = "Hộ tịch"
    decomposed = "Ho\u0323\u0302 ti\u0323ch"
    assert nfc(decomposed) == composed
    assert fold(decomposed) == fold(composed) == "ho tich"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese_letters(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
