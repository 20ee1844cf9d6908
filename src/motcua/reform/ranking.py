"""The province ranking of a unit group for a year, each unit's multi-year history, and their charts."""

from __future__ import annotations

from typing import Any

from motcua.analytics import charts
from motcua.reform.models import Assessment, AssessmentStatus, Round
from motcua.reform.scoring import BAND_LABELS


def years(group: str) -> list[int]:
    return sorted(set(Round.objects.filter(criteria_set__group=group).values_list("year", flat=True)), reverse=True)


def table(group: str, year: int) -> list[dict[str, Any]]:
    """Units ranked by index (then code); `provisional` until the council finalised the unit."""
    qs = Assessment.objects.filter(round__year=year, round__criteria_set__group=group).select_related("unit")
    rows = [
        {
            "a": a,
            "unit": a.unit,
            "index": a.result.get("index", 0.0),
            "self_index": a.result.get("self_index", 0.0),
            "band": a.result.get("band", ""),
            "band_label": a.result.get("band_label", ""),
            "capped": a.result.get("capped", False),
            "cap_note": a.result.get("cap_note", ""),
            "provisional": a.status != AssessmentStatus.FINAL,
        }
        for a in qs
    ]
    rows.sort(key=lambda r: (-r["index"], r["unit"].code))
    for rank, r in enumerate(rows, start=1):
        r["rank"] = rank
    return rows


def comparison(group: str, wanted: list[int]) -> dict[str, Any]:
    """{"years": ascending, "units": [{"unit", "cells": [{"year", "index", "band_label"} | None]}]} (final only)."""
    ys = sorted(wanted)
    by_unit: dict[str, dict[str, Any]] = {}
    qs = Assessment.objects.filter(
        round__year__in=ys, round__criteria_set__group=group, status=AssessmentStatus.FINAL
    ).select_related("unit", "round")
    for a in qs:
        entry = by_unit.setdefault(a.unit.code, {"unit": a.unit, "by_year": {}})
        entry["by_year"][a.round.year] = {"index": a.result.get("index"), "band_label": a.result.get("band_label")}
    units = [{"unit": e["unit"], "cells": [e["by_year"].get(y) for y in ys]} for _code, e in sorted(by_unit.items())]
    return {"years": ys, "units": units}


def unit_history(unit: Any) -> list[dict[str, Any]]:
    """The unit's final results, oldest first (the record KL 91's consequences read)."""
    qs = Assessment.objects.filter(unit=unit, status=AssessmentStatus.FINAL).select_related("round")
    return [
        {
            "year": a.round.year,
            "index": a.result.get("index"),
            "band": a.result.get("band"),
            "band_label": BAND_LABELS.get(a.result.get("band", ""), ""),
            "capped": a.result.get("capped", False),
        }
        for a in sorted(qs, key=lambda a: a.round.year)
    ]


def chart(rows: list[dict[str, Any]], title: str) -> str:
    """Bars of the index (%) per unit, in rank order."""
    labels = [r["unit"].code for r in rows[:20]]
    return charts.bar_chart(labels, {"Chỉ số CCHC (%)": [round(r["index"]) for r in rows[:20]]}, title)


def trend_chart(compare: dict[str, Any]) -> str:
    """The index of each unit over the years (up to 8 units; a missing year counts 0)."""
    if len(compare["years"]) < 2:
        return ""
    series = {u["unit"].code: [(c["index"] or 0) / 100 if c else 0.0 for c in u["cells"]] for u in compare["units"][:8]}
    return charts.line_chart([str(y) for y in compare["years"]], series, "Chỉ số CCHC qua các năm")
