"""Back-office screens for assigned tasks: list with filters, directive and task pages with the forms
the command table offers, counts per unit and per directive, the overdue list and its XLSX."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.assignments import commands, exports, forms, queries, rules
from motcua.assignments.commands import AssignmentError
from motcua.assignments.models import Directive, Task
from motcua.organizations import access
from motcua.organizations.access import Action

NAV = "assignments"


def may_use(user: Any) -> bool:
    """Province-wide reform staff, and the administrators and leaders who report for a unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        access.can(user, Action.MANAGE_REFORM)
        or access.is_province_wide(user)
        or (access.units_where(user, Action.REPORT_REFORM).exists())
    )


def _require(user: Any) -> None:
    if not may_use(user):
        raise PermissionDenied("Bạn không có quyền xem nhiệm vụ được giao.")


def _unit_choices() -> list[tuple[str, str]]:
    from motcua.organizations.models import Unit

    return list(Unit.objects.filter(active=True).order_by("code").values_list("code", "name"))


def _visible_directives(user: Any) -> QuerySet[Directive]:
    if access.unit_ids_for(user) is None:
        return Directive.objects.all()
    return Directive.objects.filter(tasks__in=queries.visible(user)).distinct()


def _upload(request: HttpRequest) -> commands.Upload | None:
    f = request.FILES.get("file")
    return commands.Upload(f.name or "tep", f.read()) if f else None


def _data(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}


def _offered(
    user: Any, target: Any, errors: dict[str, dict[str, str]] | None, values: dict[str, Any] | None
) -> list[dict[str, Any]]:
    choices = _unit_choices()
    return [
        forms.describe(c, choices, (errors or {}).get(c.name), values if errors and c.name in errors else None)
        for c in commands.offered(user, target)
    ]


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    today = timezone.localdate()
    qs = queries.visible(request.user)
    unit, status, directive, year = (request.GET.get(k, "").strip() for k in ("unit", "status", "directive", "year"))
    if year.isdigit() and len(year) == 4:
        qs = qs.filter(due_on__year=int(year))
    else:
        year = ""
    if unit:
        qs = qs.filter(Q(lead_unit__code=unit) | Q(coordinating_units__code=unit)).distinct()
    if directive.isdigit():
        qs = qs.filter(directive_id=int(directive))
    rows = queries.annotate(qs.order_by("due_on", "id"), today)
    if status in rules.OUTCOMES:
        rows = [r for r in rows if r["outcome"] == status]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    filters = {"unit": unit, "status": status, "directive": directive, "year": year}
    query = urlencode({k: v for k, v in filters.items() if v})
    directives = _visible_directives(request.user).annotate(n_tasks=Count("tasks", distinct=True))
    return render(
        request,
        "assignments/list.html",
        {
            "rows": page,
            "page": page,
            "query": query,
            "directives": directives,
            "units": access.visible_units(request.user).filter(lead_tasks__isnull=False).distinct().order_by("code"),
            "outcomes": rules.OUTCOME_LABELS.items(),
            "f": filters,
            "may_create": bool(commands.offered(request.user, None)),
            "nav": NAV,
            "title": "Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao",
        },
    )


