"""Acceptance (issue 17), in headless Chromium: a citizen sends feedback from a phone on the centre's
public form; staff classify, forward, answer, approve and publish; the answer appears on the public
page without personal data and leaves for the national portal through the outbox; the citizen rates
it. And the SIPAS counter kiosk at 1280×800 with touch-sized buttons.

(Feedback sent on the national portal's simulator, answered there and rated:
`test_feedback_sim_browser.py`.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"


def shot(page: Any, name: str) -> None:
    if out := os.environ.get("MOTCUA_SCREENS_DIR"):
        page.screenshot(path=str(Path(out) / name), full_page=True)


def run(page: Any, label: str, **fields: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name=label, exact=True))
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_feedback_from_phone_to_published_answer_and_rating(
    phone: Any, context: Any, live_server: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from motcua.organizations.models import Unit

    a = Unit.objects.create(code="H32.27", name="Sở Tư pháp", level="province")
    b = Unit.objects.create(code="H32.28", name="Sở Xây dựng", level="province")
    f.user("lan", a, "clerk")
    f.user("minh", b, "specialist")
    f.user("hai", b, "leader")

    citizen = phone.new_page()
    citizen.goto(f"{live_server.url}/phan-anh/")
    citizen.get_by_label("Cơ quan, đơn vị nhận phản ánh").select_option("H32.27")
    citizen.get_by_label("Tiêu đề").fill("Giấy phép xây dựng chậm so với giấy hẹn")
    citizen.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Tôi là Phạm Văn Hùng, nộp hồ sơ cấp giấy phép xây dựng nhà ở, quá hẹn năm ngày chưa có kết quả. SĐT 0914 555 666."
    )
    citizen.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Phạm Văn Hùng")
    citizen.get_by_label("Số điện thoại").fill("0914 555 666")
    no_sideways_scroll(citizen)
    shot(citizen, "feedback-phone-form.png")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    citizen.get_by_role("heading", name="Phản ánh, kiến nghị PAKN-H32.27-").wait_for()
    follow_url = citizen.url
    from motcua.feedback.models import Feedback

    fb = Feedback.objects.get()
    assert fb.channel == "web" and fb.status == "received"

    clerk = login(context, live_server, "lan")
    clerk.goto(f"{live_server.url}/backoffice/phan-anh/")
    clerk.get_by_role("link", name=fb.code).click()
    run(
        clerk,
        "Phân loại, xử lý bước đầu",
        case="outside_authority",
        target_unit="H32.28",
        reason="Thuộc thẩm quyền Sở Xây dựng.",
    )
    clerk.get_by_text("Đã phân loại phản ánh, kiến nghị.").wait_for()

    specialist = login(context, live_server, "minh")
    specialist.goto(f"{live_server.url}/backoffice/phan-anh/{fb.code}/")
    run(specialist, "Phân loại, xử lý bước đầu", case="within_authority", topic="procedure")
    run(
        specialist,
        "Soạn trả lời, trình lãnh đạo",
        answer="Kính gửi ông Phạm Văn Hùng (0914 555 666): Sở đã cấp giấy phép ngày 15/3.",
    )
    specialist.get_by_text("Đã trình dự thảo trả lời.").wait_for()

    leader = login(context, live_server, "hai")
    leader.goto(f"{live_server.url}/backoffice/phan-anh/{fb.code}/")
    run(leader, "Duyệt trả lời (chờ công khai)")
    leader.get_by_text("Chờ công khai").first.wait_for()
    run(leader, "Công khai kết quả trả lời")
    leader.get_by_text("Đã công khai kết quả trả lời.").wait_for()

    public = phone.new_page()
    public.goto(f"{live_server.url}/phan-anh/cong-khai/")
    public.get_by_role("link", name="Giấy phép xây dựng chậm so với giấy hẹn").click()
    public.get_by_role("heading", name="Kết quả trả lời").wait_for()
    text = public.locator("main").inner_text()
    assert "Sở đã cấp giấy phép ngày 15/3." in text
    assert "Phạm Văn Hùng" not in text and "0914" not in text
    no_sideways_scroll(public)
    shot(public, "feedback-public-answer-phone.png")
    from motcua.notifications.models import OutboxMessage

    to_portal = (
        OutboxMessage.objects.get(key=f"feedback:{fb.code}:published:portal") if fb.channel == "portal" else None
    )
    assert to_portal is None  # sent from the centre's own form: answered to the citizen, not the portal
    assert OutboxMessage.objects.filter(key=f"feedback:{fb.code}:published:sms", channel="sms").exists()

    citizen.goto(follow_url)
    citizen.get_by_text("4 — Hài lòng").click()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    citizen.get_by_text("Bạn đã đánh giá: 4/5.").wait_for()
    fb.refresh_from_db()
    assert fb.rating == 4 and fb.status == "published"
    assert [e.type for e in fb.events.order_by("seq")] == [
        "received",
        "forwarded",
        "accepted",
        "answer_drafted",
        "answer_approved",
        "published",
        "rated",
    ]


def test_counter_kiosk_survey_with_touch_sized_buttons(browser: Any, live_server: Any) -> None:
    from motcua.organizations.models import Unit
    from motcua.surveys import service
    from motcua.surveys.models import Campaign, Response

    unit = Unit.objects.create(code="H32.27", name="Sở Tư pháp", level="province")
    today = date.today()
    c = Campaign.objects.create(
        code="sipas",
        name="Khảo sát SIPAS",
        start=today.replace(month=1, day=1),
        end=today.replace(month=12, day=31),
        sample_size=100,
        questionnaire=service.default_questionnaire(),
    )
    c.units.set([unit])
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN", has_touch=True)
    ctx.set_default_timeout(10_000)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/khao-sat/sipas/kiosk/?unit=H32.27")
    buttons = page.locator(".opt span")
    assert buttons.count() >= 50
    heights = buttons.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    widths = buttons.evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert min(heights) >= 64 and min(widths) >= 64, (min(heights), min(widths))
    send = page.get_by_role("button", name="Gửi phiếu khảo sát").bounding_box()
    assert send is not None and send["height"] >= 64
    no_sideways_scroll(page)
    for q in ("E1.S1", "E2.S1", "E3.S1", "E4.S1", "E5.S1"):
        page.locator(f"label.opt:has(input[name='{q}'][value='5'])").tap()
    page.locator("label.opt:has(input[name='E1.S2'][value='2'])").tap()
    shot(page, "sipas-kiosk-1280.png")
    page.get_by_role("button", name="Gửi phiếu khảo sát").tap()
    page.get_by_role("heading", name="Cảm ơn ông/bà đã tham gia khảo sát!").wait_for()
    r = Response.objects.get()
    assert r.channel == "kiosk" and r.answers["E1.S1"] == 5 and r.answers["E1.S2"] == 2 and r.unit == unit
    # The next person at the counter gets a fresh form (a new session) and can answer too.
    page.get_by_role("link", name="Người tiếp theo").tap()
    page.locator("label.opt:has(input[name='E2.S2'][value='4'])").tap()
    page.get_by_role("button", name="Gửi phiếu khảo sát").tap()
    page.get_by_role("heading", name="Cảm ơn ông/bà đã tham gia khảo sát!").wait_for()
    assert Response.objects.count() == 2
    ctx.close()
