"""Kết luận 91-KL/TU checks: units that cannot be ranked "Tốt" and officials over the late threshold."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count

from motcua.analytics.queries import cell_q, describe, dossiers
from motcua.analytics.report import Scope, flag_counts_by_group, resolution_report
from motcua.analytics.rules import kl91_official_flagged, kl91_unit_flags, rate
from motcua.organizations.names import full_name


def kl91(
    start: date,
    end: date,
    scope: Scope,
    *,
    late_threshold: float = 0.05,
    satisfaction_threshold: float = 0.80,
    official_threshold: float = 0.10,
    limit: int = 100,
    source: str = "rollup",
) -> dict[str, Any]:
    """Units: late share = §5 late_rate; satisfaction = 1 − share of new dossiers with negative feedback
    (no survey data exists; None when the unit received nothing new). Officials: among to-handle dossiers
    they handled (Dossier.handled_by), late = resolved late + overdue."""
    report = resolution_report(start, end, "unit", scope, source)
    flags = {k: v for (k, _n), v in flag_counts_by_group(start, end, "unit", scope, source).items()}
    from motcua.organizations.models import Unit

    ids = dict(Unit.objects.values_list("code", "id"))
    units = []
    for row in report["rows"]:
        f = flags.get(row["key"], {"new": 0, "negative": 0})
        satisfaction = None if f["new"] == 0 else round(1 - rate(f["negative"], f["new"]), 4)
        reasons = kl91_unit_flags(row["late_rate"], satisfaction, late_threshold, satisfaction_threshold)
        item: dict[str, Any] = {
            "unit": row["key"],
            "name": row["name"],
            "received": row["received"]["total"],
            "late": row["resolved"]["late"] + row["in_progress"]["overdue"],
            "late_rate": row["late_rate"],
            "satisfaction": satisfaction,
            "can_rank_good": not reasons,
            "reasons": reasons,
        }
        if reasons:
            unit_scope = Scope(unit_ids={ids[row["key"]]})
            qs = dossiers("late_or_overdue", start, end, unit_scope)
            item["dossiers"] = describe(qs, limit)
        units.append(item)
    qs = dossiers("received", start, end, scope).filter(handled_by__isnull=False)
    late_q = cell_q("late_or_overdue", start, end)
    stats = qs.values(
        "handled_by_id", "handled_by__username", "handled_by__first_name", "handled_by__last_name"
    ).annotate(handled=Count("id"), late=Count("id", filter=late_q))
    officials = []
    for s in stats.order_by("handled_by__username"):
        flagged = kl91_official_flagged(s["late"], s["handled"], official_threshold)
        item = {
            "official": s["handled_by__username"],
            "name": full_name(s["handled_by__last_name"], s["handled_by__first_name"], s["handled_by__username"]),
            "handled": s["handled"],
            "late": s["late"],
            "late_rate": rate(s["late"], s["handled"]),
            "flagged": flagged,
        }
        if flagged:
            item["dossiers"] = describe(
                dossiers("late_or_overdue", start, end, scope).filter(handled_by_id=s["handled_by_id"]), limit
            )
        officials.append(item)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "thresholds": {
            "unit_late": late_threshold,
            "unit_satisfaction": satisfaction_threshold,
            "official_late": official_threshold,
        },
        "units": units,
        "officials": officials,
        "note": "satisfaction = 1 − share of new dossiers with a complaint or a negative rating (no survey data)",
    }


# --- SIPAS satisfaction (surveys app, branch voice): the survey result per unit, kept apart from
# the per-dossier ratings (regulation.md §9: a survey is not a per-dossier evaluation). -----------
def sipas_satisfaction(start: date, end: date, unit_codes: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """{unit code: {"index", "n", "moe", "campaigns"}} from the SIPAS campaigns whose period overlaps
    [start, end]: the overall index of each campaign for the unit (surveys.indices, its documented
    formula), averaged over the campaigns weighted by their respondents. Units without answers are absent."""
    from motcua.surveys.indices import campaign_indices
    from motcua.surveys.models import Campaign

    pooled: dict[str, dict[str, Any]] = {}
    for campaign in Campaign.objects.filter(start__lte=end, end__gte=start).select_related("questionnaire"):
        for u in campaign_indices(campaign)["units"]:
            if u["overall"]["index"] is None or (unit_codes is not None and u["unit"] not in unit_codes):
                continue
            acc = pooled.setdefault(u["unit"], {"sum": 0.0, "n": 0, "moe": u["overall"]["moe"], "campaigns": []})
            acc["sum"] += u["overall"]["index"] * u["overall"]["n"]
            acc["n"] += u["overall"]["n"]
            acc["campaigns"].append(campaign.code)
    return {
        code: {
            "index": round(a["sum"] / a["n"], 4),
            "n": a["n"],
            "moe": a["moe"] if len(a["campaigns"]) == 1 else None,
            "campaigns": a["campaigns"],
        }
        for code, a in pooled.items()
        if a["n"]
    }
