"""Reports over a period that ended before a restructuring show the units as they were.

Rollups count a dossier at its current competent unit, so a dossier handed to a successor
(`unit_transferred`, restructuring) counts there for every period. For a report grouped by unit,
`as_they_were` moves the cells of each such dossier back to the unit that held it at the period's
end: the `from_unit` of the first transfer that took effect after it. Cells are additive, so totals
never change; a period that ends on or after the effective date counts the dossier at the successor.
The transferred dossiers are few (those open when a decision took effect): their cells are computed
in Python from `rules.contributions`, the same counters as the rollups.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from motcua.analytics.rules import (
    LOCAL_TZ,
    MEASURES,
    NOT_RECEIVED,
    ROW_CELLS,
    add_cells,
    cells_from_prefixes,
    contributions,
)


def _prefix(counters: dict[tuple[date, str], int], upto: date) -> dict[str, int]:
    out = dict.fromkeys(MEASURES, 0)
    for (day, measure), n in counters.items():
        if day <= upto:
            out[measure] += n
    return out


def _transfers(end: date) -> dict[int, str]:
    """dossier id → code of the unit that held it at `end`, for dossiers transferred after `end`."""
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.organizations.models import UnitLink

    # Only dossiers now at a successor unit can have been transferred: without any restructuring
    # this is one cheap query, and otherwise the events are reached through the dossiers' index.
    successors = set(UnitLink.objects.values_list("successor_id", flat=True))
    if not successors:
        return {}
    moved = Dossier.objects.filter(unit_id__in=successors).values("pk")
    found: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    rows = DossierEvent.objects.filter(type="unit_transferred", dossier_id__in=moved).values_list(
        "dossier_id", "seq", "at", "payload"
    )
    for dossier_id, seq, at, payload in rows:
        raw = payload.get("effective_on")
        effective = date.fromisoformat(raw) if raw else at.astimezone(LOCAL_TZ).date()
        found[dossier_id].append((effective, seq, payload.get("from_unit", "")))
    out: dict[int, str] = {}
    for dossier_id, items in found.items():
        later = [item for item in sorted(items) if item[0] > end]
        if later:
            out[dossier_id] = later[0][2]
    return out


def as_they_were(
    groups: dict[tuple[str, str], dict[str, int]], start: date, end: date, scope: Any
) -> dict[tuple[str, str], dict[str, int]]:
    """Unit rows with each transferred dossier's cells moved back to the unit that held it at `end`."""
    held = _transfers(end)
    if not held:
        return groups
    from motcua.analytics.rollup import facts_of, values_of
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Unit

    units = {u.code: u for u in Unit.objects.filter(code__in=set(held.values()))}
    out = {k: dict(v) for k, v in groups.items()}
    dossiers = Dossier.objects.filter(pk__in=list(held)).select_related("unit", "procedure__field")
    for d in dossiers.exclude(status__in=list(NOT_RECEIVED)):
        old = units.get(held[d.pk])
        if old is None or old.pk == d.unit_id:
            continue
        if scope.procedure_ids is not None and d.procedure_id not in scope.procedure_ids:
            continue
        if scope.field_code and d.procedure.field.code != scope.field_code:
            continue
        counters = contributions(facts_of(values_of(d)))
        cells = cells_from_prefixes(_prefix(counters, start - timedelta(days=1)), _prefix(counters, end))
        if not any(cells.values()):
            continue
        if _counted(d.unit, scope):
            row = out.setdefault((d.unit.code, d.unit.name), dict.fromkeys(ROW_CELLS, 0))
            add_cells(row, {k: -v for k, v in cells.items()})
        if _counted(old, scope):
            add_cells(out.setdefault((old.code, old.name), dict.fromkeys(ROW_CELLS, 0)), cells)
    return {k: v for k, v in out.items() if any(v.values())}


def _counted(unit: Any, scope: Any) -> bool:
    if scope.unit_ids is not None and unit.pk not in scope.unit_ids:
        return False
    return not (scope.level and unit.level != scope.level)
