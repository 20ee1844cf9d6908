"""Acceptance (issue 6): the main counter and processing flows in headless Chromium."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from motcua.backoffice.tests import factories as f
from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    return {"unit": u["a"], **people}


def login(context: Any, live_server: Any, username: str) -> Any:
    """Sign in through the login page (dropping any earlier official's session)."""
    context.clear_cookies()
    page = context.new_page()
    page.goto(f"{live_server.url}/backoffice/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("mat-khau-123")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Danh sách hồ sơ cần xử lý").wait_for()
    return page


def fill_intake(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/backoffice/intake/")
    search = page.get_by_role("searchbox", name="Tìm thủ tục")
    search.fill("dang ky khai sinh")  # no diacritics typed
    page.get_by_role("option", name="Đăng ký khai sinh").wait_for()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("Thành phần hồ sơ").wait_for()
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Thị Hồng Nhung")
    page.get_by_label("Số định danh cá nhân / mã số doanh nghiệp").fill("056190001234")
    page.get_by_label("Số điện thoại").fill("0905123456")


def open_slip(context: Any, page: Any) -> bytes:
    """Press P on the dossier page: the receipt slip opens as a served PDF."""
    with context.expect_event("response", lambda r: r.url.endswith("/forms/receipt.pdf")) as info:
        page.keyboard.press("p")
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # The built-in PDF viewer consumes the stream; fetch the same URL with the same session cookies.
    body: bytes = context.request.get(response.url).body()
    return body


def test_counter_intake_and_slip_printing(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    page = login(context, live_server, "lan")
    fill_intake(page, live_server)
    page.get_by_role("button", name="Tiếp nhận và lập giấy hẹn").click()
    page.get_by_text("Đã tiếp nhận hồ sơ", exact=False).first.wait_for()
    d = Dossier.objects.get()
    assert d.applicant_name == "Nguyễn Thị Hồng Nhung"
    slip = open_slip(context, page)
    from motcua.backoffice.tests.test_forms_pdf import qr_raw, text_of
    from motcua.portal.links import lookup_url

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text_of(slip)
    assert qr_raw(slip) == lookup_url(d.code)  # contracts §8.1: the slip's QR opens the public look-up


def test_counter_intake_with_an_upload(context: Any, live_server: Any, world: dict[str, Any], tmp_path: Path) -> None:
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(f.PDF)
    page = login(context, live_server, "lan")
    fill_intake(page, live_server)
    page.locator("input[type=file]").first.set_input_files(str(scan))
    page.get_by_role("button", name="Tiếp nhận và lập giấy hẹn").click()
    page.get_by_role("heading", name="Tài liệu").wait_for()
    assert page.get_by_text("to-khai.pdf").is_visible()
    assert Dossier.objects.get().documents.get().filename == "to-khai.pdf"
    open_slip(context, page)


def test_step_approval(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    page = login(context, live_server, "minh")
    page.get_by_role("link", name=d.code).click()
    page.get_by_text("Bắt đầu bước xử lý tiếp theo").click()
    page.get_by_role("button", name="Bắt đầu xử lý").click()
    page.get_by_text("Đã bắt đầu bước xử lý.").wait_for()
    page.get_by_text("Hoàn thành bước và chuyển bước tiếp theo").click()
    page.get_by_label("Ý kiến khi chuyển").fill("Hồ sơ đầy đủ, hợp lệ")
    page.get_by_role("button", name="Chuyển tiếp").click()
    page.get_by_text("Đã chuyển hồ sơ sang bước tiếp theo.").wait_for()

    leader = login(context, live_server, "hai")
    leader.get_by_role("link", name=d.code).click()
    leader.get_by_text("Phê duyệt / hoàn thành bước đang xử lý").click()
    leader.get_by_label("Ý kiến xử lý").fill("Đồng ý")
    leader.get_by_role("button", name="Phê duyệt").click()
    leader.get_by_text("Đã hoàn thành bước xử lý.").wait_for()
    runs = list(d.step_runs.order_by("order").values_list("name", "finished_at"))
    assert [name for name, _ in runs] == ["Thẩm định hồ sơ", "Phê duyệt kết quả"]
    assert all(finished is not None for _, finished in runs)


def test_supplement_round(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    page = login(context, live_server, "lan")
    page.goto(f"{live_server.url}/backoffice/d/{d.code}/")
    page.get_by_text("Yêu cầu bổ sung, hoàn thiện hồ sơ").first.click()
    page.get_by_label("Giấy tờ cần bổ sung (mỗi dòng một mục)").fill("Bản chính Giấy chứng sinh")
    page.get_by_label("Lý do", exact=True).fill("Bản chụp bị mờ")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.get_by_text("Đã gửi yêu cầu bổ sung").wait_for()
    assert page.get_by_role("link", name="02. Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ").is_visible()
    page.get_by_text("Nhận hồ sơ đã bổ sung").click()
    page.get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    page.get_by_text("Đã nhận hồ sơ bổ sung").wait_for()
    d.refresh_from_db()
    assert d.status == "received"
    assert list(d.events.values_list("type", flat=True))[-2:] == ["supplement_requested", "supplement_supplied"]


def test_apology_drafted_and_approved(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    assert d.appointment_at is not None
    new = timezone.localtime(d.appointment_at + timedelta(days=3))
    page = login(context, live_server, "minh")
    page.goto(f"{live_server.url}/backoffice/d/{d.code}/")
    page.get_by_text("Dự thảo văn bản xin lỗi, hẹn lại ngày trả").click()
    page.get_by_label("Lý do chậm giải quyết").fill("Chờ kết quả xác minh của cơ sở y tế")
    page.get_by_label("Thời gian hẹn trả mới").fill(new.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Trình lãnh đạo duyệt").click()
    page.get_by_text("Đã trình văn bản xin lỗi").wait_for()

    leader = login(context, live_server, "hai")
    leader.goto(f"{live_server.url}/backoffice/d/{d.code}/")
    leader.get_by_text("Duyệt văn bản xin lỗi và hẹn lại").click()
    leader.get_by_role("button", name="Duyệt và gửi người dân").click()
    leader.get_by_text("Đã duyệt văn bản xin lỗi").wait_for()
    d.refresh_from_db()
    assert d.appointment_at is not None
    assert timezone.localtime(d.appointment_at).strftime("%Y-%m-%dT%H:%M") == new.strftime("%Y-%m-%dT%H:%M")
    assert leader.get_by_role("link", name="04. Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết").is_visible()
