"""Units through time: validity periods and predecessor links (written by `motcua.restructure`).

Reports count a dossier at its competent unit (`Dossier.unit`). Grouping "by the units as of a
date" maps each unit to the unit that carries it on that date: follow the primary successor links
that took effect on or before the date, transitively (a commune merged in 2025 into a ward that is
renamed in 2026 is summed into the renamed ward as of 2026). Units without such a link map to
themselves, so every unit maps to exactly one representative and totals never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from motcua.organizations.models import Unit, UnitLink


def successor_map(as_of: date) -> dict[int, int]:
    """unit id → id of its primary successor effective on or before `as_of` (only units that have one)."""
    links = UnitLink.objects.filter(primary=True, effective_on__lte=as_of).order_by("effective_on", "pk")
    direct: dict[int, int] = {}
    for pred, succ in links.values_list("predecessor_id", "successor_id"):
        direct[pred] = succ  # the latest primary link wins (a unit ends once)
    return direct


def representative(unit_id: int, direct: dict[int, int]) -> int:
    """Follow `direct` links from `unit_id` to the end of the chain (cycles stop where they started)."""
    seen = {unit_id}
    current = unit_id
    while current in direct and direct[current] not in seen:
        current = direct[current]
        seen.add(current)
    return current


def as_of_map(as_of: date, unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """unit id → representative unit id as of `as_of`, for `unit_ids` (default: every unit)."""
    direct = successor_map(as_of)
    ids = list(unit_ids) if unit_ids is not None else list(Unit.objects.values_list("id", flat=True))
    return {i: representative(i, direct) for i in ids}


def with_predecessors(unit_ids: set[int], as_of: date) -> set[int]:
    """`unit_ids` plus every unit summed into one of them as of `as_of` (its predecessors, transitively)."""
    mapping = as_of_map(as_of)
    return {i for i, rep in mapping.items() if rep in unit_ids or i in unit_ids}


def valid_on(unit: Unit, day: date) -> bool:
    """Did the unit exist on `day` (inside its validity period)?"""
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or day <= unit.valid_to)


def lineage(unit: Unit) -> dict[str, list[Unit]]:
    """The unit's direct predecessors and successors (for screens)."""
    preds = [link.predecessor for link in unit.predecessor_links.select_related("predecessor").order_by("pk")]
    succs = [link.successor for link in unit.successor_links.select_related("successor").order_by("pk")]
    return {"predecessors": preds, "successors": succs}
