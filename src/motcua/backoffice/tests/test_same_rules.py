"""The screens and the API apply one set of rules: the same bad input is refused by both, and a counter
intake submitted twice at the same moment gives one dossier with one copy of each scan."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_screens import component_ids, intake_post
from motcua.dossiers.models import Dossier, DossierEvent


def _staff() -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    return {"unit": u["a"], **people}


def _browser(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.mark.django_db
def test_bad_intake_input_is_refused_by_the_form_and_the_api() -> None:
    w = _staff()
    province_only = f.procedure("2.000001", "Thủ tục cấp tỉnh")
    province_only.levels = ["province"]
    province_only.save()
    cases = [
        {"applicant_id_number": "05619000ABCD"},  # not digits
        {"procedure": "2.000001"},  # a province procedure at a commune
    ]
    for case in cases:
        form = {**intake_post(idempotency_key=f"k-{len(case)}"), "unit": w["unit"].code, **case}
        for pk in component_ids():
            form[f"component_{pk}"] = "on"
        page = _browser(w["clerk"]).post(reverse("backoffice:intake"), form)
        assert page.status_code == 200 and 'class="errorlist"' in page.content.decode(), case
        body = {
            "procedure": form["procedure"],
            "unit": w["unit"].code,
            "applicant_name": form["applicant_name"],
            "applicant_id_number": form["applicant_id_number"],
        }
        r = _api(w["clerk"]).post("/api/v1/dossiers/", body, format="json")
        assert r.status_code == 400, (case, r.content)
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_bad_action_input_is_refused_by_the_form_and_the_api() -> None:
    from motcua.dossiers import services

    w = _staff()
    d = f.received(w["clerk"], w["unit"])
    services.start_step(w["specialist"], d)
    assert d.appointment_at is not None
    far = (timezone.localtime(d.appointment_at) + timedelta(days=365 * 3)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        ("record_apology", "apology", {"reason": "Chờ xác minh", "new_appointment_at": far.replace(far[:4], "9999")}),
        ("record_apology", "apology", {"reason": "Chờ xác minh", "new_appointment_at": far}),
        ("request_fee", "request-fee", {"amount": str(2**63)}),
        ("request_fee", "request-fee", {"amount": "-5"}),
        ("request_supplement", "request-supplement", {"items": "", "reason": "Thiếu"}),
    ]
    for name, slug, data in cases:
        before = DossierEvent.objects.filter(dossier=d).count()
        page = _browser(w["specialist"]).post(reverse("backoffice:act", args=[d.code, name]), data, follow=True)
        assert '<li class="error">' in page.content.decode(), (name, data)
        r = _api(w["specialist"]).post(f"/api/v1/dossiers/{d.code}/{slug}/", data, format="multipart")
        assert r.status_code == 400, (name, data, r.content)
        assert DossierEvent.objects.filter(dossier=d).count() == before


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_intake_gives_one_dossier_and_one_copy_of_each_scan() -> None:
    w = _staff()
    first = component_ids()[0]
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def submit() -> None:
        try:
            form = {**intake_post(idempotency_key="same-form"), "unit": w["unit"].code}
            for pk in component_ids():
                form[f"component_{pk}"] = "on"
            form[f"file_{first}"] = SimpleUploadedFile("to-khai.pdf", f.PDF, content_type="application/pdf")
            c = _browser(w["clerk"])
            barrier.wait(timeout=10)
            answers.append(c.post(reverse("backoffice:intake"), form).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [302, 302]
    d = Dossier.objects.get()
    assert d.documents.count() == 1
    assert DossierEvent.objects.filter(dossier=d, type="document_attached").count() == 1
