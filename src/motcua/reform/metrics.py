"""Computed criteria: figures for a unit and a year taken from motcua's own reports.

A metric is a function `(unit_code, year) -> (numerator, denominator)` registered under a key;
a criteria file names the key (`metric: on_time_rate`). The built-in ones read the Biểu 06a report
(`analytics.report.resolution_report`), the 766 index (`analytics.index766.index_766`) and the
KL 91 check (`analytics.kl91.kl91`) for the unit itself (the same rows the KL 91 page shows), so the
numbers here are exactly those reports' numbers. Other apps add theirs with `register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

Figure = tuple[float, float]
MetricFn = Callable[[str, int], Figure]
LinkFn = Callable[[str, int], str | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    fn: MetricFn
    link: LinkFn | None = None

    def figure(self, unit_code: str, year: int) -> dict[str, Any]:
        """{"numerator", "denominator", "share" (None when nothing to count), "link"}."""
        numerator, denominator = self.fn(unit_code, year)
        share = round(numerator / denominator, 4) if denominator else None
        link = self.link(unit_code, year) if self.link else None
        return {"numerator": numerator, "denominator": denominator, "share": share, "link": link}


REGISTRY: dict[str, Metric] = {}


def register(key: str, label: str, link: LinkFn | None = None) -> Callable[[MetricFn], MetricFn]:
    """Register `fn(unit_code, year) -> (numerator, denominator)` under `key` (usable as a decorator)."""

    def deco(fn: MetricFn) -> MetricFn:
        REGISTRY[key] = Metric(key, label, fn, link)
        return fn

    return deco


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def dossiers_link(cell: str) -> LinkFn:
    """A link to the analytics list of the unit's dossiers in `cell` for the year (the drill-down)."""

    def link(unit_code: str, year: int) -> str:
        from django.urls import reverse

        start, end = year_bounds(year)
        query = urlencode({"from": start.isoformat(), "to": end.isoformat(), "unit": unit_code, "cell": cell})
        return f"{reverse('analytics:dossiers')}?{query}"

    return link


def _scope(unit_code: str) -> Any:
    from motcua.analytics.report import Scope
    from motcua.organizations.models import Unit

    unit_id = Unit.objects.filter(code=unit_code).values_list("id", flat=True).first()
    return Scope(unit_ids={unit_id} if unit_id is not None else set())


@lru_cache(maxsize=64)
def report_06a(unit_code: str, year: int) -> dict[str, Any]:
    """The Biểu 06a total of the unit for the year (cached within one refresh: `clear_cache`)."""
    from motcua.analytics.report import resolution_report

    start, end = year_bounds(year)
    return dict(resolution_report(start, end, "unit", _scope(unit_code))["total"])


@lru_cache(maxsize=64)
def criteria_766(unit_code: str, year: int) -> dict[str, dict[str, Any]]:
    """The 766 criteria of the unit for the year, by id."""
    from motcua.analytics.index766 import index_766

    start, end = year_bounds(year)
    doc = index_766(start, end, _scope(unit_code), unit_code=unit_code)
    out = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    out["total"] = {"numerator": doc["total"], "denominator": 100}
    return out


@lru_cache(maxsize=64)
def kl91_row(unit_code: str, year: int) -> dict[str, Any] | None:
    """The unit's row of the KL 91 check for the year (late share, satisfaction and its source)."""
    from motcua.analytics.kl91 import kl91

    start, end = year_bounds(year)
    rows = kl91(start, end, _scope(unit_code), limit=0)["units"]
    return next((r for r in rows if r["unit"] == unit_code), None)


def clear_cache() -> None:
    report_06a.cache_clear()
    criteria_766.cache_clear()
    kl91_row.cache_clear()


def kl91_figures(unit_code: str, year: int) -> dict[str, Any]:
    """What the KL 91 cap reads: {"late_share", "satisfaction", "satisfaction_source", "received"}."""
    row = kl91_row(unit_code, year)
    if row is None:
        return {"late_share": None, "satisfaction": None, "satisfaction_source": None, "received": 0}
    return {
        "late_share": row["late_rate"] if row["received"] else None,
        "satisfaction": row["satisfaction"],
        "satisfaction_source": row["satisfaction_source"],
        "received": row["received"],
    }


