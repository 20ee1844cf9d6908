"""Acceptance (browser): the citizen pays a fee on the VNPAY simulator from a phone; the clerk sees the
dossier resume with its receipt."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import DESKTOP, PHONE
from motcua.backoffice.tests.test_browser import login
from motcua.backoffice.tests.test_journeys_browser import check_layout
from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent
from motcua.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def awaiting(transactional_db: None, settings: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", live_server.url)  # the simulator and return links point here
    u = f.units()
    people = f.staff(u["a"])
    proc = f.procedure()
    d = s.receive_dossier(
        people["clerk"],
        procedure=proc,
        unit=u["a"],
        applicant=s.Applicant(name="Nguyễn Thị Hồng Nhung", id_number="056190001234", phone="0905123456"),
    )
    return s.request_fee(people["specialist"], d, amount=50000, note="Lệ phí")


@pytest.mark.parametrize("context", [PHONE], indirect=True, ids=["phone"])
def test_citizen_pays_on_the_simulator_and_the_clerk_sees_the_dossier_resume(
    context: Any, live_server: Any, awaiting: Any, browser: Any
) -> None:
    payment = Payment.objects.get(dossier=awaiting)
    page = context.new_page()
    page.goto(f"{live_server.url}/payments/pay/{payment.txn_ref}/")
    assert page.locator("#pay-amount").inner_text() == "50.000 đ"
    page.get_by_role("img", name="Mã VietQR").wait_for()
    check_layout(page)
    page.get_by_role("link", name="Thanh toán trực tuyến (VNPAY)").click()
    page.get_by_text("Cổng thanh toán MÔ PHỎNG", exact=False).wait_for()
    check_layout(page)
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.get_by_text("Giao dịch thành công.").wait_for()
    assert "Đã ghi nhận" in page.locator("#recorded").inner_text()
    check_layout(page)

    awaiting.refresh_from_db()
    assert awaiting.status == "received" and awaiting.paid_online
    assert DossierEvent.objects.filter(dossier=awaiting, type="fee_confirmed").count() == 1

    desk = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    try:
        staff_page = login(desk, live_server, "lan")
        staff_page.goto(f"{live_server.url}/backoffice/d/{awaiting.code}/")
        staff_page.get_by_role("heading", name="Phí, lệ phí").wait_for()
        panel = staff_page.locator("#payments-panel")
        assert "Đã thanh toán" in panel.inner_text() and "Cổng thanh toán (VNPAY)" in panel.inner_text()
        assert "Chờ thực hiện nghĩa vụ tài chính" not in staff_page.locator("h1").inner_text()
        with staff_page.expect_popup() as popup:
            panel.locator("a.receipt-link").click()
        assert popup.value.url.endswith(f"/payments/receipt/{payment.txn_ref}.pdf")
    finally:
        desk.close()
