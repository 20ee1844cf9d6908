"""`motcua audit verify` throughput (events/s) next to hashing the same bytes in a tight loop.

Data: N synthetic dossiers with 7 hash-chained events each (received, two steps, finished,
returned) and cached state equal to `derive(events)`, written once into the bench database
(PostgreSQL, `MOTCUA_BENCH_DATABASE_URL`). Figure: `audit.verify()` over all of them (streaming
from the database, recomputing canonical bytes and hashes, re-deriving state, comparing).
Baseline: SHA-256 of (prev_hash ‖ canonical bytes) for the same events, bytes already in memory.
`verify()` runs as the CLI runs it (parallel workers, `os.cpu_count()`), and also in one process
(`verify_one_process_events_per_s`) for reference. Each repeat measures a cold pass (no dossier
verified before: all re-derived, MACs recorded), the warm pass that follows (the headline figure:
unchanged dossiers checked in the database only, `motcua.dossiers.audit_snapshot`) and `--full`
(all re-derived whatever the MACs say). Medians over repeats.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.intake import DEFAULT_URL, run_worker

PREFIX = "BENCH.AUDIT"


def _events_for(i: int, t0: datetime) -> list[tuple[str, datetime, dict[str, Any]]]:
    r = t0 + timedelta(minutes=i)
    due = (r + timedelta(days=7)).isoformat()
    return [
        (
            "received",
            r,
            {
                "received_at": r.isoformat(),
                "official_receipt": r.isoformat(),
                "due_at": due,
                "deadline": {"amount": "5", "unit": "working_days", "cutoff": None},
                "regime": "nd118",
                "channel": "direct",
                "process_version": 1,
            },
        ),
        (
            "step_started",
            r + timedelta(hours=1),
            {
                "step": {"order": 1, "name": "Thẩm định hồ sơ", "unit": PREFIX, "assignee": None, "due_at": due},
                "seq": 2,
            },
        ),
        ("step_completed", r + timedelta(hours=20), {"started_seq": 2, "order": 1, "outcome": "early", "note": ""}),
        (
            "step_started",
            r + timedelta(hours=21),
            {"step": {"order": 2, "name": "Ký duyệt", "unit": PREFIX, "assignee": None, "due_at": due}, "seq": 4},
        ),
        ("step_completed", r + timedelta(hours=30), {"started_seq": 4, "order": 2, "outcome": "early", "note": ""}),
        ("finished", r + timedelta(hours=31), {"outcome": "early", "note": ""}),
        ("returned", r + timedelta(hours=50), {}),
    ]


def _populate(n: int) -> list[bytes]:
    """Write the data set if needed; return every event's canonical bytes in chain order (the baseline input)."""
    from decimal import Decimal

    from django.db import connection, transaction

    from motcua.catalog.models import Field, Procedure
    from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash
    from motcua.dossiers.derive import derive
    from motcua.dossiers.models import Dossier, DossierEvent, StepRun
    from motcua.organizations.models import Unit
    from motcua.trust.keys import seal

    unit, _ = Unit.objects.get_or_create(code=PREFIX, defaults={"name": "Bench audit", "level": "commune"})
    field, _ = Field.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    proc, _ = Procedure.objects.get_or_create(
        code="BENCH.AUDIT",
        defaults={"name": "Bench", "field": field, "deadline_amount": Decimal(5), "deadline_unit": "working_days"},
    )
    t0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    all_bytes: list[bytes] = []
    rows: list[tuple[Dossier, list[DossierEvent], list[StepRun]]] = []
    for i in range(n):
        code = f"{PREFIX}-{i:08d}"
        events = _events_for(i, t0)
        prev = GENESIS
        objs = []
        for seq, (type_, at, payload) in enumerate(events, start=1):
            data = canonical_bytes(dossier_code=code, seq=seq, type=type_, actor_id=None, at=at, payload=payload)
            all_bytes.append(data)
            h = event_hash(prev, data)
            objs.append(DossierEvent(seq=seq, type=type_, at=at, payload=payload, prev_hash=prev, hash=h))
            prev = h
        state = derive(events)
        d = Dossier(
            code=code,
            procedure=proc,
            unit=unit,
            receiving_unit=unit,
            channel="direct",
            last_event_hash=prev,
            event_count=len(events),
            head_seal=seal(code, len(events), prev),
            **state.cached(),
        )
        # The step runs the step events describe (audit verify checks them against the events).
        runs = []
        for started, completed in ((1, 2), (3, 4)):
            step = events[started][2]["step"]
            runs.append(
                StepRun(
                    order=step["order"],
                    name=step["name"],
                    unit=unit,
                    started_at=events[started][1],
                    due_at=datetime.fromisoformat(step["due_at"]),
                    finished_at=events[completed][1],
                    outcome=events[completed][2]["outcome"],
                    event_seq=started + 1,
                )
            )
        rows.append((d, objs, runs))
    existing = Dossier.objects.filter(unit=unit).exclude(head_seal="").count()
    if existing != n or StepRun.objects.filter(unit=unit).count() != 2 * n:
        from motcua.trust.appendonly import lifted

        with lifted("bench: rebuild the audit data set"), connection.cursor() as c:
            for table in ("dossiers_steprun", "dossiers_dossierevent"):
                c.execute(
                    f"DELETE FROM {table} WHERE dossier_id IN (SELECT id FROM dossiers_dossier WHERE unit_id = %s)",
                    [unit.pk],
                )
            c.execute("DELETE FROM dossiers_dossier WHERE unit_id = %s", [unit.pk])
        for start in range(0, n, 5000):
            chunk = rows[start : start + 5000]
            with transaction.atomic():
                created = Dossier.objects.bulk_create([d for d, _, _ in chunk])
                event_rows: list[DossierEvent] = []
                step_runs: list[StepRun] = []
                for d, (_, objs, runs) in zip(created, chunk, strict=True):
                    for e in objs:
                        e.dossier = d
                        event_rows.append(e)
                    for r in runs:
                        r.dossier = d
                        step_runs.append(r)
                DossierEvent.objects.bulk_create(event_rows)
                StepRun.objects.bulk_create(step_runs)
    return all_bytes


