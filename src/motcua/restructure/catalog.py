"""Catalogue import: a unit's `merged_from` becomes a merger decision, so a province loads its new map from a file.

`merged_from` lists the predecessors by code or by name ("Cam Lập" matches "Xã Cam Lập"; accents
and case are ignored). Entries that match no unit in the database (communes never loaded) are kept
in `extra` as before and change nothing. When some match, a merger decision into the file's unit is
recorded and scheduled: number `decision` (or `catalog:<code>`), effective `effective_date` (or
`valid_from`; default today) — applied at once when that date has come, else by the worker on it.
Importing the same file again finds the decision and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from motcua.core.text import fold
from motcua.organizations.models import Unit, UnitLink


def _date(spec: Any, key: str) -> date | None:
    from motcua.catalog.spec import CatalogError

    raw = spec.extra.get(key)
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise CatalogError([f"units (code {spec.code}): {key} {raw!r} is not a date (YYYY-MM-DD)"]) from None


def _match(entry: str, units: list[Unit], own: str) -> Unit | None:
    wanted = fold(entry).strip()
    for u in units:
        if u.code == own:
            continue
        name = fold(u.name)
        if u.code == entry or name == wanted or name.endswith(" " + wanted):
            return u
    return None


def record_successions(specs: Iterable[Any]) -> list[str]:
    """Record (and schedule) a merger decision per unit whose `merged_from` names existing units."""
    from motcua.restructure.engine import local_today, schedule
    from motcua.restructure.forms import create_decision
    from motcua.restructure.models import Decision

    recorded: list[str] = []
    units: list[Unit] | None = None
    for spec in specs:
        merged = spec.extra.get("merged_from")
        if not merged:
            continue
        effective = _date(spec, "effective_date") or _date(spec, "valid_from")
        if units is None:
            units = list(Unit.objects.filter(valid_to__isnull=True, active=True))
        entries = merged if isinstance(merged, list) else [merged]
        found = [u for u in (_match(str(e), units, spec.code) for e in entries) if u is not None]
        linked = set(UnitLink.objects.filter(successor__code=spec.code).values_list("predecessor__code", flat=True))
        sources = sorted({u.code for u in found} - linked)
        number = str(spec.extra.get("decision") or f"catalog:{spec.code}")
        if not sources or Decision.objects.filter(number=number).exists():
            continue
        day = effective or local_today()
        Unit.objects.filter(code=spec.code, valid_from__isnull=True).update(valid_from=day)
        decision = create_decision(
            kind="merge",
            number=number,
            signed_on=min(day, local_today()),
            effective_on=day,
            legal_basis=str(spec.extra.get("legal_basis") or "catalogue import (merged_from)"),
            unit_codes=sources,
            into=spec.code,
        )
        schedule(decision)
        recorded.append(number)
    return recorded
