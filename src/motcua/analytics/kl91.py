"""Kết luận 91-KL/TU checks: units that cannot be ranked "Tốt" and officials over the late threshold."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from motcua.analytics.queries import cell_q, describe, dossiers
from motcua.analytics.report import Scope, resolution_report
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
    """Units: late share = §5 late_rate; satisfaction = the SIPAS index (`sipas_satisfaction`) when a survey
    covers the unit, else citizens' per-dossier ratings (`unit_satisfaction`; None when neither exists). Officials: among to-handle dossiers they handled (Dossier.handled_by), late = resolved
    late + overdue."""
    report = resolution_report(start, end, "unit", scope, source)
    satisfied = unit_satisfaction(start, end, scope)
    surveyed = sipas_satisfaction(start, end)
    from motcua.organizations.models import Unit

    ids = dict(Unit.objects.values_list("code", "id"))
    units = []
    for row in report["rows"]:
        # The SIPAS survey, when one covers the unit in the period, is the unit's satisfaction index;
        # otherwise the citizens' per-dossier ratings stand for it (both shown).
        sipas = surveyed.get(row["key"])
        rated = satisfied.get(row["key"])
        satisfaction = sipas["index"] if sipas else rated
        reasons = kl91_unit_flags(row["late_rate"], satisfaction, late_threshold, satisfaction_threshold)
        item: dict[str, Any] = {
            "unit": row["key"],
            "name": row["name"],
            "received": row["received"]["total"],
            "late": row["resolved"]["late"] + row["in_progress"]["overdue"],
            "late_rate": row["late_rate"],
            "satisfaction": satisfaction,
            "satisfaction_source": "sipas" if sipas else ("ratings" if rated is not None else None),
            "satisfaction_ratings": rated,
            "satisfaction_sipas": sipas,
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
        "note": "satisfaction = the unit's SIPAS survey index when a campaign overlapping the period has answers "
        "for it; otherwise the share of rated dossiers received in the period whose citizen rating is not negative "
        "(overall 3–5 of 5; portal, counter tablet or imported history)",
    }


def unit_satisfaction(start: date, end: date, scope: Scope) -> dict[str, float | None]:
    """Satisfaction per unit code from stored per-dossier ratings (`ratings.Rating`, contracts §9.3):
    among the dossiers received in the period that were rated, the share with no negative rating
    (overall 1 or 2). Units without a rated dossier are absent (unknown, not flagged)."""
    from motcua.ratings.rules import NEGATIVE_MAX

    rows = (
        dossiers("received", start, end, scope)
        .filter(ratings__isnull=False)
        .values("unit__code")
        .annotate(
            rated=Count("id", distinct=True),
            negative=Count("id", distinct=True, filter=Q(ratings__overall__lte=NEGATIVE_MAX)),
        )
    )
    return {r["unit__code"]: round(1 - rate(r["negative"], r["rated"]), 4) for r in rows if r["rated"]}


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