def worker(n: int, repeats: int) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    from motcua.dossiers.audit import verify
    from motcua.dossiers.models import Dossier

    data = _populate(n)
    # Only the bench dossiers: verify() over a code range is not an option, so measure the whole
    # table and count what it checked.
    hashes = []
    sha256 = hashlib.sha256
    for _ in range(repeats):
        t = time.perf_counter()
        prev = "0" * 64
        for b in data:
            prev = sha256(prev.encode("ascii") + b).hexdigest()
        hashes.append(len(data) / (time.perf_counter() - t))
    from django.db import connection

    from motcua.trust.models import VerifiedState

    def timed(**kwargs: Any) -> tuple[float, int]:
        t = time.perf_counter()
        report = verify(**kwargs)
        dt = time.perf_counter() - t
        assert report.ok, [p.line() for p in report.problems[:3]]
        return report.events / dt, report.events

    with connection.cursor() as c:  # planner statistics of the fresh data set, as autovacuum would
        c.execute("ANALYZE dossiers_dossier, dossiers_dossierevent, dossiers_steprun")
    figures: dict[str, list[float]] = {"cold": [], "warm": [], "warm_one": [], "full": [], "full_one": []}
    checked = 0
    for _ in range(repeats):
        # Cold: nothing verified yet (as after a restore or a checker upgrade): every dossier is
        # re-derived and its MAC recorded. Warm: `motcua audit verify` as it runs every night after
        # that: unchanged dossiers are checked in the database only. Full: `--full`, every dossier
        # re-derived whatever the MACs say (the figure of the earlier sessions). Parallel workers
        # over dossier-id ranges (os.cpu_count()), and one process for reference.
        with connection.cursor() as c:
            c.execute(f"TRUNCATE {VerifiedState._meta.db_table}")
        for name, kwargs in (
            ("cold", {}),
            ("warm", {}),
            ("warm_one", {"workers": 1}),
            ("full", {"full": True}),
            ("full_one", {"workers": 1, "full": True}),
        ):
            rate, checked = timed(**kwargs)
            figures[name].append(rate)
    med = {k: statistics.median(v) for k, v in figures.items()}
    hash_rate = statistics.median(hashes)
    return {
        "dossiers": Dossier.objects.count(),
        "events": checked,
        "repeats": repeats,
        "workers": os.cpu_count(),
        "verify_events_per_s": round(med["warm"]),
        "verify_one_process_events_per_s": round(med["warm_one"]),
        "verify_cold_events_per_s": round(med["cold"]),
        "verify_full_events_per_s": round(med["full"]),
        "verify_full_one_process_events_per_s": round(med["full_one"]),
        "runs_events_per_s": {k: [round(x) for x in v] for k, v in figures.items()},
        "hash_loop_events_per_s": round(hash_rate),
        "hash_loop_runs": [round(x) for x in hashes],
        "ratio": round(med["warm"] / hash_rate, 3),
        "ratio_one_process": round(med["warm_one"] / hash_rate, 3),
        "ratio_cold": round(med["cold"] / hash_rate, 3),
        "ratio_full": round(med["full"] / hash_rate, 3),
        "goal": 0.3,
    }


def run(quick: bool) -> dict[str, Any]:
    n, repeats = (20_000, 3) if quick else (100_000, 3)
    # Its own database: verify() reads the whole table, and the reports benchmark leaves 10 million
    # synthetic dossiers without chain seals in the shared bench database.
    url = os.environ.get("MOTCUA_BENCH_DATABASE_URL", DEFAULT_URL) + "_audit"
    return run_worker("bench.audit", url, n, repeats)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(run("--quick" in sys.argv), indent=2))
