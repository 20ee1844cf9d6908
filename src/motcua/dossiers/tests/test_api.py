"""The REST API calls the same services with the same authorisation; times are ISO 8601 with +07:00."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_intake_steps_and_scoping(world: Any) -> None:
    f.procedure()
    clerk = client_for(world.clerk)
    body = {
        "procedure": "1.001193",
        "unit": world.commune.code,
        "applicant_name": "Nguyễn Văn A",
        "applicant_email": "a@example.vn",
        "idempotency_key": "api-1",
    }
    r = clerk.post("/api/v1/dossiers/", body, format="json")
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert r.json()["due_at"].endswith("+07:00")
    again = clerk.post("/api/v1/dossiers/", body, format="json")
    assert again.json()["code"] == code and Dossier.objects.count() == 1

    # Another commune's official neither sees nor acts on it.
    stranger = client_for(world.stranger)
    assert stranger.get(f"/api/v1/dossiers/{code}/").status_code == 404
    assert code not in [d["code"] for d in stranger.get("/api/v1/dossiers/").json()["results"]]
    assert stranger.post(f"/api/v1/dossiers/{code}/start-step/", {"name": "x"}, format="json").status_code == 404

    spec = client_for(world.specialist)
    r = spec.post(f"/api/v1/dossiers/{code}/start-step/", {"name": "Thẩm định"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "processing"
    # Illegal transition: a clear Vietnamese message and a code.
    r = clerk.post(f"/api/v1/dossiers/{code}/return/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    assert "Đang xử lý" in r.json()["detail"]
    # A clerk cannot stop the dossier (leader only), and a stop needs evidence.
    assert clerk.post(f"/api/v1/dossiers/{code}/stop/", {"reason": "x"}, format="multipart").status_code == 403
    leader = client_for(world.leader)
    r = leader.post(f"/api/v1/dossiers/{code}/stop/", {"reason": "x"}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "invalid_input" and list(r.json()["fields"]) == ["evidence"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = clerk.post(
        f"/api/v1/dossiers/{code}/documents/",
        {"file": SimpleUploadedFile("tk.pdf", PDF), "component": "to_khai", "digitized": "true"},
        format="multipart",
    )
    assert r.status_code == 200 and r.json()["digitized"] is True
    detail = clerk.get(f"/api/v1/dossiers/{code}/").json()
    assert [e["type"] for e in detail["events"]] == ["received", "step_started", "document_attached"]
    assert detail["documents"][0]["sha256"]
    assert "finished" in detail["allowed_events"] and "returned" not in detail["allowed_events"]


def test_online_submission_and_applicant_scope(world: Any) -> None:
    f.procedure()
    citizen = f.official("citizen", world.other)  # no role: a plain account
    c = client_for(citizen)
    r = c.post(
        "/api/v1/dossiers/online/",
        {"procedure": "1.001193", "unit": world.commune.code, "applicant_name": "B"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    code = r.json()["code"]
    assert [d["code"] for d in c.get("/api/v1/dossiers/").json()["results"]] == [code]
    r = c.post(f"/api/v1/dossiers/{code}/accept/", {}, format="json")
    assert r.status_code == 403
    assert client_for(world.clerk).post(f"/api/v1/dossiers/{code}/accept/", {}, format="json").status_code == 200
    assert (
        c.post(f"/api/v1/dossiers/{code}/withdraw/", {"reason": "Không cần nữa"}, format="json").json()["status"]
        == "withdrawn"
    )
    assert s.cached_matches(Dossier.objects.get(code=code))


def test_idempotency_keys_are_the_callers_own(world: Any) -> None:
    """A retry returns the first dossier; another caller's key, or the same key with another body, gets 409
    and nothing of the dossier (keys never leak another unit's data)."""
    f.procedure()
    body = {
        "procedure": "1.001193",
        "unit": world.commune.code,
        "applicant_name": "Nguyễn Văn A",
        "applicant_id_number": "056090000001",
        "idempotency_key": "retry-1",
    }
    clerk = client_for(world.clerk)
    first = clerk.post("/api/v1/dossiers/", body, format="json")
    assert first.status_code == 201
    assert clerk.post("/api/v1/dossiers/", body, format="json").json()["code"] == first.json()["code"]
    changed = clerk.post("/api/v1/dossiers/", {**body, "applicant_name": "Trần Văn B"}, format="json")
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_conflict"
    other_clerk = f.official("clerk.other", world.other, "clerk")
    f.procedure("1.000002")
    stolen = client_for(other_clerk).post("/api/v1/dossiers/", {**body, "unit": world.other.code}, format="json")
    assert stolen.status_code == 409 and "applicant" not in stolen.content.decode()
    assert "Nguyễn Văn A" not in stolen.content.decode()
    assert Dossier.objects.count() == 1