def _from_766(criterion: str) -> MetricFn:
    def fn(unit_code: str, year: int) -> Figure:
        c = criteria_766(unit_code, year)[criterion]
        return c["numerator"], c["denominator"]

    return fn


@register("on_time_rate", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (Biểu 06a)", dossiers_link("late_or_overdue"))
def on_time_rate(unit_code: str, year: int) -> Figure:
    """Biểu 06a: (early + on time + withdrawn + in progress within time) / received."""
    t = report_06a(unit_code, year)
    good = t["resolved"]["early"] + t["resolved"]["on_time"] + t["withdrawn_or_stopped"]
    return good + t["in_progress"]["within_time"], t["received"]["total"]


@register("late_rate", "Tỷ lệ hồ sơ trễ hạn (Biểu 06a, KL 91-KL/TU)", dossiers_link("late_or_overdue"))
def late_rate(unit_code: str, year: int) -> Figure:
    t = report_06a(unit_code, year)
    return t["resolved"]["late"] + t["in_progress"]["overdue"], t["received"]["total"]


register("online_rate", "Tỷ lệ hồ sơ trực tuyến (766, 3.3)", dossiers_link("not_online"))(_from_766("3.3"))
register("online_payment_rate", "Tỷ lệ hồ sơ thanh toán trực tuyến (766, 3.6)", dossiers_link("fee_not_paid_online"))(
    _from_766("3.6")
)
register("digitisation_rate", "Tỷ lệ hồ sơ được số hóa (766, 4.2)", dossiers_link("not_digitized"))(_from_766("4.2"))
register("e_result_rate", "Tỷ lệ hồ sơ có kết quả điện tử (766, 4.1)", dossiers_link("no_e_result"))(_from_766("4.1"))
register("feedback_on_time", "Phản ánh, kiến nghị xử lý đúng hạn (766, 5.1)")(_from_766("5.1"))
register("index_766", "Chỉ số phục vụ người dân, doanh nghiệp (766, tổng điểm / 100)")(_from_766("total"))


@register("satisfaction", "Chỉ số hài lòng (SIPAS, hoặc đánh giá của người dân; KL 91-KL/TU)")
def satisfaction(unit_code: str, year: int) -> Figure:
    """The KL 91 satisfaction index (a share: numerator = index, denominator 1; 0/0 when unknown)."""
    value = kl91_figures(unit_code, year)["satisfaction"]
    return (float(value), 1.0) if value is not None else (0.0, 0.0)


# Follow-up of the province's oversight (other apps keep their own rules; reform only reads them).
def _inspections_link(unit_code: str, year: int) -> str:
    from django.urls import reverse

    return f"{reverse('inspections:overdue')}?{urlencode({'year': year})}"


def _tasks_link(unit_code: str, year: int) -> str:
    from django.urls import reverse

    return f"{reverse('assignments:list')}?{urlencode({'unit': unit_code, 'year': year})}"


@register(
    "overdue_remediation",
    "Kiến nghị sau kiểm tra CCHC khắc phục trễ hạn hoặc quá hạn (kiểm tra CCHC)",
    _inspections_link,
)
def overdue_remediation(unit_code: str, year: int) -> Figure:
    """Remediation items due in the year: overdue or closed late / all (`inspections.rules`)."""
    from motcua.inspections.metrics import overdue_remediation as count

    late, total = count(unit_code, year)
    return float(late), float(total)


@register("tasks_late", "Nhiệm vụ UBND tỉnh giao hoàn thành trễ hạn hoặc quá hạn (nhiệm vụ được giao)", _tasks_link)
def tasks_late(unit_code: str, year: int) -> Figure:
    """Tasks led by the unit and due in the year: overdue or completed late / all (`assignments.rules`)."""
    from motcua.assignments.metrics import tasks_late as count

    late, total = count(unit_code, year)
    return float(late), float(total)
