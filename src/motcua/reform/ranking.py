"""The province ranking of a unit group for a year, each unit's multi-year history, and their charts."""

from __future__ import annotations

from html import escape
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
    ys = [y for y in ys if any(y in e["by_year"] for e in by_unit.values())]  # years with final results
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


BAND_COLORS = {"tot": "#2f9e44", "kha": "#1f6feb", "trung_binh": "#f08c00", "yeu": "#d9480f"}


def chart(rows: list[dict[str, Any]], title: str, limits: tuple[float, float, float] | None = None) -> str:
    """Horizontal bars of the index on a 0–100 scale, in rank order, coloured by band, with the band
    thresholds drawn as dashed lines (server-side SVG like `analytics.charts`)."""
    if not rows:
        return ""
    from motcua.reform.scoring import thresholds

    limits = limits or thresholds()
    left, right, bar, gap, top = 190, 50, 18, 6, 22
    width = 640
    w = width - left - right
    height = top + len(rows[:30]) * (bar + gap) + 10
    parts = []
    for lim in (0, *limits, 100):
        x = left + w * lim / 100
        dash = ' stroke-dasharray="4 3"' if lim not in (0, 100) else ""
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="#999"{dash}/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 8}" font-size="10" text-anchor="middle">{lim:g}</text>')
    for i, r in enumerate(rows[:30]):
        y = top + i * (bar + gap)
        bw = w * max(0.0, min(100.0, float(r["index"]))) / 100
        color = BAND_COLORS.get(r["band"], "#868e96")
        label = escape(f"{r['unit'].code} {r['unit'].name}"[:60])
        parts.append(f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">{label}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{bw:.1f}" height="{bar}" fill="{color}">'
            f"<title>{label}: {r['index']}% ({escape(r['band_label'])})</title></rect>"
        )
        parts.append(f'<text x="{left + bw + 4:.1f}" y="{y + 13}" font-size="11">{r["index"]}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def trend_chart(compare: dict[str, Any]) -> str:
    """The index over the years of the four best-ranked units of the latest year (the chart's four
    colours; every unit is in the table beside it). A missing year counts 0."""
    if len(compare["years"]) < 2:
        return ""
    ranked = sorted(compare["units"], key=lambda u: -((u["cells"][-1] or {}).get("index") or 0))[:4]
    series = {u["unit"].code: [(c["index"] or 0) / 100 if c else 0.0 for c in u["cells"]] for u in ranked}
    return charts.line_chart([str(y) for y in compare["years"]], series, "Chỉ số CCHC qua các năm (4 đơn vị dẫn đầu)")