@login_required
def new_directive(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    if not commands.offered(request.user, None):
        raise PermissionDenied("Bạn không có quyền nhập văn bản giao nhiệm vụ.")
    errors: dict[str, dict[str, str]] | None = None
    values: dict[str, Any] | None = None
    if request.method == "POST":
        values = _data(request)
        try:
            d = commands.execute("create_directive", request.user, None, values, _upload(request))
        except AssignmentError as exc:
            messages.error(request, exc.message)
            errors = {"create_directive": exc.fields or {"form": exc.message}}
        else:
            messages.success(request, commands.TABLE["create_directive"].done)
            return redirect("assignments:directive", pk=d.pk)
    return render(
        request,
        "assignments/new_directive.html",
        {
            "offered": _offered(request.user, None, errors, values),
            "nav": NAV,
            "title": "Nhập văn bản giao nhiệm vụ",
        },
        status=400 if errors else 200,
    )


def _directive(user: Any, pk: int) -> Directive:
    d = _visible_directives(user).filter(pk=pk).first()
    if d is None:
        raise Http404(pk)
    return d


@login_required
def directive_page(
    request: HttpRequest, pk: int, errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None
) -> HttpResponse:
    _require(request.user)
    d = _directive(request.user, pk)
    today = timezone.localdate()
    tasks = queries.visible(request.user).filter(directive=d).order_by("due_on", "id")
    return render(
        request,
        "assignments/directive.html",
        {
            "d": d,
            "rows": queries.annotate(tasks, today),
            "counts": next(iter(queries.counts_by(tasks, today, "directive")), None),
            "labels": rules.OUTCOME_LABELS,
            "offered": _offered(request.user, d, errors, values),
            "nav": NAV,
            "title": f"Văn bản {d.number}",
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def run_on_directive(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _require(request.user)
    d = _directive(request.user, pk)
    if name not in commands.TABLE:
        raise Http404(name)
    data = _data(request)
    try:
        result = commands.execute(name, request.user, d, data, _upload(request))
    except AssignmentError as exc:
        messages.error(request, exc.message)
        return directive_page(request, pk, errors={name: exc.fields or {"form": exc.message}}, values=data)
    messages.success(request, commands.TABLE[name].done)
    if isinstance(result, Task):
        return redirect("assignments:task", pk=result.pk)
    return redirect("assignments:directive", pk=d.pk)


def _task(user: Any, pk: int) -> Task:
    t = queries.visible(user).filter(pk=pk).first()
    if t is None:
        raise Http404(pk)
    return t


@login_required
def task_page(
    request: HttpRequest, pk: int, errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None
) -> HttpResponse:
    _require(request.user)
    t = _task(request.user, pk)
    today = timezone.localdate()
    [row] = queries.annotate([t], today)
    return render(
        request,
        "assignments/task.html",
        {
            "t": t,
            "row": row,
            "coordinating": t.coordinating_units.order_by("code"),
            "updates": t.updates.select_related("by"),
            "extensions": t.extensions.select_related("requested_by", "decided_by"),
            "completion": getattr(t, "completion", None),
            "events": [
                {"e": e, "label": rules.EVENT_LABELS.get(e.type, e.type)}
                for e in t.events.select_related("actor").order_by("at", "id")
            ],
            "offered": _offered(request.user, t, errors, values),
            "nav": NAV,
            "title": f"Nhiệm vụ NV-{t.pk}",
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def run_on_task(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _require(request.user)
    t = _task(request.user, pk)
    if name not in commands.TABLE:
        raise Http404(name)
    data = _data(request)
    try:
        commands.execute(name, request.user, t, data, _upload(request))
    except AssignmentError as exc:
        messages.error(request, exc.message)
        return task_page(request, pk, errors={name: exc.fields or {"form": exc.message}}, values=data)
    messages.success(request, commands.TABLE[name].done)
    return redirect("assignments:task", pk=t.pk)


def _file_response(row: Any) -> HttpResponse:
    if not row.file_data:
        raise Http404
    response = HttpResponse(bytes(row.file_data), content_type=row.file_type)
    response["Content-Disposition"] = f'attachment; filename="{row.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def directive_file(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    return _file_response(_directive(request.user, pk))


@login_required
def task_file(request: HttpRequest, pk: int, kind: str, row: int) -> HttpResponse:
    _require(request.user)
    t = _task(request.user, pk)
    if kind == "tien-do":
        found: Any = t.updates.filter(pk=row).first()
    elif kind == "ket-qua":
        found = getattr(t, "completion", None)
        found = found if found is not None and found.pk == row else None
    else:
        found = None
    if found is None:
        raise Http404
    return _file_response(found)


def _year_tasks(request: HttpRequest) -> tuple[int, QuerySet[Task]]:
    year = _year(request)
    return year, queries.visible(request.user).filter(due_on__year=year).order_by("lead_unit__code", "due_on", "id")


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {k: sum(r[k] for r in rows) for k in (*rules.OUTCOMES, "total", "late")}


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    today = timezone.localdate()
    year, tasks = _year_tasks(request)
    by_unit = queries.counts_by(tasks, today, "unit")
    by_directive = queries.counts_by(tasks, today, "directive")
    return render(
        request,
        "assignments/summary.html",
        {
            "year": year,
            "ys": str(year),
            "today": today,
            "by_unit": by_unit,
            "by_directive": by_directive,
            "total": _totals(by_unit),
            "nav": NAV,
            "title": f"Tổng hợp kết quả thực hiện nhiệm vụ năm {year}",
        },
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    today = timezone.localdate()
    tasks = queries.visible(request.user).filter(status="in_progress", due_on__lt=today).order_by("due_on", "id")
    rows = [r for r in queries.annotate(tasks, today) if r["outcome"] == rules.OVERDUE]
    return render(
        request,
        "assignments/overdue.html",
        {"rows": exports.with_last_update(rows), "today": today, "nav": NAV, "title": exports.OVERDUE_TITLE},
    )


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    today = timezone.localdate()
    year, tasks = _year_tasks(request)
    open_late = queries.visible(request.user).filter(status="in_progress", due_on__lt=today).order_by("due_on", "id")
    body = exports.to_xlsx(year, today, list(tasks), list(open_late))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{year}-{today:%Y%m%d}.xlsx"'
    return response
