"""766 drill-down: the dossiers (or services) that cost points for a criterion."""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.analytics.queries import describe, dossiers
from motcua.analytics.report import Scope

# criterion -> the §5/flag cells whose dossiers lower its share
DRILLS: dict[str, tuple[str, ...]] = {
    "1.4": ("not_synced",),
    "2.1": ("late", "overdue"),
    "3.2": (),
    "3.3": ("not_online",),
    "3.6": ("fee_not_paid_online",),
    "4.1": ("no_e_result",),
    "4.2": ("not_digitized",),
    "4.3": ("not_reused",),
    "5.3": ("late", "overdue", "negative"),
    "5.1": ("late",),  # feedback (PAKN): `feedback.metrics.drill`
    "5.2": ("dissatisfied",),
}


def drill(criterion: str, start: date, end: date, scope: Scope, limit: int = 1000) -> dict[str, Any]:
    if criterion in ("5.1", "5.2"):
        from motcua.analytics.index766 import feedback_unit_ids
        from motcua.feedback.metrics import drill as feedback_drill

        return feedback_drill(criterion, start, end, feedback_unit_ids(scope), limit)
    doc: dict[str, Any] = {"criterion": criterion, "from": start.isoformat(), "to": end.isoformat(), "parts": []}
    if criterion == "3.2":
        from motcua.catalog.models import Procedure

        used = set(dossiers("online", start, end, scope).values_list("procedure_id", flat=True).distinct())
        qs = Procedure.objects.filter(active=True, online__in=["full", "partial"]).exclude(id__in=used)
        if scope.procedure_ids is not None:
            qs = qs.filter(id__in=scope.procedure_ids)
        services = list(qs.order_by("code").values("code", "name")[:limit])
        doc["parts"].append({"cell": "online_service_without_online_dossier", "count": qs.count(), "items": services})
        return doc
    for cell in DRILLS[criterion]:
        qs = dossiers(cell, start, end, scope)
        doc["parts"].append({"cell": cell, "count": qs.count(), "dossiers": describe(qs, limit)})
    return doc
