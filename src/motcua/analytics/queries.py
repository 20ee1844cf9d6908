"""Dossier querysets behind each number (§5 cells, 766 drill-downs, Kết luận 91 lists, dashboard links)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.db.models.functions import TruncDate

from motcua.analytics.report import Scope
from motcua.analytics.rules import LOCAL_TZ, NOT_RECEIVED, RESOLVED_STATUSES, TERMINAL_STATUSES, WOS_STATUSES

CELLS = (
    "new",
    "online",
    "direct_postal",
    "carried_over",
    "received",
    "resolved",
    "early",
    "on_time",
    "late",
    "withdrawn_or_stopped",
    "in_progress",
    "within_time",
    "overdue",
    "refused",
    "late_or_overdue",
    "not_synced",
    "not_online",
    "fee_not_paid_online",
    "no_e_result",
    "not_digitized",
    "not_reused",
    "negative",
)


def annotated(scope: Scope | None = None) -> QuerySet[Any]:
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.annotate(
        r=TruncDate("received_at", tzinfo=LOCAL_TZ),
        e=Case(
            When(status__in=TERMINAL_STATUSES, then=TruncDate("finished_at", tzinfo=LOCAL_TZ)),
            default=None,
            output_field=DateField(),
        ),
        u=TruncDate("due_at", tzinfo=LOCAL_TZ),
    )
    if scope is not None:
        if scope.unit_ids is not None:
            qs = qs.filter(unit_id__in=scope.unit_ids)
        if scope.procedure_ids is not None:
            qs = qs.filter(procedure_id__in=scope.procedure_ids)
        if scope.field_code:
            qs = qs.filter(procedure__field__code=scope.field_code)
        if scope.level:
            qs = qs.filter(unit__level=scope.level)
    return qs


def cell_q(cell: str, start: date, end: date) -> Q:
    """The §5 condition of a cell (literal contract reading) over the annotated queryset."""
    nr = ~Q(status="refused") & ~Q(status__in=NOT_RECEIVED)
    new = nr & Q(r__gte=start, r__lte=end)
    carried = nr & Q(r__lt=start) & (Q(e__isnull=True) | Q(e__gte=start))
    handle = new | carried
    ended = Q(e__isnull=False, e__lte=end)
    resolved = handle & Q(status__in=RESOLVED_STATUSES) & ended
    wos = handle & Q(status__in=WOS_STATUSES) & ended
    progress = handle & ~(Q(status__in=TERMINAL_STATUSES) & ended)
    overdue = progress & Q(u__lt=end)
    late = resolved & Q(u__isnull=False, e__gt=F("u"))
    table = {
        "new": new,
        "online": new & Q(channel="online"),
        "direct_postal": new & ~Q(channel="online"),
        "carried_over": carried,
        "received": handle,
        "resolved": resolved,
        "early": resolved & Q(u__isnull=False, e__lt=F("u")),
        "on_time": resolved & (Q(u__isnull=True) | Q(e=F("u"))),
        "late": late,
        "withdrawn_or_stopped": wos,
        "in_progress": progress,
        "within_time": progress & (Q(u__isnull=True) | Q(u__gte=end)),
        "overdue": overdue,
        "refused": Q(status="refused", r__gte=start, r__lte=end),
        "late_or_overdue": late | overdue,
        "not_synced": new & Q(synced_national=False),
        "not_online": new & ~Q(channel="online"),
        "fee_not_paid_online": new & Q(fee_amount__gt=0, paid_online=False),
        "no_e_result": new & Q(e_result=False),
        "not_digitized": new & Q(digitized=False),
        "not_reused": new & Q(reused=False),
        "negative": new & Q(negative_feedback=True),
    }
    if cell not in table:
        raise ValueError(f"unknown cell {cell!r}")
    return table[cell]


def dossiers(cell: str, start: date, end: date, scope: Scope | None = None) -> QuerySet[Any]:
    return annotated(scope).filter(cell_q(cell, start, end))


def describe(qs: QuerySet[Any], limit: int) -> list[dict[str, Any]]:
    rows = qs.select_related("unit", "procedure").order_by("received_at", "id")[:limit]
    return [
        {
            "code": d.code,
            "unit": d.unit.code,
            "procedure": d.procedure.code,
            "channel": d.channel,
            "status": d.status,
            "received_at": d.received_at.astimezone(LOCAL_TZ).isoformat(),
            "due_at": d.due_at.astimezone(LOCAL_TZ).isoformat() if d.due_at else None,
            "finished_at": d.finished_at.astimezone(LOCAL_TZ).isoformat() if d.finished_at else None,
        }
        for d in rows
    ]
