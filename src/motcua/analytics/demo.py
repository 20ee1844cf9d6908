"""Demo history: a few months of synthetic dossiers over the sample units and procedures.

Deterministic (fixed seed, dates relative to the first run's month), loaded through the real
import path (validation, due dates from the calendar, hash-chained `imported` events, rollups).
Idempotent: skipped when demo dossiers exist. Needs the catalogue (loaded before this loader).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import IO, Any

from django.utils import timezone

from motcua.analytics.rules import LOCAL_TZ

PREFIX = "DEMO-"
COUNT = 3000
SEED = 766


def lines(now: datetime, units: list[tuple[str, str]], procedures: list[tuple[str, list[str], str]]) -> list[str]:
    """The demo JSONL lines: `units` = (code, level), `procedures` = (code, levels, online level)."""
    rng = random.Random(SEED)
    today = now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    first = (today - timedelta(days=100)).replace(day=1)
    span = (today - first).days
    out = []
    for i in range(COUNT):
        code, level = units[rng.randrange(len(units))]
        fitting = [p for p in procedures if not p[1] or level in p[1]] or procedures
        proc, _levels, online = fitting[rng.randrange(len(fitting))]
        day = first + timedelta(days=rng.randrange(span))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        received = day + timedelta(hours=7, minutes=30 + rng.randrange(540))
        channel = "online" if online != "none" and rng.random() < 0.55 else rng.choice(["direct", "direct", "postal"])
        age = (today - day).days
        roll = rng.random()
        if roll < 0.03:
            status = "refused"
        elif roll < 0.06:
            status = "withdrawn"
        elif age < 10 and roll < 0.5:
            status = rng.choice(["received", "processing", "supplement"])
        else:
            status = rng.choice(["finished", "returned", "returned"])
        doc: dict[str, Any] = {
            "code": f"{PREFIX}{i + 1:05d}",
            "procedure": proc,
            "unit": code,
            "channel": channel,
            "received_at": received.isoformat(),
            "status": status,
            "fee_amount": rng.choice([0, 0, 0, 20000, 50000]),
            "digitized": rng.random() < 0.8,
            "reused": rng.random() < 0.35,
            "e_result": rng.random() < 0.6,
            "synced_national": rng.random() < 0.9,
            "negative_feedback": rng.random() < 0.02,
        }
        doc["paid_online"] = doc["fee_amount"] > 0 and channel == "online" and rng.random() < 0.6
        if status not in ("received", "processing", "supplement"):
            end = received + timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 12]), hours=rng.randrange(1, 6))
            limit = now - timedelta(minutes=1)
            doc["finished_at"] = min(end, limit).isoformat()
        out.append(json.dumps(doc, ensure_ascii=False))
    return out


def load(stdout: IO[str]) -> None:
    from motcua.analytics.importer import import_lines
    from motcua.catalog.models import Procedure
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Unit

    if Dossier.objects.filter(code__startswith=PREFIX).exists():
        print("analytics: demo history already loaded", file=stdout)
        return
    units = list(Unit.objects.filter(active=True).values_list("code", "level"))
    procedures = [
        (p.code, list(p.levels or []), p.online)
        for p in Procedure.objects.filter(active=True).exclude(deadline_unit="")
        if p.deadline_unit == "same_day" or p.deadline_amount
    ]
    if not units or not procedures:
        print("analytics: no catalogue loaded, demo history skipped", file=stdout)
        return
    result = import_lines(lines(timezone.now(), units, procedures), partial=True, progress=None)
    print(f"analytics: demo history: {result.imported} dossiers imported, {len(result.errors)} skipped", file=stdout)
    for e in result.errors[:5]:
        print(f"analytics: demo line {e['line']}: {e['error']}", file=stdout)
