"""Dashboards: province overview, per-unit page, dossier lists behind every number, exports.

Thin views: parsing and scoping here, numbers from `report` / `index766` / `queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.analytics import charts
from motcua.analytics.exports import RENDERERS
from motcua.analytics.report import (
    GROUPINGS,
    Scope,
    flag_counts,
    resolution_report,
    scope_as_of,
    unit_and_descendants,
)
from motcua.analytics.rules import EARLIEST, LATEST, LOCAL_TZ, rate
from motcua.core.replica import replica_reads


@dataclass
class Filters:
    start: date
    end: date
    level: str
    field: str
    unit: str
    as_of: date | None = None  # restructuring: group by the units as of this date

    def query(self, **extra: str) -> str:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for k in ("level", "field", "unit"):
            if getattr(self, k):
                params[k] = getattr(self, k)
        if self.as_of:
            params["as_of"] = self.as_of.isoformat()
        params.update({k: v for k, v in extra.items() if v})
        return urlencode(params)


class BadFilter(ValueError):
    pass


def _filters(request: HttpRequest, unit: str = "") -> Filters:
    today = timezone.now().astimezone(LOCAL_TZ).date()
    try:
        start = (
            date.fromisoformat(request.GET["from"])
            if request.GET.get("from")
            else (today - timedelta(days=90)).replace(day=1)
        )
        end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        as_of = date.fromisoformat(request.GET["as_of"]) if request.GET.get("as_of") else None
    except ValueError:
        raise BadFilter(_("Ngày không hợp lệ.")) from None
    if start > end:
        raise BadFilter(_("Ngày bắt đầu sau ngày kết thúc."))
    if start < EARLIEST or end > LATEST:
        raise BadFilter(_("Ngày phải trong khoảng %(a)s – %(b)s.") % {"a": EARLIEST, "b": LATEST})
    level = request.GET.get("level", "")
    if level and level not in ("province", "district", "commune"):
        raise BadFilter(_("Cấp không hợp lệ."))
    return Filters(start, end, level, request.GET.get("field", ""), unit or request.GET.get("unit", ""), as_of)


def _scope(request: HttpRequest, f: Filters) -> Scope:
    """Numbers count dossiers by competent unit among the units the user may see (dossiers.visibility)."""
    from motcua.dossiers.visibility import unit_ids

    allowed = unit_ids(request.user)
    ids: set[int] | None = allowed
    if f.unit:
        try:
            wanted = unit_and_descendants(f.unit)
        except LookupError:
            raise Http404(f.unit) from None
        if allowed is not None and not wanted <= allowed:
            raise PermissionDenied(_("Bạn không có quyền xem dữ liệu của đơn vị này."))
        ids = scope_as_of(wanted, f.as_of)
    return Scope(unit_ids=ids, field_code=f.field or None, level=f.level or None)


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    cur = start
    while cur <= end and len(out) < 24:
        nxt = (cur.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((cur, min(end, nxt - timedelta(days=1))))
        cur = nxt
    return out


def _trend(scope: Scope, f: Filters) -> dict[str, str]:
    labels, on_time, online, received, resolved = [], [], [], [], []
    for a, b in _months(f.start, f.end):
        total = resolution_report(a, b, "unit", scope)["total"]
        flags = flag_counts(a, b, scope)
        labels.append(a.strftime("%m/%Y"))
        on_time.append(total["on_time_rate"])
        online.append(rate(flags["online"], flags["new"]))
        received.append(total["received"]["total"])
        resolved.append(total["resolved"]["total"])
    return {
        "rates": mark_safe(
            charts.line_chart(labels, {_("Tỷ lệ đúng hạn"): on_time, _("Tỷ lệ trực tuyến"): online}, _("Xu hướng"))
        ),
        "volumes": mark_safe(
            charts.bar_chart(
                labels, {_("Tiếp nhận"): received, _("Đã giải quyết"): resolved}, _("Tiếp nhận và giải quyết")
            )
        ),
    }


def _page(request: HttpRequest, f: Filters, by: str, title: str) -> HttpResponse:
    from motcua.catalog.models import Field

    scope = _scope(request, f)
    doc = resolution_report(f.start, f.end, by, scope, as_of=f.as_of)
    ranking = sorted(doc["rows"], key=lambda r: (-r["on_time_rate"], r["key"]))
    param = {"unit": "unit", "procedure": "procedure", "field": "field", "level": "level"}[by]
    for row in [*ranking, doc["total"]]:
        row["q"] = f.query(**{param: row["key"]}) if "key" in row else f.query()
        row["on_time_pct"] = f"{row['on_time_rate'] * 100:.2f}"
        row["late_pct"] = f"{row['late_rate'] * 100:.2f}"
    context: dict[str, Any] = {
        "title": title,
        "f": f,
        "by": by,
        "doc": doc,
        "rows": ranking,
        "query": f.query(),
        "charts": _trend(scope, f),
        "fields": Field.objects.order_by("code").values_list("code", "name"),
        "levels": [("province", _("Cấp tỉnh")), ("commune", _("Cấp xã")), ("district", _("Cấp huyện (lịch sử)"))],
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
@replica_reads
def overview(request: HttpRequest) -> HttpResponse:
    try:
        f = _filters(request)
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    by = request.GET.get("by", "unit")
    if by not in GROUPINGS:
        return HttpResponseBadRequest(_("Cách nhóm không hợp lệ."))
    return _page(request, f, by, _("Tổng quan tình hình giải quyết TTHC"))


@login_required
@replica_reads
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    from motcua.organizations.models import Unit

    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404(code)
    try:
        f = _filters(request, unit=code)
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    return _page(request, f, "procedure", f"{unit.code} — {unit.name}")


@login_required
@replica_reads
def dossier_list(request: HttpRequest) -> HttpResponse:
    from motcua.analytics.queries import CELLS, dossiers
    from motcua.dossiers.visibility import restrict

    try:
        f = _filters(request)
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    cell = request.GET.get("cell", "received")
    if cell not in CELLS:
        return HttpResponseBadRequest(_("Chỉ tiêu không hợp lệ."))
    scope = _scope(request, f)
    qs = restrict(request.user, dossiers(cell, f.start, f.end, scope))
    if request.GET.get("procedure"):
        qs = qs.filter(procedure__code=request.GET["procedure"])
    qs = qs.select_related("unit", "procedure").order_by("received_at", "id")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/dossiers.html",
        {"f": f, "cell": cell, "page": page, "query": f.query(cell=cell, procedure=request.GET.get("procedure", ""))},
    )


@login_required
@replica_reads
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in RENDERERS:
        raise Http404(fmt)
    try:
        f = _filters(request)
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    by = request.GET.get("by", "unit")
    if by not in GROUPINGS:
        return HttpResponseBadRequest(_("Cách nhóm không hợp lệ."))
    doc = resolution_report(f.start, f.end, by, _scope(request, f), as_of=f.as_of)
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    response = HttpResponse(RENDERERS[fmt](doc), content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="bieu-06a-{f.start}-{f.end}.{fmt}"'
    return response


@login_required
@replica_reads
def kl91_page(request: HttpRequest) -> HttpResponse:
    from motcua.analytics.kl91 import kl91

    try:
        f = _filters(request)
    except BadFilter as exc:
        return HttpResponseBadRequest(str(exc))
    doc = kl91(f.start, f.end, _scope(request, f), limit=0)
    for u in doc["units"]:
        u["late_pct"] = f"{u['late_rate'] * 100:.2f}"
        u["satisfaction_pct"] = "—" if u["satisfaction"] is None else f"{u['satisfaction'] * 100:.2f}%"
        u["q"] = f.query(unit=u["unit"], cell="late_or_overdue")
    for o in doc["officials"]:
        o["late_pct"] = f"{o['late_rate'] * 100:.2f}"
    return render(request, "analytics/kl91.html", {"title": _("Kiểm tra theo Kết luận 91-KL/TU"), "f": f, "doc": doc})
