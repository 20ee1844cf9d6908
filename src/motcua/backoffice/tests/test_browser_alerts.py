"""Headless Chromium: the alerts page and the worklist's deadline filters, at desktop and phone size."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.factories import vn
from motcua.dossiers import jobs
from motcua.dossiers import services as s

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    from motcua.notifications.seed import ensure_templates

    ensure_templates()
    u = f.units()
    people = f.staff(u["a"])
    applicant = s.Applicant(name="Trần Văn Bình", id_number="056090001111", phone="0905111222")
    d = s.receive_dossier(
        people["clerk"], procedure=f.procedure(), unit=u["a"], applicant=applicant, now=vn(2026, 3, 2, 9)
    )
    jobs.tick(vn(2026, 3, 9, 9))  # a week later: the apology cut-off and the due time have passed
    return {"unit": u["a"], "dossier": d, **people}


@pytest.mark.parametrize("width", [1366, 390])
def test_alerts_page_and_overdue_filter(browser: Any, live_server: Any, world: dict[str, Any], width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/backoffice/login/")
    page.get_by_label("Tên đăng nhập").fill("hai")  # the leader
    page.get_by_label("Mật khẩu").fill("mat-khau-123")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Danh sách hồ sơ cần xử lý").wait_for()
    code = world["dossier"].code
    page.get_by_role("link", name="quá hạn").click()
    page.get_by_role("link", name=code).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav = page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Thông báo")
    assert "2" in nav.inner_text()
    nav.click()
    page.get_by_role("heading", name="Thông báo về thời hạn xử lý").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    page.get_by_text("Đã đánh dấu 2 thông báo là đã đọc.").wait_for()
    assert (
        "2" not in page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Thông báo").inner_text()
    )
    context.close()
