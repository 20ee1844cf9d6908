"""`motcua audit verify` detects an edited, an inserted and a deleted event (also the last one)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from motcua.cli import main
from motcua.dossiers import services as s
from motcua.dossiers.chain import canonical_bytes, event_hash
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.trust.appendonly import lifted

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = DossierEvent._meta.db_table


def three_dossiers(world: Any) -> list[Dossier]:
    proc = f.procedure()
    out = []
    for n in range(3):
        d = s.receive_dossier(
            world.clerk, procedure=proc, unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 9, n)
        )
        s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10, n))
        s.request_fee(world.specialist, d, amount=1000, now=at(2026, 3, 2, 11, n))
        s.confirm_fee(world.clerk, d, now=at(2026, 3, 2, 14, n))
        out.append(Dossier.objects.get(pk=d.pk))
    return out


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    code = main(["audit", "verify", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sql(statement: str, params: list[Any]) -> None:
    """A tamper: the append-only triggers are lifted (and the lift recorded) as an insider could."""
    with lifted("test: tamper"), connection.cursor() as cur:
        cur.execute(statement, params)


def test_intact_chains_pass(world: Any, capsys: Any) -> None:
    three_dossiers(world)
    code, out, _ = run(capsys, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["dossiers"] == 3 and report["events"] == 12


def test_edited_event(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    event = DossierEvent.objects.get(dossier=ds[1], seq=3)
    sql(f"UPDATE {TABLE} SET payload = %s WHERE id = %s", [json.dumps({"amount": 1, "note": ""}), event.pk])
    code, _, err = run(capsys)
    assert code == 1
    assert ds[1].code in err and "event 3" in err
    assert len(err.strip().splitlines()) == 1


def test_edited_event_time(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    event = DossierEvent.objects.get(dossier=ds[0], seq=2)
    sql(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [at(2026, 3, 2, 8), event.pk])
    code, out, _ = run(capsys, "--json")
    assert code == 1
    first = json.loads(out)["first"]
    assert first["dossier"] == ds[0].code and first["seq"] == 2


def test_inserted_event(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    d = ds[2]
    # A forger appends a well-formed, correctly hashed event but cannot touch the row's head.
    last = DossierEvent.objects.get(dossier=d, seq=4)
    payload = {"outcome": "on_time", "note": ""}
    when = at(2026, 3, 3, 9)
    digest = event_hash(
        last.hash, canonical_bytes(dossier_code=d.code, seq=5, type="finished", actor_id=None, at=when, payload=payload)
    )
    sql(
        f"INSERT INTO {TABLE} (dossier_id, seq, type, actor_label, at, payload, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
        [d.pk, 5, "finished", "", when, json.dumps(payload), last.hash, digest],
    )
    code, _, err = run(capsys)
    assert code == 1 and d.code in err


def test_inserted_event_in_the_middle(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    d = ds[0]
    sql(f"UPDATE {TABLE} SET seq = seq + 100 WHERE dossier_id = %s AND seq >= 3", [d.pk])
    sql(f"UPDATE {TABLE} SET seq = seq - 99 WHERE dossier_id = %s AND seq >= 100", [d.pk])
    first = DossierEvent.objects.get(dossier=d, seq=2)
    sql(
        f"INSERT INTO {TABLE} (dossier_id, seq, type, actor_label, at, payload, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
        [d.pk, 3, "step_completed", "", at(2026, 3, 2, 10, 30), "{}", first.hash, "f" * 64],
    )
    code, out, _ = run(capsys, "--json")
    assert code == 1
    assert json.loads(out)["first"]["dossier"] == d.code


@pytest.mark.parametrize("seq", [1, 2, 4])
def test_deleted_event(world: Any, capsys: Any, seq: int) -> None:
    ds = three_dossiers(world)
    d = ds[1]
    sql(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq = %s", [d.pk, seq])
    code, out, err = run(capsys, "--json")
    assert code == 1
    first = json.loads(out)["first"]
    assert first["dossier"] == d.code and first["seq"] == seq
    assert d.code in err


def test_cached_state_edit_is_detected(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    # "Hợp thức hóa": moving the due date on the row without an event.
    sql(f"UPDATE {Dossier._meta.db_table} SET due_at = %s WHERE id = %s", [at(2026, 3, 20, 17), ds[2].pk])
    code, out, err = run(capsys, "--json")
    assert code == 1 and ds[2].code in err
    report = json.loads(out)
    assert report["first"]["dossier"] == ds[2].code and "due_at" in report["first"]["reason"]


def test_single_dossier_option(world: Any, capsys: Any) -> None:
    ds = three_dossiers(world)
    sql(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq = 4", [ds[0].pk])
    assert run(capsys, "--dossier", ds[1].code)[0] == 0
    assert run(capsys, "--dossier", ds[0].code)[0] == 1
    assert run(capsys, "--dossier", "NOPE")[0] == 2


def test_imported_history_verifies_and_edits_are_caught(world: Any, capsys: Any) -> None:
    """Dossiers written by the history import (one `imported` event whose payload is the source line)."""
    from django.utils import timezone

    from motcua.dossiers.chain import GENESIS

    proc = f.procedure()
    source = {
        "code": "H32.27.01-250106-0001",
        "procedure": proc.code,
        "unit": world.commune.code,
        "channel": "online",
        "received_at": "2025-01-06T08:15:00+07:00",
        "due_at": "2025-01-07T17:00:00+07:00",
        "status": "returned",
        "finished_at": "2025-01-07T10:00:00+07:00",
        "returned_at": "2025-01-07T14:00:00+07:00",
    }
    now = timezone.now()
    digest = event_hash(
        GENESIS,
        canonical_bytes(dossier_code=source["code"], seq=1, type="imported", actor_id=None, at=now, payload=source),
    )
    from datetime import datetime

    d = Dossier.objects.create(
        code=source["code"],
        procedure=proc,
        unit=world.commune,
        channel="online",
        status="returned",
        regime="nd61",
        received_at=datetime.fromisoformat(source["received_at"]),
        due_at=datetime.fromisoformat(source["due_at"]),
        finished_at=datetime.fromisoformat(source["finished_at"]),
        returned_at=datetime.fromisoformat(source["returned_at"]),
        imported=True,
        last_event_hash=digest,
        event_count=1,
    )
    DossierEvent.objects.create(
        dossier=d, seq=1, type="imported", at=now, payload=source, prev_hash=GENESIS, hash=digest
    )
    assert run(capsys)[0] == 0
    sql(f"UPDATE {Dossier._meta.db_table} SET finished_at = %s WHERE id = %s", [at(2025, 1, 7, 16), d.pk])
    code, _, err = run(capsys)
    assert code == 1 and d.code in err and "finished_at" in err
