"""Every staff read of a citizen's personal data leaves a row (who, what, when, from where), one test
per surface, and inspectors review them on /backoffice/reads/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from motcua.backoffice.models import PersonalDataRead
from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_screens import component_ids, intake_post
from motcua.dossiers.models import Dossier


@pytest.fixture
def world(db: None, clock: Any) -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    return {"unit": u["a"], **people}


ADDRESS = "203.0.113.9"


def reads(user: Any) -> list[tuple[str, int | None, str | None, str]]:
    rows = PersonalDataRead.objects.filter(user=user).order_by("id")
    return [(r.what, r.dossier_id, r.address, r.path) for r in rows]


def staff_client(user: Any) -> Client:
    c = Client(REMOTE_ADDR=ADDRESS)
    c.force_login(user)
    return c


def test_the_dossier_page(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    path = reverse("backoffice:dossier", args=[d.code])
    assert staff_client(world["specialist"]).get(path).status_code == 200
    assert reads(world["specialist"]) == [("dossier_page", d.pk, ADDRESS, path)]


@pytest.mark.parametrize("kind", ["receipt"])
def test_printed_forms(world: dict[str, Any], kind: str) -> None:
    d = f.received(world["clerk"], world["unit"])
    path = reverse("backoffice:form_pdf", args=[d.code, kind])
    assert staff_client(world["clerk"]).get(path).status_code == 200
    assert reads(world["clerk"]) == [(f"form:{kind}", d.pk, ADDRESS, path)]


def test_document_downloads(world: dict[str, Any]) -> None:
    c = staff_client(world["clerk"])
    a, b = component_ids()[:2]
    scan = SimpleUploadedFile("to-khai.pdf", f.PDF, content_type="application/pdf")
    response = c.post(reverse("backoffice:intake"), {**intake_post(**{f"component_{b}": "on"}), f"file_{a}": scan})
    assert response.status_code == 302
    d = Dossier.objects.get()
    doc = d.documents.get()
    path = reverse("backoffice:document", args=[d.code, doc.pk])
    assert c.get(path).status_code == 200
    row = PersonalDataRead.objects.get(user=world["clerk"], what="document")
    assert (row.dossier_id, row.address, row.path, row.detail) == (d.pk, ADDRESS, path, {"document": doc.pk})


def test_the_tracking_book_and_the_worklist(world: dict[str, Any]) -> None:
    d1 = f.received(world["clerk"], world["unit"])
    c = staff_client(world["clerk"])
    assert c.get(reverse("backoffice:worklist")).status_code == 200
    assert c.get(reverse("backoffice:tracking_book"), {"code": [d1.code]}).status_code == 200
    assert [(w, dossier) for w, dossier, *_ in reads(world["clerk"])] == [("worklist", d1.pk), ("tracking_book", d1.pk)]


def test_the_api_detail_and_list_by_token(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    token = Token.objects.create(user=world["specialist"])
    api = Client(REMOTE_ADDR=ADDRESS, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/dossiers/{d.code}/").status_code == 200
    assert api.get("/api/v1/dossiers/").json()["count"] == 1
    assert reads(world["specialist"]) == [
        ("api:dossier", d.pk, ADDRESS, f"/api/v1/dossiers/{d.code}/"),
        ("api:dossier_list", d.pk, ADDRESS, "/api/v1/dossiers/"),
    ]
    # A dossier outside the caller's scope is a 404 and leaves no read.
    assert api.get("/api/v1/dossiers/NO-SUCH/").status_code == 404
    assert len(reads(world["specialist"])) == 2


def test_behind_a_proxy_the_client_address_is_recorded(world: dict[str, Any], settings: Any) -> None:
    settings.TRUSTED_PROXIES = 1
    d = f.received(world["clerk"], world["unit"])
    c = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    c.force_login(world["specialist"])
    c.get(reverse("backoffice:dossier", args=[d.code]))
    assert reads(world["specialist"])[0][2] == "198.51.100.20"


def test_inspectors_review_the_trail_others_may_not(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    staff_client(world["specialist"]).get(reverse("backoffice:dossier", args=[d.code]))
    staff_client(world["clerk"]).get(reverse("backoffice:form_pdf", args=[d.code, "receipt"]))
    inspector = f.user("thanhtra", world["unit"], "inspector")
    page = staff_client(inspector).get(reverse("backoffice:reads"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "dossier_page" in body and "form:receipt" in body and ADDRESS in body and d.code in body
    assert 'href="/backoffice/reads/"' in body  # in the navigation for reviewers
    only_minh = staff_client(inspector).get(reverse("backoffice:reads"), {"user": "minh"}).content.decode()
    assert "dossier_page" in only_minh and "form:receipt" not in only_minh
    assert staff_client(world["clerk"]).get(reverse("backoffice:reads")).status_code == 403
    assert (
        'href="/backoffice/reads/"'
        not in staff_client(world["clerk"]).get(reverse("backoffice:worklist")).content.decode()
    )
