"""An intake is one transaction of its own: a failure after the dossier's row leaves nothing behind.

The pipeline opens no transaction for a creating command; `intake.idempotent` is the outermost
one. These tests run without the test case's wrapping transaction, as a server request does.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from motcua.dossiers.commands import intake
from motcua.dossiers.models import CodeCounter, Dossier, DossierEvent, Duty
from motcua.dossiers.tests import factories as f
from motcua.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


def _body(key: str) -> dict[str, Any]:
    return {
        "procedure": "1.001193",
        "unit": "H32.27.01",
        "applicant_name": "Nguyễn Văn A",
        "applicant_id_number": "056090000001",
        "applicant_phone": "0900000001",
        "idempotency_key": key,
    }


def _client(world: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(world.clerk)
    return c


def test_a_failure_after_the_insert_rolls_the_whole_intake_back(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    f.procedure()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("crash after the dossier row and its first event")

    monkeypatch.setattr(intake, "after_receipt", boom)
    with pytest.raises(RuntimeError):
        _client(world).post("/api/v1/dossiers/", _body("tx-1"), format="json")
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()
    assert not Duty.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not CodeCounter.objects.exists()  # the code is not used up either
    monkeypatch.undo()
    retried = _client(world).post("/api/v1/dossiers/", _body("tx-1"), format="json")
    assert retried.status_code == 201
    assert Dossier.objects.get().code == retried.json()["code"]


def test_an_intake_is_one_transaction_without_a_savepoint(world: Any) -> None:
    f.procedure()
    client = _client(world)
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/dossiers/", _body("tx-2"), format="json").status_code == 201
    sql = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert "SAVEPOINT" not in sql
    # A retry with the same key answers the same dossier and writes nothing.
    again = client.post("/api/v1/dossiers/", _body("tx-2"), format="json")
    assert again.status_code == 201 and Dossier.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/dossiers/", "/api/v1/dossiers/refuse-new/"])
def test_the_201_body_equals_a_later_read(world: Any, path: str) -> None:
    """The intake answers from the dossier it wrote; every field must be what the database now holds."""
    f.procedure()
    client = _client(world)
    body = {**_body(f"tx-{path}"), "reason": "Thiếu giấy tờ"} if "refuse" in path else _body(f"tx-{path}")
    created = client.post(path, body, format="json")
    assert created.status_code == 201, created.content
    later = client.get(f"/api/v1/dossiers/{created.json()['code']}/").json()
    assert created.json() == {key: later[key] for key in created.json()}
    # The retry is answered from the stored dossier: the same body.
    assert client.post(path, body, format="json").json() == created.json()
