"""Feedback (PAKN) through the national-portal adapter, both ways, on the simulator (issue 17 acc. 3):
a signed `feedback.submitted` creates a feedback; the citizen sends one from the simulator's page;
the published answer (and a supplement request) reach the simulator over channel `dvcqg`, keyed by
the feedback's code and never clashing with a dossier's sequence; the citizen's 1–5 rating comes back."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.tests import factories as f
from motcua.feedback import commands
from motcua.feedback.models import Feedback
from motcua.nationalportal.tests.helpers import signed_post
from motcua.notifications import worker
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import Role
from motcua.portalsim import portal, province
from motcua.portalsim.models import Citizen, PortalFeedback, ProvinceMessage

pytestmark = pytest.mark.django_db


def drain(rounds: int = 10) -> None:
    for _ in range(rounds):
        if worker.deliver_due() == 0:
            return


def message(external_id: str = "PAKN.261125.0001", **extra: Any) -> dict[str, Any]:
    return {
        "message_id": f"{external_id}:submit",
        "type": "feedback.submitted",
        "external_id": external_id,
        "unit": "H32.27.01",
        "title": "Chậm trả kết quả đăng ký khai sinh",
        "content": "Tôi nộp hồ sơ đăng ký khai sinh nhưng quá hẹn hai ngày chưa nhận được kết quả.",
        "submitter": {"name": "Trần Thị Bích Ngọc", "phone": "0905111222", "address": "12 Lê Lợi, Nha Trang"},
        **extra,
    }


def test_signed_feedback_submitted_creates_one_feedback(client: Client, commune: Any, clock: Any) -> None:
    first = signed_post(client, "/dvcqg/inbound", message())
    assert first.status_code == 201, first.content
    fb = Feedback.objects.get(code=first.json()["code"])
    assert (fb.channel, fb.external_id, fb.unit.code, fb.status) == (
        "portal",
        "PAKN.261125.0001",
        "H32.27.01",
        "received",
    )
    again = signed_post(client, "/dvcqg/inbound", message())
    resent = signed_post(client, "/dvcqg/inbound", {**message(), "message_id": "other"})
    assert again.json()["code"] == resent.json()["code"] == fb.code
    assert Feedback.objects.count() == 1
    bad = signed_post(client, "/dvcqg/inbound", message("X2", title=""))
    assert bad.status_code == 400 and "detail" in bad.json()
    assert signed_post(client, "/dvcqg/inbound", message("X3"), secret="wrong").status_code == 401
    assert Feedback.objects.count() == 1


@pytest.fixture
def citizen_client(client: Client, commune: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    """A citizen signed in on the simulator, whose portal reaches motcua through the test client."""
    citizen = Citizen.objects.create(
        id_number="056090000002",
        name="Trần Thị Bích Ngọc",
        birth_date="1990-01-01",
        phone="0905111222",
        email="ngoc@example.vn",
        address="12 Lê Lợi, Nha Trang",
        password="!",
        subject="vneid-056090000002",
    )
    session = client.session
    session[portal.SESSION_KEY] = {"sub": citizen.subject, "name": citizen.name}
    session.save()
    monkeypatch.setattr(province, "units", lambda request, levels: [{"code": commune.code, "name": commune.name}])

    def send(request: Any, msg: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = signed_post(Client(), "/dvcqg/inbound", msg)
        return response.status_code, response.json()

    monkeypatch.setattr(province, "send", send)
    return client


def test_feedback_round_trip_on_the_simulator(citizen_client: Client, commune: Any, wired: None, clock: Any) -> None:
    c = citizen_client
    refused = c.post("/sim/dvcqg/phan-anh/", {"unit": "H32.27.01", "title": "", "content": "ngắn"})
    assert refused.status_code == 400 and "Nhập tiêu đề phản ánh." in refused.content.decode()
    pdf = SimpleUploadedFile("giay-hen.pdf", f.PDF + b"hen", content_type="application/pdf")
    sent = c.post(
        "/sim/dvcqg/phan-anh/",
        {
            "unit": "H32.27.01",
            "title": "Chậm trả kết quả",
            "content": "Quá hẹn hai ngày chưa có kết quả đăng ký khai sinh.",
            "tep": pdf,
        },
    )
    assert sent.status_code == 302
    pf = PortalFeedback.objects.get()
    fb = Feedback.objects.get(external_id=pf.ref)
    assert pf.code == fb.code and pf.delivery == "delivered"
    assert list(fb.attachments.values_list("filename", flat=True)) == ["giay-hen.pdf"]
    listing = c.get("/sim/dvcqg/phan-anh/").content.decode()
    assert fb.code in listing and "Đã tiếp nhận, đang xử lý" in listing

    spec = f.official("spec_fb", commune, Role.SPECIALIST)
    lead = f.official("lead_fb", commune, Role.LEADER)
    fb = commands.execute("request_supplement", spec, fb, {"message": "Ghi rõ số giấy hẹn."})
    fb = commands.execute("record_supplement", spec, fb, {"content": "Giấy hẹn số 123."})
    fb = commands.execute("draft_answer", spec, fb, {"answer": "Hồ sơ đã có kết quả, mời bà nhận tại bộ phận một cửa."})
    fb = commands.execute("approve_answer", lead, fb, {})
    fb = commands.execute("publish", lead, fb, {})
    drain()
    rows = OutboxMessage.objects.filter(channel="dvcqg").order_by("id")
    assert [r.status for r in rows] == ["sent", "sent"]
    # Keyed by the feedback's own code, in order, with its event numbers (gaps allowed).
    got = list(ProvinceMessage.objects.filter(code=fb.code).values_list("type", flat=True).order_by("seq"))
    assert got == ["feedback.supplement", "feedback.published"]
    pf.refresh_from_db()
    assert pf.status == "published" and "mời bà nhận" in pf.answer and pf.supplement_message == "Ghi rõ số giấy hẹn."
    page = c.get(f"/sim/dvcqg/phan-anh/{pf.ref}/").content.decode()
    assert "Kết quả trả lời" in page and "mời bà nhận" in page and 'name="rating"' in page

    assert c.post(f"/sim/dvcqg/phan-anh/{pf.ref}/danh-gia/", {"rating": "9"}).status_code == 302
    assert Feedback.objects.get(pk=fb.pk).rating is None
    c.post(f"/sim/dvcqg/phan-anh/{pf.ref}/danh-gia/", {"rating": "4"})
    pf.refresh_from_db()
    assert pf.rating == 4 and Feedback.objects.get(pk=fb.pk).rating == 4
    assert "Bạn đã đánh giá 4/5" in c.get(f"/sim/dvcqg/phan-anh/{pf.ref}/").content.decode()
    # A delivery repeated after a lost answer is acknowledged again without effect.
    assert ProvinceMessage.objects.filter(code=fb.code).count() == 2


def test_feedback_messages_are_keyed_by_the_feedback_code(client: Client, commune: Any, wired: None) -> None:
    from motcua.nationalportal.tests.helpers import via_client

    status, _ = via_client(
        "/sim/dvcqg/api/receiver",
        {"type": "feedback.published", "code": "PAKN-H32.27.01-2611-0001", "seq": 7, "external_id": "nobody"},
    )
    assert status == 200  # not filed on this simulator (the demo's): acknowledged and kept
    assert list(ProvinceMessage.objects.values_list("code", "seq", "dossier")) == [
        ("PAKN-H32.27.01-2611-0001", 7, None)
    ]
    again, _ = via_client(
        "/sim/dvcqg/api/receiver",
        {"type": "feedback.published", "code": "PAKN-H32.27.01-2611-0001", "seq": 7, "external_id": "nobody"},
    )
    assert again == 200 and ProvinceMessage.objects.count() == 1
    assert not PortalFeedback.objects.exists()
    status, _ = via_client("/sim/dvcqg/api/receiver", {"type": "feedback.other", "code": "PAKN-1", "seq": 1})
    assert status == 422
