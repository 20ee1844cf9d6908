"""Intake through the service layer (dossiers/s, PostgreSQL) next to the same rows written with plain SQL.

Service path: `services.receive_dossier` per dossier (role check, code allocation, dossier row,
hash-chained event, duties, outbox message, signal), one transaction each.
Baseline: the very rows the service wrote (captured, then removed), inserted again through psycopg
with plain INSERTs — counter upsert, dossier, event, duties, outbox message — one transaction per
dossier, in the same run on the same database. Medians over repeats.

Runs in a subprocess with `MOTCUA_DATABASE_URL` = `MOTCUA_BENCH_DATABASE_URL` (default
`postgresql://postgres@127.0.0.1:5432/motcua_bench`); the database is created and migrated if missing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/motcua_bench"
PREFIX = "BENCH.INTAKE"


def _bench_url() -> str:
    return os.environ.get("MOTCUA_BENCH_DATABASE_URL", DEFAULT_URL)


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup() -> tuple[Any, Any, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Membership, Role, Unit

    unit, _ = Unit.objects.get_or_create(code=PREFIX, defaults={"name": "Bench unit", "level": "commune"})
    field, _ = Field.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    proc, _ = Procedure.objects.get_or_create(
        code="BENCH.1",
        defaults={
            "name": "Bench procedure",
            "field": field,
            "deadline_amount": Decimal(5),
            "deadline_unit": "working_days",
        },
    )
    clerk, created = get_user_model().objects.get_or_create(username="bench-clerk")
    if created:
        clerk.set_unusable_password()
        clerk.save()
    Membership.objects.get_or_create(user=clerk, unit=unit, role=Role.CLERK)
    return unit, proc, clerk


TABLES = [
    ("notifications_outboxmessage", "dossier_id"),
    ("dossiers_duty", "dossier_id"),
    ("dossiers_dossierevent", "dossier_id"),
]


def _cleanup(unit: Any) -> None:
    from django.db import connection

    from motcua.trust.appendonly import lifted

    with lifted("bench: remove the intake bench's dossiers"), connection.cursor() as c:
        for table, col in TABLES:
            c.execute(
                f"DELETE FROM {table} WHERE {col} IN (SELECT id FROM dossiers_dossier WHERE unit_id = %s)", [unit.pk]
            )
        c.execute("DELETE FROM dossiers_dossier WHERE unit_id = %s", [unit.pk])
        c.execute("DELETE FROM dossiers_codecounter WHERE prefix = %s", [unit.code])
        # The analytics rollups the intake maintains: both sides start from none, as on a new day.
        c.execute("DELETE FROM analytics_dailyrollup WHERE unit_id = %s", [unit.pk])
        c.execute("DELETE FROM analytics_monthlyrollup WHERE unit_id = %s", [unit.pk])


def _rollup_statements(unit: Any) -> list[list[tuple[str, list[Any]]]]:
    """Per dossier (id order), the rollup upserts the intake makes, rendered as plain SQL and parameters.

    The counters come from the same rule (`analytics.rollup.add_dossier`) over the stored dossier; the
    statements are the ones `apply_deltas` sends (one multi-row upsert per grain).
    """
    from motcua.analytics import rollup
    from motcua.analytics.models import DailyRollup, MonthlyRollup
    from motcua.dossiers.models import Dossier

    out = []
    for d in Dossier.objects.filter(unit_id=unit.pk).order_by("id"):
        deltas: rollup.Deltas = {}
        values = rollup.values_of(d)
        rollup.add_dossier(deltas, values["unit_id"], values["procedure_id"], rollup.facts_of(values))
        deltas = {k: v for k, v in deltas.items() if any(v.values())}
        statements = []
        for model, rows in ((DailyRollup, deltas), (MonthlyRollup, rollup.monthly(deltas))):
            table = model._meta.db_table
            cols = ", ".join(rollup.MEASURES)
            updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in rollup.MEASURES)
            row = "(" + ", ".join(["%s"] * (3 + len(rollup.MEASURES))) + ")"
            params = [
                v
                for (u, p, day), c in sorted(rows.items())
                for v in (u, p, day, *(c.get(m, 0) for m in rollup.MEASURES))
            ]
            statements.append(
                (
                    f"INSERT INTO {table} (unit_id, procedure_id, day, {cols}) VALUES {', '.join([row] * len(rows))} "
                    f"ON CONFLICT (unit_id, procedure_id, day) DO UPDATE SET {updates}",
                    params,
                )
            )
        out.append(statements)
    return out


def _capture(unit: Any) -> list[dict[str, list[tuple[Any, ...]]]]:
    """The rows the service wrote, per dossier, as plain tuples (the baseline re-inserts exactly these)."""
    from django.db import connection

    out: list[dict[str, Any]] = []
    with connection.cursor() as c:
        c.execute("SELECT * FROM dossiers_dossier WHERE unit_id = %s ORDER BY id", [unit.pk])
        dcols = [d.name for d in c.description]
        dossiers = c.fetchall()
        children: dict[str, dict[int, list[tuple[Any, ...]]]] = {}
        cols: dict[str, list[str]] = {"dossiers_dossier": dcols}
        for table, col in TABLES:
            c.execute(
                f"SELECT * FROM {table} WHERE {col} IN (SELECT id FROM dossiers_dossier WHERE unit_id = %s)", [unit.pk]
            )
            cols[table] = [d.name for d in c.description]
            idx = cols[table].index(col)
            children[table] = {}
            for row in c.fetchall():
                children[table].setdefault(row[idx], []).append(row)
    for row in dossiers:
        pk = row[0]
        out.append(
            {"dossiers_dossier": [row], **{t: children[t].get(pk, []) for t, _ in TABLES}, "_cols": cols}  # type: ignore[dict-item]
        )
    return out


def _baseline(
    url: str, captured: list[dict[str, Any]], unit_code: str, rollups: list[list[tuple[str, list[Any]]]] | None
) -> float:
    """Insert the captured rows with plain psycopg, one transaction per dossier; returns dossiers/s.

    With `rollups`, each transaction also makes the dossier's rollup upserts (the same rows the
    intake writes); without, only the dossier's own rows (the figure's definition before the
    analytics rollups joined the intake's transaction)."""
    import psycopg
    from psycopg.types.json import Jsonb

    def adapt(v: Any) -> Any:
        return Jsonb(v) if isinstance(v, dict | list) else v

    cols = captured[0]["_cols"]
    statements = {
        t: f"INSERT INTO {t} ({', '.join(cols[t])}) VALUES ({', '.join(['%s'] * len(cols[t]))})" for t in cols
    }
    counter = (
        "INSERT INTO dossiers_codecounter (prefix, day, last) VALUES (%s, CURRENT_DATE, 1) "
        "ON CONFLICT (prefix, day) DO UPDATE SET last = dossiers_codecounter.last + 1 RETURNING last"
    )
    order = ["dossiers_dossier", "dossiers_dossierevent", "dossiers_duty", "notifications_outboxmessage"]
    prepared = [[(statements[t], [adapt(v) for v in row]) for t in order for row in item[t]] for item in captured]
    if rollups is not None:
        assert len(rollups) == len(prepared)
        prepared = [stmts + extra for stmts, extra in zip(prepared, rollups, strict=True)]
    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        for stmts in prepared:
            with conn.transaction():
                conn.execute(counter, [unit_code]).fetchone()
                for statement, params in stmts:
                    conn.execute(statement, params)
        elapsed = time.perf_counter() - t0
    return len(prepared) / elapsed


