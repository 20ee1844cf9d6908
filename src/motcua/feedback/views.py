"""Back-office feedback screens: list (to do, overdue, all), staff intake, detail with the offered
commands (from the command table), attachments, the periodic PAKN report and the lists behind it."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.feedback import commands, forms, inbound, metrics, report, rules
from motcua.feedback.commands import FeedbackError
from motcua.feedback.models import STAFF_CHANNELS, Feedback, Status, Topic
from motcua.organizations import access
from motcua.organizations.access import Action

OPEN = [s for s in Status.values if s not in ("rejected", "published")]


def visible(user: Any) -> QuerySet[Feedback]:
    """Feedback of the units the official serves (handling or receiving unit)."""
    from django.db.models import Q

    ids = access.unit_ids_for(user)
    qs = Feedback.objects.select_related("unit")
    return qs if ids is None else qs.filter(Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids))


def _get(user: Any, code: str) -> Feedback:
    fb = visible(user).filter(code=code).first()
    if fb is None:
        raise Http404(code)
    return fb


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "todo")
    qs = visible(request.user)
    now = timezone.now()
    if view == "todo":
        qs = qs.filter(status__in=OPEN).order_by("due_at", "id")
    elif view == "overdue":
        from motcua.feedback.jobs import overdue

        qs = overdue(qs, now).order_by("due_at", "id")
    else:
        view = "all"
        qs = qs.order_by("-received_at", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    from motcua.feedback.models import FeedbackAlert

    alerts = FeedbackAlert.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).select_related(
        "feedback"
    )[:20]
    return render(
        request,
        "feedback/worklist.html",
        {"page": page, "view": view, "now": now, "alerts": alerts, "nav": "feedback", "title": "Phản ánh, kiến nghị"},
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    units = access.units_where(request.user, Action.RECEIVE_FEEDBACK).order_by("code")
    if not units.exists():
        raise PermissionDenied("Bạn không có quyền tiếp nhận phản ánh, kiến nghị.")
    values: dict[str, Any] = dict(request.POST.items()) if request.method == "POST" else {"channel": "counter"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        channel = values.get("channel", "")
        unit = units.filter(code=values.get("unit", "")).first()
        if channel not in [c.value for c in STAFF_CHANNELS]:
            errors["channel"] = "Chọn kênh tiếp nhận."
        elif unit is None:
            errors["unit"] = "Chọn đơn vị bạn có quyền tiếp nhận."
        else:
            payload = {
                "unit": unit.code,
                "topic": values.get("topic") or Topic.OTHER,
                "title": values.get("title", ""),
                "content": values.get("content", ""),
                "submitter": {k: values.get(k, "") for k in ("name", "kind", "phone", "email", "address")},
                "attachments": [
                    inbound.Upload(f.name or "tep", f.read()) for f in request.FILES.getlist("attachments")
                ],
            }
            try:
                fb = inbound.receive(payload, channel=channel, actor=request.user)
            except FeedbackError as exc:
                errors = exc.fields or {"form": exc.message}
            else:
                messages.success(request, f"Đã tiếp nhận phản ánh {fb.code}.")
                return redirect("feedback:detail", code=fb.code)
    return render(
        request,
        "feedback/new.html",
        {
            "units": units,
            "channels": [(c.value, c.label) for c in STAFF_CHANNELS],
            "topics": Topic.choices,
            "values": values,
            "errors": errors,
            "nav": "feedback",
            "title": "Tiếp nhận phản ánh, kiến nghị",
        },
        status=400 if errors else 200,
    )


def _unit_choices(fb: Feedback) -> list[tuple[str, str]]:
    from motcua.organizations.models import Unit

    return list(Unit.objects.filter(active=True).exclude(pk=fb.unit_id).order_by("code").values_list("code", "name"))


@login_required
def detail(
    request: HttpRequest,
    code: str,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
) -> HttpResponse:
    fb = _get(request.user, code)
    choices = _unit_choices(fb)
    offered = [
        {
            "name": c.name,
            "label": c.label,
            "fields": forms.describe(
                c.schema, choices, (errors or {}).get(c.name), values if errors and c.name in errors else None
            ),
        }
        for c in commands.offered(request.user, fb)
    ]
    return render(
        request,
        "feedback/detail.html",
        {
            "fb": fb,
            "offered": offered,
            "events": [
                {"e": e, "label": rules.EVENT_LABELS.get(e.type, e.type)}
                for e in fb.events.select_related("actor").order_by("seq")
            ],
            "steps": [{**s, "label": rules.STEP_LABELS.get(s["kind"], s["kind"])} for s in fb.steps],
            "next_step": rules.STEP_LABELS.get(fb.due_step, fb.due_step),
            "attachments": fb.attachments.only("id", "filename", "size", "content_type"),
            "labels": rules.STEP_LABELS,
            "nav": "feedback",
            "title": f"Phản ánh {fb.code}",
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def run(request: HttpRequest, code: str, name: str) -> HttpResponse:
    fb = _get(request.user, code)
    if name not in commands.TABLE:
        raise Http404(name)
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        fb = commands.execute(name, request.user, fb, data)
    except FeedbackError as exc:
        messages.error(request, exc.message)
        return detail(request, code, errors={name: exc.fields or {"form": exc.message}}, values=data)
    messages.success(request, commands.TABLE[name].done)
    if not visible(request.user).filter(pk=fb.pk).exists():  # forwarded out of the official's units
        return redirect("feedback:worklist")
    return redirect("feedback:detail", code=fb.code)


@login_required
def attachment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    fb = _get(request.user, code)
    att = fb.attachments.filter(pk=pk).first()
    if att is None:
        raise Http404
    response = HttpResponse(bytes(att.data), content_type=att.content_type)
    response["Content-Disposition"] = f'attachment; filename="{att.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _report_args(request: HttpRequest) -> tuple[date, date, str, set[int] | None]:
    today = timezone.localdate()
    period = request.GET.get("period", "")
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    start, end = report.period_bounds(period, year) if period else (None, None)
    if start is None or end is None:
        try:
            start = date.fromisoformat(request.GET["from"]) if request.GET.get("from") else date(year, 1, 1)
            end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        except ValueError:
            raise ValueError("Ngày không hợp lệ.") from None
    if start > end:
        raise ValueError("Ngày bắt đầu sau ngày kết thúc.")
    unit = request.GET.get("unit", "")
    allowed = access.unit_ids_for(request.user)
    if unit:
        from motcua.analytics.report import unit_and_descendants

        try:
            ids: set[int] | None = unit_and_descendants(unit)
        except LookupError:
            raise Http404(unit) from None
        if allowed is not None and ids is not None and not ids <= allowed:
            raise PermissionDenied("Bạn không có quyền xem dữ liệu của đơn vị này.")
    else:
        ids = allowed
    return start, end, unit, ids


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    try:
        start, end, unit, ids = _report_args(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    doc = report.pakn_report(start, end, ids)
    q = urlencode({"from": start.isoformat(), "to": end.isoformat(), **({"unit": unit} if unit else {})})
    rows = [
        {
            "key": r.get("key") or "",
            "name": r.get("name") or "Tổng cộng",
            "cells": [(c, r[c]) for c, _h in report.COLUMNS],
            "on_time_pct": f"{r['on_time_rate'] * 100:.2f}",
            "satisfaction_pct": f"{r['satisfaction_rate'] * 100:.2f}",
        }
        for r in [*doc["rows"], doc["total"]]
    ]
    g5 = metrics.group5(start, end, ids)
    return render(
        request,
        "feedback/report.html",
        {
            "doc": doc,
            "rows": rows,
            "g5": {"on_time": g5["5.1"][0], "final": g5["5.1"][1], "satisfied": g5["5.2"][0], "rated": g5["5.2"][1]},
            "columns": report.COLUMNS,
            "q": q,
            "start": start,
            "end": end,
            "unit": unit,
            "year": start.year,
            "nav": "feedback",
            "title": "Báo cáo tình hình tiếp nhận, xử lý phản ánh, kiến nghị",
        },
    )


@login_required
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in report.RENDERERS:
        raise Http404(fmt)
    try:
        start, end, _unit, ids = _report_args(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    doc = report.pakn_report(start, end, ids)
    link = request.build_absolute_uri("/backoffice/phan-anh/danh-sach/")
    types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
    response = HttpResponse(report.RENDERERS[fmt](doc, link), content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="bao-cao-pakn-{start}-{end}.{fmt}"'
    return response


@login_required
def figure_list(request: HttpRequest) -> HttpResponse:
    """The feedback behind one figure of the report or of the 766 group 5 (`cell`, period, unit)."""
    try:
        start, end, unit, ids = _report_args(request)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    cell = request.GET.get("cell", "received")
    if cell not in metrics.NAMES:
        return HttpResponseBadRequest("Chỉ tiêu không hợp lệ.")
    qs = metrics.subset(cell, start, end, ids).select_related("unit").order_by("received_at", "id")
    if request.GET.get("row"):
        qs = qs.filter(unit__code=request.GET["row"])
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/figure_list.html",
        {
            "page": page,
            "cell": cell,
            "label": report.CELL_LABELS.get(cell, cell),
            "start": start,
            "end": end,
            "unit": unit,
            "nav": "feedback",
            "title": "Danh sách phản ánh, kiến nghị",
        },
    )
