"""Acceptance (issue 17 acc. 3, "on the simulator"), in headless Chromium: a citizen signed in with
VNeID on the national-portal simulator sends a feedback from a phone (with an attachment); it reaches
motcua through the adapter's signed protocol; staff classify, answer, approve and publish in the back
office; the published answer travels back over channel `dvcqg` and shows on the simulator, where the
citizen rates it 1–5 (back to motcua as `feedback.rated`). On the way the unit asks for a supplement,
which the citizen answers on the simulator (`feedback.supplemented`).

Kept beside the back-office browser tests for the session-wide Chromium fixture.
"""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice.tests import factories as bf
from motcua.backoffice.tests.conftest import DESKTOP, PHONE
from motcua.backoffice.tests.test_browser import login
from motcua.backoffice.tests.test_feedback_browser import run, shot
from motcua.backoffice.tests.test_journeys_browser import check_layout
from motcua.dossiers.tests import factories as f
from motcua.notifications import worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("context", [PHONE], indirect=True, ids=["phone"])
def test_feedback_sent_on_the_simulator_is_answered_and_rated_there(
    context: Any, browser: Any, live_server: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.NATIONAL_URL = f"{live_server.url}/sim/dvcqg"  # the simulator's receiver on this server
    from motcua.notifications.seed import ensure_templates

    ensure_templates()
    u = bf.units()
    bf.staff(u["a"])
    sim = f"{live_server.url}/sim/dvcqg"

    citizen = context.new_page()
    citizen.goto(f"{sim}/phan-anh/")  # signing in first: VNeID, then back here
    citizen.get_by_label("Số định danh cá nhân").fill("056090000001")
    citizen.get_by_label("Mật khẩu").fill("123456")
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.get_by_role("heading", name="Phản ánh, kiến nghị").wait_for()
    citizen.get_by_label("Cơ quan nhận phản ánh").select_option("H32.101")
    citizen.get_by_label("Tiêu đề").fill("Chậm trả kết quả đăng ký khai sinh")
    citizen.get_by_label("Nội dung").fill("Tôi nộp hồ sơ đăng ký khai sinh, quá hẹn hai ngày chưa có kết quả.")
    citizen.get_by_label("Tệp đính kèm (nếu có)").set_input_files(
        files=[{"name": "giay-hen.pdf", "mimeType": "application/pdf", "buffer": f.PDF + b"hen"}]
    )
    check_layout(citizen)
    shot(citizen, "sim-feedback-form-phone.png")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.get_by_text("Đã tiếp nhận, đang xử lý").wait_for()
    from motcua.feedback.models import Feedback

    fb = Feedback.objects.get()
    assert (fb.channel, fb.status, fb.submitter_name) == ("portal", "received", "Nguyễn Văn Ánh")
    assert list(fb.attachments.values_list("filename", flat=True)) == ["giay-hen.pdf"]
    citizen.get_by_role("link", name="Phản ánh, kiến nghị").click()
    citizen.get_by_text(fb.code).wait_for()
    check_layout(citizen)

    staff = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    staff.set_default_timeout(10_000)
    specialist = login(staff, live_server, "minh")
    specialist.goto(f"{live_server.url}/backoffice/phan-anh/{fb.code}/")
    run(specialist, "Phân loại, xử lý bước đầu", case="within_authority", topic="procedure")

    # The unit asks for more; the request reaches the simulator, the citizen answers it there.
    run(specialist, "Yêu cầu bổ sung thông tin", message="Xin cho biết mã hồ sơ khai sinh trên giấy hẹn.")
    specialist.get_by_text("Đã gửi yêu cầu bổ sung cho người gửi.").wait_for()
    for _ in range(10):
        if worker.deliver_due() == 0:
            break
    citizen.reload()
    citizen.get_by_text("Cơ quan đề nghị bổ sung thông tin").wait_for()  # "my feedback" shows the request
    citizen.get_by_role("link", name="Chậm trả kết quả đăng ký khai sinh").click()
    citizen.get_by_text("Xin cho biết mã hồ sơ khai sinh").wait_for()
    citizen.get_by_label("Thông tin bổ sung").fill("Mã hồ sơ H32.101-260302-0007, hẹn trả ngày 05/3.")
    check_layout(citizen)
    citizen.get_by_role("button", name="Gửi thông tin bổ sung").click()
    citizen.get_by_text("Đã gửi thông tin bổ sung cho cơ quan.").wait_for()
    citizen.get_by_role("link", name="Phản ánh, kiến nghị").click()  # back to "my feedback"
    fb.refresh_from_db()
    assert fb.status == "processing" and "H32.101-260302-0007" in fb.content
    assert list(fb.events.values_list("type", flat=True))[-2:] == ["supplement_requested", "supplemented"]
    specialist.reload()
    specialist.get_by_text("H32.101-260302-0007").first.wait_for()  # the answer is on the staff page

    run(specialist, "Soạn trả lời, trình lãnh đạo", answer="Hồ sơ đã có kết quả, mời nhận tại bộ phận một cửa.")
    specialist.get_by_text("Đã trình dự thảo trả lời.").wait_for()
    leader = login(staff, live_server, "hai")
    leader.goto(f"{live_server.url}/backoffice/phan-anh/{fb.code}/")
    run(leader, "Duyệt trả lời (chờ công khai)")
    run(leader, "Công khai kết quả trả lời")
    leader.get_by_text("Đã công khai kết quả trả lời.").wait_for()
    for _ in range(10):  # what `motcua worker` does in the background: deliver the outbox
        if worker.deliver_due() == 0:
            break
    from motcua.notifications.models import OutboxMessage

    sent = OutboxMessage.objects.filter(channel="dvcqg").values_list("key", "status", "last_error")
    assert sorted((k, st) for k, st, _e in sent) == [
        (f"feedback:{fb.code}:published:portal", "sent"),
        (f"feedback:{fb.code}:supplement:portal", "sent"),
    ], list(sent)

    citizen.reload()
    citizen.get_by_text("Đã có kết quả trả lời").wait_for()  # "my feedback" shows the new status
    citizen.get_by_role("link", name="Chậm trả kết quả đăng ký khai sinh").click()
    citizen.get_by_role("heading", name="Kết quả trả lời").wait_for()
    assert "mời nhận tại bộ phận một cửa" in citizen.locator("main").inner_text()
    check_layout(citizen)
    shot(citizen, "sim-feedback-answer-phone.png")
    citizen.get_by_text("4 · Hài lòng").click()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.get_by_text("Bạn đã đánh giá 4/5").wait_for()
    fb.refresh_from_db()
    assert fb.rating == 4 and fb.status == "published"
    staff.close()