def worker(n: int, repeats: int) -> dict[str, Any]:
    unit, proc, clerk = _setup()
    from motcua.dossiers import services

    applicant = services.Applicant(name="Nguyễn Văn A", id_number="056090000001", email="a@example.vn")
    _cleanup(unit)
    # Warm-up (calendar index, memberships, prepared ORM paths), not timed.
    for _ in range(20):
        services.receive_dossier(clerk, procedure=proc, unit=unit, applicant=applicant)
    _cleanup(unit)
    ours, base, base_bare = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            services.receive_dossier(clerk, procedure=proc, unit=unit, applicant=applicant)
        ours.append(n / (time.perf_counter() - t0))
        captured = _capture(unit)
        rollups = _rollup_statements(unit)
        assert len(captured) == n
        _cleanup(unit)
        base.append(_baseline(os.environ["MOTCUA_DATABASE_URL"], captured, unit.code, rollups))
        _cleanup(unit)
        base_bare.append(_baseline(os.environ["MOTCUA_DATABASE_URL"], captured, unit.code, None))
        _cleanup(unit)
    service_rate, baseline_rate, bare_rate = (
        statistics.median(ours),
        statistics.median(base),
        statistics.median(base_bare),
    )
    return {
        "dossiers": n,
        "repeats": repeats,
        "service_dossiers_per_s": round(service_rate, 1),
        "service_runs_per_s": [round(x, 1) for x in ours],
        "plain_sql_dossiers_per_s": round(baseline_rate, 1),
        "plain_sql_runs_per_s": [round(x, 1) for x in base],
        "ratio": round(service_rate / baseline_rate, 3),
        "plain_sql_without_rollups_per_s": round(bare_rate, 1),
        "ratio_without_rollups": round(service_rate / bare_rate, 3),
        "goal": 0.5,
        "rows_per_dossier": "counter upsert, dossier, event, 3 duties, outbox message, daily and monthly rollup upserts",
    }


def run_worker(module: str, url: str, n: int, repeats: int) -> dict[str, Any]:
    """Run `python -m <module> --worker n repeats` against `url` in a fresh process; return its JSON figures."""
    ensure_database(url)
    env = {**os.environ, "MOTCUA_DATABASE_URL": url}
    proc = subprocess.run(
        [sys.executable, "-m", module, "--worker", str(n), str(repeats)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{module} worker failed: {proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    result["database"] = url.rsplit("@", 1)[-1]
    return result


def run(quick: bool) -> dict[str, Any]:
    n, repeats = (300, 3) if quick else (2000, 5)
    return run_worker("bench.intake", _bench_url(), n, repeats)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(run("--quick" in sys.argv), indent=2))
