"""Which unit is competent for a procedure received at a one-stop unit: the intake screens' suggestion.

The clerk can always choose another unit (a citizen may file regardless of administrative
boundaries); the `receive` command then checks that the procedure is offered at the chosen level.
"""

from __future__ import annotations

from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.organizations.models import Category, Unit


def candidates(procedure: Procedure) -> list[Unit]:
    """Active units at a level the procedure is published for (all active units when it names none)."""
    qs = Unit.objects.filter(active=True).order_by("code")
    levels = list(procedure.levels or [])
    return list(qs.filter(level__in=levels) if levels else qs)


def suggest(procedure: Procedure, receiving: Unit) -> Unit | None:
    """The likely competent unit: the receiving commune itself (or its police post for police procedures),
    else the unit whose name shares most words with the procedure's `handled_by` text."""
    units = candidates(procedure)
    if not units:
        return None
    handled_by = fold(str((procedure.extra or {}).get("handled_by", "")))
    if receiving in units:
        if "cong an" in handled_by:
            post = next(
                (u for u in units if u.parent_id == receiving.pk and u.category == Category.VERTICAL_AGENCY), None
            )
            return post or receiving
        return receiving
    words = set(handled_by.replace(",", " ").replace(";", " ").split())

    def overlap(u: Unit) -> int:
        return len(words & set(fold(u.name).split()))

    return max(units, key=lambda u: (overlap(u), -units.index(u)))
