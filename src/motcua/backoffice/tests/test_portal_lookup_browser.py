"""The /tra-cuu/ page on a phone (390×844): the QR link pre-fills the code, the result fits the width.

Kept beside the back-office browser tests because the session-wide Chromium fixture lives in this
package's conftest (a second session fixture would start a second Playwright in the same loop).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.organizations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def test_lookup_on_a_phone(phone: Any, live_server: Any, transactional_db: None) -> None:
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    d = s.receive_dossier(
        f.official("clerk", commune, Role.CLERK),
        procedure=f.procedure(amount=5, name="Đăng ký khai sinh"),
        unit=commune,
        applicant=Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", phone="0905123456"),
        now=at(2026, 3, 2, 9),
    )
    s.start_step(f.official("specialist", commune, Role.SPECIALIST), d, name="Thẩm định", now=at(2026, 3, 2, 10))
    page = phone.new_page()
    page.goto(f"{live_server.url}/tra-cuu/?ma={d.code}")
    assert page.get_by_label("Mã hồ sơ").input_value() == d.code
    page.get_by_label("Số điện thoại đã đăng ký khi nộp hồ sơ").fill("0905 123 456")
    page.get_by_role("button", name="Tra cứu").click()
    page.get_by_role("heading", name=f"Hồ sơ {d.code}").wait_for()
    assert page.get_by_text("Đang xử lý").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll at 390 px"
    if out := os.environ.get("MOTCUA_SCREENS_DIR"):
        page.screenshot(path=str(Path(out) / "portal-lookup-phone.png"), full_page=True)
