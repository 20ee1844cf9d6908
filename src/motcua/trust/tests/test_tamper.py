"""Issue 10, acceptance 1: 23 edits an insider with write access could make to a checkpointed
database (and to the checkpoint log), each caught by `motcua audit verify`, which names the dossier.

Every tamper runs as that insider would: with the append-only triggers lifted (`lifted`, which
records itself; an insider would drop the triggers instead) and without the trust key. Runs on
SQLite and, with MOTCUA_DATABASE_URL pointing at PostgreSQL, on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection

from motcua.cli import main
from motcua.documents.models import Document
from motcua.dossiers import services as s
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at
from motcua.trust import checkpoints, keys
from motcua.trust.appendonly import lifted

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = DossierEvent._meta.db_table
DOSSIERS = Dossier._meta.db_table


def sql(statement: str, params: list[Any] | None = None) -> None:
    with lifted("test: insider tamper"), connection.cursor() as cur:
        cur.execute(statement, params or [])


def build(world: Any) -> list[Dossier]:
    """Three live dossiers, each received, with a step run (started and completed) and a document."""
    proc = f.procedure()
    out = []
    for n in range(3):
        d = s.receive_dossier(
            world.clerk, procedure=proc, unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 9, n)
        )
        s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10, n))
        s.attach_document(
            world.specialist,
            d,
            upload=s.Upload(f"to-khai-{n}.pdf", PDF + str(n).encode()),
            component="to_khai",
            now=at(2026, 3, 2, 10, 30 + n),
        )
        s.complete_step(world.specialist, d, now=at(2026, 3, 2, 11, n))
        out.append(Dossier.objects.get(pk=d.pk))
    return out


def db_time(value: Any) -> Any:
    """A time as the database driver stores it through Django (a careful forger writes the same format)."""
    return connection.ops.adapt_datetimefield_value(value)


def ev(d: Dossier, seq: int) -> DossierEvent:
    return DossierEvent.objects.get(dossier=d, seq=seq)


def rechain(d: Dossier, edits: dict[int, dict[str, Any]], *, fix_row: bool = True) -> None:
    """Rewrite a chain consistently (recomputed hashes) with `edits` {seq: {column: value}}, as a forger
    who knows the (public) hashing scheme but not the trust key would."""
    prev = GENESIS
    rows = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
    for e in rows:
        change = edits.get(e.seq, {})
        for name, value in change.items():
            setattr(e, name, value)
        data = canonical_bytes(
            dossier_code=d.code,
            seq=e.seq,
            type=e.type,
            actor_id=e.actor_id,
            at=e.at,
            payload=e.payload,
            actor_label=e.actor_label,
        )
        e.prev_hash, e.hash = prev, event_hash(prev, data)
        prev = e.hash
        sql(
            f"UPDATE {EVENTS} SET at = %s, payload = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [db_time(e.at), json.dumps(e.payload), e.prev_hash, e.hash, e.pk],
        )
    if fix_row:
        sql(f"UPDATE {DOSSIERS} SET last_event_hash = %s WHERE id = %s", [prev, d.pk])


def append_forged(d: Dossier, *, fix_row: bool) -> None:
    last = ev(d, d.event_count)
    when = last.at + timedelta(hours=1)
    payload = {"outcome": "on_time", "note": "giả mạo"}
    data = canonical_bytes(
        dossier_code=d.code, seq=last.seq + 1, type="finished", actor_id=None, at=when, payload=payload
    )
    digest = event_hash(last.hash, data)
    sql(
        f"INSERT INTO {EVENTS} (dossier_id, seq, type, actor_label, at, payload, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [d.pk, last.seq + 1, "finished", "", db_time(when), json.dumps(payload), last.hash, digest],
    )
    if fix_row:
        sql(
            f"UPDATE {DOSSIERS} SET event_count = %s, last_event_hash = %s WHERE id = %s",
            [last.seq + 1, digest, d.pk],
        )


def delete_event(d: Dossier, seq: int, *, fix_row: bool) -> None:
    sql(f"DELETE FROM {EVENTS} WHERE dossier_id = %s AND seq = %s", [d.pk, seq])
    if fix_row:
        sql(
            f"UPDATE {DOSSIERS} SET event_count = %s, last_event_hash = %s WHERE id = %s",
            [d.event_count - 1, ev(d, d.event_count - 1).hash if seq == d.event_count else d.last_event_hash, d.pk],
        )


def delete_dossier(d: Dossier) -> None:
    """Every row that points at the dossier, then the dossier (an insider erasing a case)."""
    with lifted("test: insider tamper"), connection.cursor() as cur:
        for rel in Dossier._meta.related_objects:
            if rel.many_to_many or (rel.one_to_one and not rel.concrete):
                continue
            model = rel.related_model
            column = rel.field.column
            for inner in model._meta.related_objects:  # e.g. alerts of the dossier's duties
                if not inner.many_to_many:
                    cur.execute(
                        f"DELETE FROM {inner.related_model._meta.db_table} WHERE {inner.field.column} IN "
                        f"(SELECT id FROM {model._meta.db_table} WHERE {column} = %s)",
                        [d.pk],
                    )
            cur.execute(f"DELETE FROM {model._meta.db_table} WHERE {column} = %s", [d.pk])
        cur.execute(f"DELETE FROM {DOSSIERS} WHERE id = %s", [d.pk])


def reorder(d: Dossier) -> None:
    sql(f"UPDATE {EVENTS} SET seq = 1000 WHERE dossier_id = %s AND seq = 2", [d.pk])
    sql(f"UPDATE {EVENTS} SET seq = 2 WHERE dossier_id = %s AND seq = 3", [d.pk])
    sql(f"UPDATE {EVENTS} SET seq = 3 WHERE dossier_id = %s AND seq = 1000", [d.pk])


def replace_file(d: Dossier) -> None:
    doc = Document.objects.get(dossier=d)
    Path(doc.file.path).write_bytes(PDF + b"% altered\n")


def edit_log(d: Dossier) -> None:
    path = checkpoints.log_path()
    lines = path.read_bytes().splitlines()
    record = json.loads(lines[-1])
    record["dossiers"] -= 1
    lines[-1] = json.dumps(record, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")


def other_key(d: Dossier) -> None:
    """The insider deletes a dossier, then appends a checkpoint of the result signed with their own key."""
    delete_dossier(d)
    import hashlib

    forger = Ed25519PrivateKey.generate()
    path = checkpoints.log_path()
    prev_line = path.read_bytes().splitlines()[-1]
    heads = checkpoints._sorted((c, n, h) for c, n, h, _, _ in checkpoints._db_heads())
    record: dict[str, Any] = {
        "n": 2,
        "at": json.loads(prev_line)["at"],
        "dossiers": len(heads),
        "events": sum(h[1] for h in heads),
        "root": checkpoints.merkle_root([checkpoints.leaf(*h) for h in heads]),
        "heads": "heads-000002.tsv.gz",
        "prev": hashlib.sha256(prev_line).hexdigest(),
        "key": keys.fingerprint(forger.public_key()),
        "public_key": keys.public_b64(forger.public_key()),
    }
    record["signature"] = base64.b64encode(forger.sign(checkpoints.signed_bytes(record))).decode()
    with path.open("ab") as log:
        log.write(json.dumps(record).encode() + b"\n")


TAMPERS: dict[str, Callable[[Dossier], None]] = {
    "event time": lambda d: sql(
        f"UPDATE {EVENTS} SET at = %s WHERE dossier_id = %s AND seq = 2", [db_time(at(2026, 3, 2, 8)), d.pk]
    ),
    "event payload": lambda d: sql(
        f"UPDATE {EVENTS} SET payload = %s WHERE dossier_id = %s AND seq = 4",
        [json.dumps({"started_seq": 2, "order": 1, "outcome": "early", "note": "sửa"}), d.pk],
    ),
    "event type": lambda d: sql(f"UPDATE {EVENTS} SET type = 'withdrawn' WHERE dossier_id = %s AND seq = 4", [d.pk]),
    "event actor": lambda d: sql(
        f"UPDATE {EVENTS} SET actor_id = (SELECT min(actor_id) FROM {EVENTS} WHERE seq = 1) "
        "WHERE dossier_id = %s AND seq = 2",
        [d.pk],
    ),
    "event actor name": lambda d: sql(
        f"UPDATE {EVENTS} SET actor_label = 'Trần Văn Khác' WHERE dossier_id = %s AND seq = 2", [d.pk]
    ),
    "delete middle event": lambda d: delete_event(d, 2, fix_row=False),
    "delete middle event, row fixed": lambda d: delete_event(d, 2, fix_row=True),
    "delete last event": lambda d: delete_event(d, d.event_count, fix_row=False),
    "delete last event, row fixed": lambda d: delete_event(d, d.event_count, fix_row=True),
    "reorder events": reorder,
    "edit prev_hash": lambda d: sql(
        f"UPDATE {EVENTS} SET prev_hash = %s WHERE dossier_id = %s AND seq = 3", ["f" * 64, d.pk]
    ),
    "append forged event": lambda d: append_forged(d, fix_row=False),
    "append forged event, row fixed": lambda d: append_forged(d, fix_row=True),
    "rewrite whole chain": lambda d: rechain(d, {1: {"payload": {**ev(d, 1).payload, "channel": "online"}}}),
    "back-date an event": lambda d: rechain(d, {4: {"at": ev(d, 4).at - timedelta(days=3, minutes=-1)}}),
    "delete dossier and events": delete_dossier,
    "applicant name": lambda d: sql(f"UPDATE {DOSSIERS} SET applicant_name = 'Lê Thị Khác' WHERE id = %s", [d.pk]),
    "applicant id": lambda d: sql(f"UPDATE {DOSSIERS} SET applicant_id_number = '056090009999' WHERE id = %s", [d.pk]),
    "step run": lambda d: sql(
        f"UPDATE {StepRun._meta.db_table} SET finished_at = %s WHERE dossier_id = %s",
        [db_time(at(2026, 3, 2, 10, 45)), d.pk],
    ),
    "replace uploaded file": replace_file,
    "document hash": lambda d: sql(
        f"UPDATE {Document._meta.db_table} SET sha256 = %s WHERE dossier_id = %s", ["0" * 64, d.pk]
    ),
    "edit checkpoint log": edit_log,
    "checkpoint signed with another key": other_key,
}


# Which check catches each tamper (docs/ARCHITECTURE.md, "Trust: what verification promises").
CAUGHT_BY = {
    "event time": "event altered",
    "event payload": "event altered",
    "event type": "event altered",
    "event actor": "event altered",
    "event actor name": "event altered",
    "delete middle event": "missing event",
    "delete middle event, row fixed": "missing event",
    "delete last event": "missing event",
    "delete last event, row fixed": "seal",
    "reorder events": "broken link",
    "edit prev_hash": "broken link",
    "append forged event": "unexpected event",
    "append forged event, row fixed": "seal",
    "rewrite whole chain": "seal",
    "back-date an event": "seal",
    "delete dossier and events": "deleted since checkpoint",
    "applicant name": "applicant differs",
    "applicant id": "applicant differs",
    "step run": "step run differs",
    "replace uploaded file": "stored file",
    "document hash": "differs from its event",
    "edit checkpoint log": "edited",
    "checkpoint signed with another key": "another key",
}


def verify_all(capsys: Any) -> tuple[int, dict[str, Any]]:
    code = main(["audit", "verify", "--json", "--all"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_the_untouched_database_verifies_against_its_checkpoint(world: Any, capsys: Any) -> None:
    build(world)
    assert main(["audit", "checkpoint"]) == 0
    code, report = verify_all(capsys)
    assert code == 0 and report["ok"] and report["checkpoint"] == 1, report["problems"]


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "after-a-passing-verify"])
@pytest.mark.parametrize("name", list(TAMPERS))
def test_tamper_is_detected_and_named(world: Any, capsys: Any, name: str, warm: bool) -> None:
    """`warm`: a verification passed (and, on PostgreSQL, recorded its MACs) before the tamper."""
    ds = build(world)
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()
    if warm:
        assert verify_all(capsys)[0] == 0
    target = ds[1]
    TAMPERS[name](target)
    code, report = verify_all(capsys)
    assert code == 1, f"{name}: not detected"
    named = {p["dossier"] for p in report["problems"]}
    where = "(checkpoint log)" if "checkpoint" in name else target.code
    assert where in named, (name, report["problems"])
    reasons = [p["reason"] for p in report["problems"] if p["dossier"] == where]
    assert any(CAUGHT_BY[name] in r for r in reasons), (name, reasons)
    assert {ds[0].code, ds[2].code}.isdisjoint(named), report["problems"]  # nothing else is blamed


def test_forged_verified_state_is_not_trusted(world: Any, capsys: Any) -> None:
    """Copying a passing dossier's MAC onto a tampered one (no key) does not skip its full check."""
    from motcua.trust.models import VerifiedState

    ds = build(world)
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()
    assert verify_all(capsys)[0] == 0
    TAMPERS["step run"](ds[1])
    table = VerifiedState._meta.db_table
    sql(
        f"UPDATE {table} SET mac = (SELECT mac FROM {table} WHERE dossier_id = %s) WHERE dossier_id = %s",
        [ds[0].pk, ds[1].pk],
    )
    code, report = verify_all(capsys)
    assert code == 1 and {p["dossier"] for p in report["problems"]} == {ds[1].code}, report["problems"]


def test_count_of_tampers() -> None:
    assert len(TAMPERS) == 23 and set(CAUGHT_BY) == set(TAMPERS)
