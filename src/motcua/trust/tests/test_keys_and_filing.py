"""Issue 10, acceptance 3: idempotency keys never hand out another caller's or unit's dossier, and online
filing needs a citizen's own account or a staff role that may receive at that unit."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


BODY = {
    "procedure": "1.001193",
    "applicant_name": "Nguyễn Văn A",
    "applicant_id_number": "056090000001",
    "idempotency_key": "demo-live-1",
}


@pytest.mark.parametrize("path", ["/api/v1/dossiers/", "/api/v1/dossiers/online/"])
def test_another_callers_key_never_returns_the_dossier(world: Any, path: str) -> None:
    f.procedure()
    citizen = f.official("citizen.a", world.other)  # no role: a citizen's account
    first_caller = world.clerk if path == "/api/v1/dossiers/" else citizen
    body = {**BODY, "unit": world.commune.code}
    first = client_for(first_caller).post(path, body, format="json")
    assert first.status_code == 201
    code = first.json()["code"]
    colleague = f.official("clerk.b", world.commune, Role.CLERK)  # same unit, another caller
    other_unit_clerk = f.official("clerk.c", world.other, Role.CLERK)
    other_citizen = f.official("citizen.b", world.other)
    for caller, unit in ((colleague, world.commune), (other_unit_clerk, world.other), (other_citizen, world.commune)):
        for p in ("/api/v1/dossiers/", "/api/v1/dossiers/online/"):
            r = client_for(caller).post(p, {**body, "unit": unit.code}, format="json")
            text = r.content.decode()
            assert r.status_code in (403, 404, 409, 400), (caller, p, r.status_code, text)
            assert code not in text and "Nguyễn Văn A" not in text and "056090000001" not in text
    assert Dossier.objects.count() == 1


def test_same_key_with_another_body_is_a_conflict(world: Any) -> None:
    f.procedure()
    clerk = client_for(world.clerk)
    body = {**BODY, "unit": world.commune.code}
    assert clerk.post("/api/v1/dossiers/", body, format="json").status_code == 201
    r = clerk.post("/api/v1/dossiers/", {**body, "applicant_id_number": "056090000002"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "idempotency_conflict"
    assert "Nguyễn Văn A" not in r.content.decode()


def test_online_filing_needs_a_citizen_or_a_receiving_role(world: Any) -> None:
    f.procedure()
    body = {"procedure": "1.001193", "unit": world.commune.code, "applicant_name": "B"}
    assert APIClient().post("/api/v1/dossiers/online/", body, format="json").status_code in (401, 403)
    # staff of another unit, and staff at this unit without a receiving role, may not file here
    assert client_for(world.stranger).post("/api/v1/dossiers/online/", body, format="json").status_code == 403
    assert client_for(world.specialist).post("/api/v1/dossiers/online/", body, format="json").status_code == 403
    assert Dossier.objects.count() == 0
    citizen = f.official("citizen.c", world.other)
    assert client_for(citizen).post("/api/v1/dossiers/online/", body, format="json").status_code == 201
    assert client_for(world.clerk).post("/api/v1/dossiers/online/", body, format="json").status_code == 201
