"""Screens and the inbound endpoint through the test client (rendering, permissions, bad input)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from motcua.dossiers.tests.factories import at
from motcua.feedback import commands, inbound
from motcua.feedback.models import Feedback
from motcua.feedback.tests.conftest import payload

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_public_form_validates_and_sends(world: dict[str, Any]) -> None:
    c = Client()
    assert c.get("/phan-anh/").status_code == 200
    r = c.post("/phan-anh/", {"unit": "H32.27", "title": "", "content": "ngắn", "name": ""})
    assert r.status_code == 400
    text = r.content.decode()
    assert "Vui lòng nhập tiêu đề" in text and "ít nhất 20 ký tự" in text and "cách liên hệ" in text
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = c.post(
        "/phan-anh/",
        {"unit": "H32.27", "title": "T", "content": "x" * 30, "name": "A", "phone": "0905111222", "attachments": bad},
    )
    assert r.status_code == 400 and "Nội dung tệp không khớp" in r.content.decode()
    good = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    r = c.post(
        "/phan-anh/",
        {
            "unit": "H32.27",
            "title": "Tiêu đề",
            "content": "x" * 30,
            "name": "A",
            "phone": "0905111222",
            "attachments": good,
        },
    )
    assert r.status_code == 302
    fb = Feedback.objects.get()
    assert r["Location"] == f"/phan-anh/danh-gia/{fb.rating_token}/"
    assert fb.channel == "web" and fb.attachments.count() == 1
    assert c.get(r["Location"]).status_code == 200
    assert c.get("/phan-anh/danh-gia/nope/").status_code == 404


def test_staff_screens_walk_a_feedback(world: dict[str, Any]) -> None:
    fb = inbound.receive(
        payload(
            title="Bà Trần Thị Bích Ngọc phản ánh chậm trả kết quả",
            attachments=[{"filename": "a.pdf", "content_base64": base64.b64encode(PDF).decode()}],
        ),
        channel="web",
        now=at(2026, 3, 2, 9),
    )
    spec, lead = client_for(world["spec_a"]), client_for(world["lead_a"])
    assert spec.get("/backoffice/phan-anh/").status_code == 200
    assert spec.get("/backoffice/phan-anh/?view=overdue").status_code == 200
    assert spec.get("/backoffice/phan-anh/?view=all").status_code == 200
    r = spec.get(f"/backoffice/phan-anh/{fb.code}/")
    assert r.status_code == 200 and "Phân loại, xử lý bước đầu" in r.content.decode()
    att = fb.attachments.get()
    assert spec.get(f"/backoffice/phan-anh/{fb.code}/tep/{att.pk}/").content == PDF
    assert client_for(world["spec_b"]).get(f"/backoffice/phan-anh/{fb.code}/").status_code == 404
    r = spec.post(f"/backoffice/phan-anh/{fb.code}/classify/", {"case": "not_accepted", "reason": ""})
    assert r.status_code == 400 and "Ghi rõ lý do" in r.content.decode()
    assert (
        spec.post(
            f"/backoffice/phan-anh/{fb.code}/classify/", {"case": "within_authority", "topic": "procedure"}
        ).status_code
        == 302
    )
    assert spec.post(f"/backoffice/phan-anh/{fb.code}/draft_answer/", {"answer": "Đã xử lý."}).status_code == 302
    assert "approve_answer" not in spec.get(f"/backoffice/phan-anh/{fb.code}/").content.decode()
    assert lead.post(f"/backoffice/phan-anh/{fb.code}/approve_answer/", {}).status_code == 302
    assert lead.post(f"/backoffice/phan-anh/{fb.code}/publish/", {}).status_code == 302
    fb.refresh_from_db()
    assert fb.status == "published"
    public = Client().get(f"/phan-anh/cong-khai/{fb.code}/").content.decode()
    assert (
        "Đã xử lý." in public
        and "Trần Thị Bích Ngọc" not in public
        and "0905" not in public
        and "ngoc@example.vn" not in public
    )
    assert "Trần Thị Bích Ngọc" not in Client().get("/phan-anh/cong-khai/").content.decode()
    r = Client().post(f"/phan-anh/danh-gia/{fb.rating_token}/", {"rating": "5"})
    assert r.status_code == 302
    fb.refresh_from_db()
    assert fb.rating == 5
    r = spec.get("/backoffice/phan-anh/bao-cao/?period=year&year=2026")
    assert r.status_code == 200 and "danh-sach/?from=2026-01-01" in r.content.decode()
    assert spec.get("/backoffice/phan-anh/bao-cao.xlsx?period=h1&year=2026").content[:2] == b"PK"
    assert spec.get("/backoffice/phan-anh/bao-cao.pdf?period=h1&year=2026").content[:5] == b"%PDF-"
    r = spec.get("/backoffice/phan-anh/danh-sach/?from=2026-01-01&to=2026-12-31&cell=satisfied")
    assert r.status_code == 200 and fb.code in r.content.decode()
    assert spec.get("/backoffice/phan-anh/danh-sach/?cell=nope").status_code == 400
    assert spec.get("/backoffice/phan-anh/bao-cao/?from=2026-13-01").status_code == 400


def test_staff_intake_and_alerts(world: dict[str, Any]) -> None:
    clerk = client_for(world["clerk_a"])
    assert clerk.get("/backoffice/phan-anh/moi/").status_code == 200
    r = clerk.post(
        "/backoffice/phan-anh/moi/",
        {
            **{
                "channel": "hotline",
                "unit": "H32.27",
                "title": "Đường dây nóng",
                "content": "Người dân gọi phản ánh thái độ cán bộ tại quầy.",
                "name": "Lê Văn Tám",
                "phone": "0258 3822 111",
            }
        },
    )
    assert r.status_code == 302
    fb = Feedback.objects.get()
    assert fb.channel == "hotline" and fb.events.get().actor == world["clerk_a"]
    assert client_for(world["lead_a"]).get("/backoffice/phan-anh/moi/").status_code == 403
    from motcua.feedback.jobs import tick

    assert fb.due_at is not None
    assert tick(fb.due_at.replace(hour=9)) >= 1  # a warning the day it falls due
    n = tick(fb.due_at.replace(hour=18))  # then a breach
    assert n >= 1 and tick(fb.due_at.replace(hour=18)) == 0
    assert world["clerk_a"].feedback_alerts.filter(level="breach").exists()


def test_inbound_endpoint(world: dict[str, Any]) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.post("/api/v1/feedback/inbound", payload(), format="json").status_code in (401, 403)
    api.force_authenticate(world["clerk_a"])
    r = api.post("/api/v1/feedback/inbound", {**payload(), "external_id": "DVC-1"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["code"].startswith("PAKN-H32.27-")
    again = api.post("/api/v1/feedback/inbound", {**payload(), "external_id": "DVC-1"}, format="json")
    assert again.status_code == 200 and again.json()["code"] == r.json()["code"]
    assert Feedback.objects.get().channel == "portal"
    bad = api.post("/api/v1/feedback/inbound", {**payload(), "content": "ngắn"}, format="json")
    assert bad.status_code == 400 and "content" in bad.json()["fields"]
    other = api.post("/api/v1/feedback/inbound", payload(unit="H32.28"), format="json")
    assert other.status_code == 403
    assert api.post("/api/v1/feedback/inbound", [1], format="json").status_code == 400
    junk = api.post(
        "/api/v1/feedback/inbound",
        {**payload(), "attachments": [{"filename": "a.pdf", "content_base64": "@@"}]},
        format="json",
    )
    assert junk.status_code == 400


def test_commands_offered_match_execute(world: dict[str, Any]) -> None:
    """A button is shown exactly when `execute` accepts it (for every official and state reached)."""
    fb = inbound.receive(payload(), channel="web", now=at(2026, 3, 2, 9))
    officials = [world[k] for k in world if "_" in k]
    for name in commands.TABLE:
        for user in officials:
            shown = name in {c.name for c in commands.offered(user, fb)}
            assert shown == (commands.refusal(name, user, fb) == "")
