"""Acceptance (issue 15): the online channel end to end, in headless Chromium at phone and desktop size.

On the local national-portal simulator a citizen signs in through the VNeID simulator (a real OpenID
Connect code flow), finds "dang ki khai sinh", files with two uploads; the dossier appears in motcua's
intake queue and the clerk accepts it within the duty; the simulator shows each status as the
outbound sync delivers it; a supplement is requested, answered on the simulator and the clock
restarts; when finished the citizen downloads the e-result and rates the dossier; the receipt's QR
code (decoded here) opens the public look-up page.

Kept beside the back-office browser tests for the session-wide Chromium fixture.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from motcua.backoffice.tests import factories as bf
from motcua.backoffice.tests.conftest import DESKTOP, PHONE
from motcua.backoffice.tests.test_journeys_browser import check_layout, open_dossier, run
from motcua.backoffice.tests.test_receipt_slip import qr_text
from motcua.dossiers import services as s
from motcua.dossiers.commands.kernel import Upload
from motcua.dossiers.models import Dossier, DossierEvent, Duty
from motcua.dossiers.tests import factories as f
from motcua.notifications import worker
from motcua.ratings.models import Rating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("context", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
RESULT = f.PDF + b"% giay khai sinh ban dien tu\n"


@pytest.fixture
def world(transactional_db: None, settings: Any, live_server: Any) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.NATIONAL_URL = f"{live_server.url}/sim/dvcqg"  # the simulator's receiver on this server
    u = bf.units()
    people = bf.staff(u["a"])
    f.procedure("1.001193", amount=5, name="Thủ tục đăng ký khai sinh", online="full")
    return {"unit": u["a"], **people}


def drain() -> None:
    """What `motcua worker` does in the background: deliver the outbox (here, to the simulator)."""
    for _ in range(10):
        if worker.deliver_due() == 0:
            return


def shot(page: Any, name: str) -> None:
    if (out := os.environ.get("MOTCUA_SCREENS_DIR")) and page.viewport_size["width"] <= PHONE["width"]:
        page.screenshot(path=str(Path(out) / name), full_page=True)


def status_on_portal(page: Any, text: str) -> None:
    page.reload()
    assert page.locator("#trang-thai").inner_text().strip() == text
    check_layout(page)


@SIZES
def test_citizen_files_on_the_portal_and_follows_it_to_a_rated_result(
    context: Any, browser: Any, live_server: Any, world: dict[str, Any]
) -> None:
    sim = f"{live_server.url}/sim/dvcqg"
    citizen = context.new_page()

    # Sign in through VNeID (authorization code + PKCE; the ID token is verified by the portal).
    citizen.goto(f"{sim}/")
    citizen.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    assert urlsplit(citizen.url).path == "/sim/dvcqg/vneid/authorize"
    shot(citizen, "sim-vneid-login-phone.png")
    citizen.get_by_label("Số định danh cá nhân").fill("056090000001")
    citizen.get_by_label("Mật khẩu").fill("123456")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.get_by_role("button", name="Đăng xuất (Nguyễn Văn Ánh)").wait_for()
    check_layout(citizen)

    # Find the procedure typed the way people type, and file it with two uploads.
    citizen.get_by_label("Tìm thủ tục hành chính").fill("dang ki khai sinh")
    citizen.get_by_role("button", name="Tìm kiếm").click()
    citizen.get_by_text("1 thủ tục phù hợp").wait_for()
    check_layout(citizen)
    shot(citizen, "sim-search-phone.png")
    citizen.get_by_role("link", name="Nộp hồ sơ: Thủ tục đăng ký khai sinh").click()
    citizen.get_by_label("Cơ quan giải quyết").select_option("H32.101")
    citizen.get_by_label("1. Giấy tờ to_khai").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": f.PDF + b"1"}]
    )
    citizen.get_by_label("2. Giấy tờ giay_chung_sinh").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": f.PDF + b"2"}]
    )
    check_layout(citizen)
    shot(citizen, "sim-file-phone.png")
    citizen.get_by_role("button", name="Gửi hồ sơ").click()
    assert citizen.locator("#trang-thai").inner_text().strip() == "Đã nộp, chờ tiếp nhận"
    d = Dossier.objects.get()
    assert (d.channel, d.status, d.applicant_id_number, d.applicant_phone) == (
        "online",
        "submitted",
        "056090000001",
        "0905123456",
    )
    assert sorted(d.documents.values_list("filename", flat=True)) == ["giay-chung-sinh.pdf", "to-khai.pdf"]

    # The clerk finds it in the intake queue and accepts it, within the 8-working-hour duty.
    staff = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    staff.set_default_timeout(10_000)
    page = open_dossier(staff, live_server, "lan", d.code)
    run(page, "accept")
    duty = Duty.objects.get(dossier=d, kind="online_accept")
    assert duty.met_at is not None and duty.met_at <= duty.due_at
    drain()
    status_on_portal(citizen, "Đã tiếp nhận")

    # A supplement request lists every missing item; the citizen answers it on the portal.
    s.request_supplement(
        world["clerk"], d, reason="Hồ sơ chưa đủ", items=["Giấy chứng sinh bản chính", "Tờ khai có chữ ký"]
    )
    drain()
    status_on_portal(citizen, "Chờ bổ sung")
    assert citizen.get_by_text("Giấy chứng sinh bản chính").first.is_visible()
    citizen.get_by_label("Giấy tờ bổ sung").set_input_files(
        files=[{"name": "bo-sung.pdf", "mimeType": "application/pdf", "buffer": f.PDF + b"bs"}]
    )
    shot(citizen, "sim-supplement-phone.png")
    citizen.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    citizen.get_by_text("Đã gửi hồ sơ bổ sung").wait_for()
    supplied = DossierEvent.objects.filter(dossier=d, type="supplement_supplied").get()
    assert supplied.payload["restarted"] is True  # Decree 118: the time limit starts again
    d.refresh_from_db()
    assert d.status == "received" and d.due_at is not None
    drain()

    # Finished with an electronic result: the citizen downloads it and rates the dossier.
    s.record_result(world["specialist"], d, upload=Upload("giay-khai-sinh.pdf", RESULT), result_code="KQ.G15.000031")
    s.finish_dossier(world["leader"], d)
    drain()
    status_on_portal(citizen, "Đã có kết quả")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Tải kết quả").click()
    assert Path(download.value.path()).read_bytes() == RESULT
    citizen.locator("input[name=muc_a][value='5']").check()
    citizen.locator("input[name=muc_dd][value='4']").check()
    citizen.locator("input[name=muc_h][value='5']").check()
    shot(citizen, "sim-rate-phone.png")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.get_by_text("Cảm ơn bạn đã đánh giá.").wait_for()
    rating = Rating.objects.get(dossier=d)
    assert (rating.channel, rating.answers, rating.overall) == ("portal", {"a": 5, "dd": 4, "h": 5}, 5)
    shot(citizen, "sim-dossier-phone.png")

    # The receipt slip's QR code opens the public look-up on the phone.
    slip = staff.request.get(f"{live_server.url}/backoffice/d/{d.code}/forms/receipt.pdf")
    assert slip.status == 200
    link = qr_text(slip.body())
    assert link.endswith(f"/tra-cuu/?ma={d.code}")
    parts = urlsplit(link)
    citizen.goto(f"{live_server.url}{parts.path}?{parts.query}")
    assert citizen.get_by_label("Mã hồ sơ").input_value() == d.code
    citizen.get_by_label("Số điện thoại đã đăng ký khi nộp hồ sơ").fill("0905 123 456")
    citizen.get_by_role("button", name="Tra cứu").click()
    citizen.get_by_role("heading", name=f"Hồ sơ {d.code}").wait_for()
    staff.close()
    assert hashlib.sha256(RESULT).hexdigest() == d.documents.get(kind="result").sha256
