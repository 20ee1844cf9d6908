"""Figures other apps read (the PAR scoring counts overdue remediation when its criteria set says so)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from motcua.inspections import rules
from motcua.inspections.models import RemediationItem


def _closed_on(item: RemediationItem) -> date | None:
    return timezone.localtime(item.closed_at).date() if item.closed_at else None


def overdue_remediation(unit_code: str, year: int) -> tuple[int, int]:
    """(items overdue now or closed late, all items) among the unit's remediation items due in `year`."""
    today = timezone.localdate()
    items = RemediationItem.objects.filter(owner_unit__code=unit_code, due_on__year=year).only(
        "due_on", "status", "closed_at"
    )
    bad = total = 0
    for item in items:
        total += 1
        bad += rules.counts_against(item.due_on, item.status, _closed_on(item), today)
    return bad, total
