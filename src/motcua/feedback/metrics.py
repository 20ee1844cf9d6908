"""Feedback figures for the 766 satisfaction group (contracts §9.3) and the periodic report.

The set: feedback whose `unit` is in scope and whose `received_at` has a local date in the period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.feedback.models import FINAL, Feedback


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    from motcua.config import time_zone

    tz = time_zone()
    return datetime.combine(start, time(0), tz), datetime.combine(end + timedelta(days=1), time(0), tz)


def received_in(start: date, end: date, unit_ids: set[int] | None = None) -> QuerySet[Feedback]:
    a, b = bounds(start, end)
    qs = Feedback.objects.filter(received_at__gte=a, received_at__lt=b)
    return qs if unit_ids is None else qs.filter(unit_id__in=unit_ids)


# Named subsets of the received set: the lists behind every figure (drill-downs, report links).
SUBSETS: dict[str, Q] = {
    "received": Q(),
    "final": Q(status__in=FINAL),
    "on_time": Q(status__in=FINAL, late=False),
    "late": Q(status__in=FINAL, late=True),
    "rated": Q(rating__isnull=False),
    "satisfied": Q(rating__gte=4),
    "dissatisfied": Q(rating__lte=3),
    "rejected": Q(status="rejected"),
    "forwarded": Q(forwarded_at__isnull=False),
    "answered": Q(status__in=("answered", "published")),
    "published": Q(status="published"),
    "awaiting_publication": Q(status="answered"),
    "in_progress": ~Q(status__in=FINAL),
    "portal": Q(channel="portal"),
    "other_channels": ~Q(channel="portal"),
    "answered_on_time": Q(status__in=("answered", "published"), late=False),
    "answered_late": Q(status__in=("answered", "published"), late=True),
}
NAMES = frozenset({*SUBSETS, "overdue"})


def q_for(name: str, now: datetime | None = None) -> Q:
    """The filter of a named subset; `overdue` (open, next step past due) depends on the time."""
    if name == "overdue":
        return ~Q(status__in=("rejected", "published")) & Q(due_at__lt=now or timezone.now())
    return SUBSETS[name]


def subset(name: str, start: date, end: date, unit_ids: set[int] | None = None) -> QuerySet[Feedback]:
    return received_in(start, end, unit_ids).filter(q_for(name))


def group5(start: date, end: date, unit_ids: set[int] | None = None) -> dict[str, tuple[int, int]]:
    """5.1 = on time / reached a final step; 5.2 = ratings 4–5 / rated (numerator, denominator)."""
    agg: dict[str, Any] = received_in(start, end, unit_ids).aggregate(
        final=Count("id", filter=SUBSETS["final"]),
        on_time=Count("id", filter=SUBSETS["on_time"]),
        rated=Count("id", filter=SUBSETS["rated"]),
        satisfied=Count("id", filter=SUBSETS["satisfied"]),
    )
    return {"5.1": (agg["on_time"], agg["final"]), "5.2": (agg["satisfied"], agg["rated"])}


# 766 drill-down: the feedback that cost points for a criterion.
DRILLS = {"5.1": ("late",), "5.2": ("dissatisfied",)}


def drill(criterion: str, start: date, end: date, unit_ids: set[int] | None, limit: int = 1000) -> dict[str, Any]:
    doc: dict[str, Any] = {"criterion": criterion, "from": start.isoformat(), "to": end.isoformat(), "parts": []}
    for cell in DRILLS[criterion]:
        qs = subset(cell, start, end, unit_ids).select_related("unit").order_by("received_at", "id")
        items = [
            {
                "code": f.code,
                "unit": f.unit.code,
                "status": f.status,
                "received_at": timezone.localtime(f.received_at).isoformat(),
                "rating": f.rating,
                "late_steps": [s["kind"] for s in f.steps if not s["met"]],
            }
            for f in qs[:limit]
        ]
        doc["parts"].append({"cell": cell, "count": qs.count(), "feedback": items})
    return doc
