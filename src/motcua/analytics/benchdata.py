"""Synthetic data for the analytics benchmarks (PostgreSQL only): units, procedures, dossiers, JSONL."""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/motcua_bench"
N_UNITS = 150
N_PROCEDURES = 60
CODE_PREFIX = "BA"  # synthetic bench dossiers: BA<number>


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(url: str | None = None, quick: bool = False, suffix: str = "") -> str:
    """Point Django at the bench database, create and migrate it. Call before anything imports models.

    Quick runs use `<name>_quick` so that they never read the 10-million-row data set.
    """
    url = (url or os.environ.get("MOTCUA_BENCH_DATABASE_URL", DEFAULT_URL)) + suffix
    if quick:
        url += "_quick"
    ensure_database(url)
    os.environ["MOTCUA_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from motcua.cli import setup_django

    setup_django(migrate=True)
    return url


def ensure_world() -> tuple[list[int], list[int]]:
    """150 units (15 departments, 135 communes) and 60 procedures in 6 fields; idempotent."""
    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Unit

    root, _ = Unit.objects.get_or_create(code="BH", defaults={"name": "Tỉnh thử nghiệm", "level": "province"})
    for i in range(N_UNITS):
        level = "province" if i < 15 else "commune"
        Unit.objects.get_or_create(
            code=f"BH.{i:03d}", defaults={"name": f"Đơn vị thử nghiệm {i}", "level": level, "parent": root}
        )
    fields = [Field.objects.get_or_create(code=f"BF{i}", defaults={"name": f"Lĩnh vực {i}"})[0] for i in range(6)]
    for i in range(N_PROCEDURES):
        Procedure.objects.get_or_create(
            code=f"9.{i:06d}",
            defaults={
                "name": f"Thủ tục thử nghiệm {i}",
                "field": fields[i % 6],
                "deadline_amount": 1 + i % 10,
                "deadline_unit": "working_days",
                "online": ["full", "partial", "none"][i % 3],
                "fee": 0 if i % 4 else 50000,
            },
        )
    units = list(Unit.objects.filter(code__startswith="BH.").order_by("code").values_list("id", flat=True))
    procs = list(Procedure.objects.filter(code__startswith="9.").order_by("code").values_list("id", flat=True))
    return units, procs


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return "'" + str(value).replace("'", "''") + "'"


def generate_dossiers(n: int, days: int = 1095, start: str = "2023-01-01") -> int:
    """Insert synthetic dossiers BA1..BAn with one INSERT ... SELECT generate_series (missing ones only).

    Deterministic: dossier g always has the same values. Returns how many were inserted.
    """
    from django.db import connection

    from motcua.dossiers.models import Dossier

    units, procs = ensure_world()
    table = Dossier._meta.db_table
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM {table} WHERE code LIKE %s", [CODE_PREFIX + "%"])
        have = c.fetchone()[0]
    if have >= n:
        return 0
    # Rows are generated in receipt order (history is chronological, and the timestamp indexes grow
    # at their right edge); unit, procedure, hour, status, channel and flags come from two
    # multiplicative hashes of g, so that every (unit, procedure, day) combination occurs.
    # Each unit works with 24 of the 60 procedures.
    unit_arr = "ARRAY[" + ",".join(map(str, units)) + "]"
    proc_arr = "ARRAY[" + ",".join(map(str, procs)) + "]"
    nu, npr = len(units), len(procs)
    h = "((g * 2654435761) % 4294967291)"
    h2 = "((g * 40503 + 977) % 2147483629)"
    base = f"TIMESTAMPTZ '{start} 01:00:00+00'"
    day = f"(((g - 1) * {days}) / {n})"
    recv = f"({base} + make_interval(days => {day}::int, secs => (({h} / 3600) % 32400)::int))"
    s = f"({h2} % 100)"
    recent = f"({day} >= {days - 45})"
    status = (
        f"CASE WHEN {s} < 78 THEN CASE WHEN g % 2 = 0 THEN 'returned' ELSE 'finished' END "
        f"WHEN {s} < 82 THEN 'withdrawn' WHEN {s} < 84 THEN 'stopped' WHEN {s} < 85 THEN 'closed' "
        f"WHEN {s} < 87 THEN 'refused' WHEN {recent} THEN 'processing' ELSE 'returned' END"
    )
    finished = (
        f"CASE WHEN {s} < 87 OR NOT {recent} "
        f"THEN {recv} + make_interval(days => (({h2} / 15000) % 20)::int, hours => 2) END"
    )
    chan = f"(({h2} / 100) % 10)"
    exprs = {
        "code": f"'{CODE_PREFIX}' || lpad(g::text, 9, '0')",
        "unit_id": f"({unit_arr})[1 + {h} % {nu}]",
        "procedure_id": f"({proc_arr})[1 + (({h} % {nu}) + ({h} / {nu}) % 24) % {npr}]",
        "channel": f"CASE WHEN {chan} < 5 THEN 'online' WHEN {chan} < 9 THEN 'direct' ELSE 'postal' END",
        "status": status,
        "regime": "'nd118'",
        "received_at": recv,
        "due_at": f"{recv} + make_interval(days => (1 + ({h2} / 1000) % 15)::int, hours => 8)",
        "finished_at": finished,
        "fee_amount": f"CASE WHEN ({h} / 7) % 4 = 0 THEN 50000 ELSE 0 END",
        "paid_online": f"(({h} / 11) % 8 = 0)",
        "digitized": f"(({h} / 13) % 10 < 8)",
        "reused": f"(({h} / 17) % 10 < 4)",
        "e_result": f"(({h} / 19) % 10 < 6)",
        "synced_national": f"(({h} / 23) % 10 < 9)",
        "imported": "TRUE",
        "negative_feedback": f"(({h} / 29) % 97 = 0)",
        "created_at": "now()",
        "updated_at": "now()",
    }
    cols, values = [], []
    for f in Dossier._meta.concrete_fields:
        if f.attname == "id":
            continue
        cols.append(str(f.column))
        if f.attname in exprs:
            values.append(exprs[f.attname])
        elif f.has_default():
            values.append(_literal(f.get_default()))
        else:
            values.append("NULL")
    step = 1_000_000
    inserted = 0
    for lo in range(have + 1, n + 1, step):
        hi = min(n, lo + step - 1)
        with connection.cursor() as c:
            c.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(values)} "
                f"FROM generate_series({lo}::bigint, {hi}::bigint) AS g"
            )
            inserted += c.rowcount
        print(f"bench: {hi:,} synthetic dossiers", file=sys.stderr, flush=True)
    with connection.cursor() as c:
        c.execute(f"ANALYZE {table}")
    return inserted


