"""The counter's rating tablet in kiosk mode at phone size: large touch targets, code + phone, the
Decree 118 contents, thanks, and back to the start. Beside the back-office browser tests for the
session-wide Chromium fixture."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role
from motcua.ratings.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def shot(page: Any, name: str) -> None:
    if out := os.environ.get("MOTCUA_SCREENS_DIR"):
        page.screenshot(path=str(Path(out) / name), full_page=True)


def big_enough(page: Any) -> None:
    """No sideways scroll; every control at least 64 px high (radio inputs sit in 64 px labels)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    small = page.eval_on_selector_all(
        "button, textarea, input:not([type=radio]):not([type=hidden]), .scale label",
        "els => els.filter(e => e.getBoundingClientRect().height < 64).map(e => e.outerHTML.slice(0, 80))",
    )
    assert not small, small


def test_rating_tablet(tablet: Any, live_server: Any, transactional_db: None) -> None:
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    d = s.receive_dossier(
        f.official("clerk", commune, Role.CLERK),
        procedure=f.procedure(amount=5, name="Đăng ký khai sinh"),
        unit=commune,
        applicant=Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", phone="0905123456"),
    )
    Dossier.objects.filter(pk=d.pk).update(status="returned", finished_at=timezone.now(), returned_at=timezone.now())
    page = tablet.new_page()
    page.goto(f"{live_server.url}/danh-gia/")
    big_enough(page)
    shot(page, "kiosk-start-phone.png")
    page.get_by_label("Mã hồ sơ").fill(d.code)
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("heading", name=f"Hồ sơ {d.code}").wait_for()
    big_enough(page)
    page.get_by_role("group", name="Thái độ, ứng xử của cán bộ, công chức").get_by_text("Rất hài lòng").tap()
    page.get_by_role("group", name="Thời gian trả kết quả so với quy định").get_by_text("Hài lòng", exact=True).tap()
    shot(page, "kiosk-rating-phone.png")
    page.get_by_role("button", name="Gửi đánh giá").tap()
    page.get_by_role("heading", name="Cảm ơn bạn đã đánh giá").wait_for()
    shot(page, "kiosk-thanks-phone.png")
    rating = Rating.objects.get(dossier=d)
    assert (rating.channel, rating.answers, rating.overall) == ("kiosk", {"a": 4, "dd": 5}, 5)