def jsonl_lines(n: int, prefix: str, seed: int = 7) -> Iterator[str]:
    """n valid import lines over the bench units and procedures (deterministic)."""
    rng = random.Random(seed)
    base = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)
    units = [f"BH.{i:03d}" for i in range(N_UNITS)]
    procs = [f"9.{i:06d}" for i in range(N_PROCEDURES)]
    for i in range(n):
        received = base + timedelta(days=rng.randrange(700), seconds=rng.randrange(32400))
        status = rng.choices(["returned", "finished", "withdrawn", "processing", "refused"], [50, 30, 5, 10, 5])[0]
        doc: dict[str, Any] = {
            "code": f"{prefix}{i}",
            "procedure": procs[rng.randrange(len(procs))],
            "unit": units[rng.randrange(len(units))],
            "channel": rng.choice(["online", "direct", "postal"]),
            "received_at": received.isoformat(),
            "due_at": (received + timedelta(days=rng.randrange(1, 15))).isoformat(),
            "status": status,
            "fee_amount": rng.choice([0, 0, 50000]),
            "paid_online": rng.random() < 0.3,
            "digitized": rng.random() < 0.8,
            "reused": rng.random() < 0.4,
            "e_result": rng.random() < 0.6,
        }
        if status != "processing":
            doc["finished_at"] = (received + timedelta(days=rng.randrange(20), hours=2)).isoformat()
        yield json.dumps(doc, ensure_ascii=False)
