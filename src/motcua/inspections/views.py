"""Back-office inspection screens: plans, inspection records, a unit's remediation list with progress
reports, closure, and the overdue list (XLSX). Forms come from the command table (`commands.offered`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from motcua.inspections import commands, exports, forms, rules
from motcua.inspections.commands import InspectionError, Replayed
from motcua.inspections.models import Finding, Inspection, InspectionPlan, PlanItem, RemediationItem, RemediationStatus
from motcua.organizations import access
from motcua.organizations.access import Action

NAV = "inspections"
RUN_URL = {
    "province": "inspections:run",
    "plan": "inspections:plan-run",
    "item": "inspections:item-run",
    "inspection": "inspections:inspection-run",
    "finding": "inspections:finding-run",
    "remediation": "inspections:remediation-run",
}
PAGES = {"plan": "inspections:plan", "inspection": "inspections:inspection", "remediation": "inspections:remediation"}


def oversees(user: Any) -> bool:
    """Reform officers, inspectors and other province-wide readers see every plan and record."""
    return access.unit_ids_for(user) is None


def may_use(user: Any) -> bool:
    """Whether the navigation shows the inspections entry."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        access.can(user, Action.INSPECT)
        or access.can(user, Action.MANAGE_REFORM)
        or access.units_where(user, Action.REPORT_REFORM).exists()
    )


def _forms(
    user: Any, target: str, obj: Any, errors: dict[str, dict[str, str]] | None, values: dict[str, Any] | None
) -> list[dict[str, Any]]:
    out = []
    for c in commands.offered(user, target, obj):
        url = reverse(RUN_URL[target], args=[c.name] if obj is None else [obj.pk, c.name])
        failed = errors and c.name in errors and (obj is None or errors.get("_pk") == obj.pk)
        out.append(forms.describe(c, url, errors[c.name] if failed and errors else None, values if failed else None))
    return out


def _remediation_qs(user: Any) -> QuerySet[RemediationItem]:
    qs = RemediationItem.objects.select_related("owner_unit", "finding__inspection__unit")
    if oversees(user):
        return qs
    ids = access.unit_ids_for(user)
    return qs.filter(owner_unit_id__in=ids or set(), due_on__isnull=False)


def _require_oversight(user: Any) -> None:
    if not oversees(user):
        raise PermissionDenied("Chỉ cán bộ theo dõi cải cách hành chính, kiểm tra viên được xem kế hoạch kiểm tra.")


@login_required
def plans(request: HttpRequest, errors: Any = None, values: Any = None) -> HttpResponse:
    if not oversees(request.user):
        return redirect("inspections:remediation-list")
    return render(
        request,
        "inspections/plans.html",
        {
            "plans": InspectionPlan.objects.prefetch_related("items__unit"),
            "forms": _forms(request.user, "province", None, errors, values),
            "nav": NAV,
            "title": "Kiểm tra cải cách hành chính",
        },
        status=400 if errors else 200,
    )


@login_required
def plan(request: HttpRequest, pk: int, errors: Any = None, values: Any = None) -> HttpResponse:
    _require_oversight(request.user)
    p = InspectionPlan.objects.filter(pk=pk).first()
    if p is None:
        raise Http404
    items = [
        {
            "item": it,
            "inspections": list(it.inspections.all()),
            "forms": _forms(request.user, "item", it, errors, values),
        }
        for it in p.items.select_related("unit")
    ]
    return render(
        request,
        "inspections/plan.html",
        {
            "plan": p,
            "items": items,
            "forms": _forms(request.user, "plan", p, errors, values),
            "events": p.events.select_related("actor"),
            "nav": NAV,
            "title": p.name,
        },
        status=400 if errors else 200,
    )


def _visible_inspection(user: Any, pk: int) -> Inspection:
    ins = Inspection.objects.select_related("unit", "plan_item__plan", "lead_inspector").filter(pk=pk).first()
    if ins is None:
        raise Http404
    if not oversees(user) and not access.can_read(user, ins.unit):
        raise Http404
    return ins


@login_required
def inspection(request: HttpRequest, pk: int, errors: Any = None, values: Any = None) -> HttpResponse:
    ins = _visible_inspection(request.user, pk)
    today = timezone.localdate()
    findings = [
        {
            "f": f,
            "dossiers": list(f.dossiers.values_list("code", flat=True)),
            "items": [
                {"r": r, "overdue": rules.is_overdue(r.due_on, r.status, today)}
                for r in f.remediation.select_related("owner_unit")
            ],
            "forms": _forms(request.user, "finding", f, errors, values),
        }
        for f in ins.findings.all()
    ]
    return render(
        request,
        "inspections/inspection.html",
        {
            "ins": ins,
            "findings": findings,
            "forms": _forms(request.user, "inspection", ins, errors, values),
            "events": ins.events.select_related("actor"),
            "nav": NAV,
            "title": f"Biên bản kiểm tra {ins.unit.name}",
        },
        status=400 if errors else 200,
    )


@login_required
def remediation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = _remediation_qs(request.user)
    if status in RemediationStatus.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    rows = [{"r": r, "overdue": rules.is_overdue(r.due_on, r.status, today)} for r in qs.order_by("due_on", "id")]
    return render(
        request,
        "inspections/remediation_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": RemediationStatus.choices,
            "nav": NAV,
            "title": "Kiến nghị khắc phục sau kiểm tra",
        },
    )


def _visible_item(user: Any, pk: int) -> RemediationItem:
    r = _remediation_qs(user).filter(pk=pk).first()
    if r is None:
        raise Http404
    return r


@login_required
def remediation(request: HttpRequest, pk: int, errors: Any = None, values: Any = None) -> HttpResponse:
    r = _visible_item(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "inspections/remediation.html",
        {
            "r": r,
            "overdue": rules.is_overdue(r.due_on, r.status, today),
            "late": rules.closed_late(r.due_on, timezone.localtime(r.closed_at).date() if r.closed_at else None),
            "reports": r.reports.select_related("by").defer("data"),
            "forms": _forms(request.user, "remediation", r, errors, values),
            "events": r.events.select_related("actor"),
            "nav": NAV,
            "title": "Kiến nghị khắc phục",
        },
        status=400 if errors else 200,
    )


@login_required
def evidence(request: HttpRequest, pk: int, report: int) -> HttpResponse:
    r = _visible_item(request.user, pk)
    rep = r.reports.filter(pk=report).exclude(filename="").first()
    if rep is None or rep.data is None:
        raise Http404
    response = HttpResponse(bytes(rep.data), content_type=rep.content_type)
    response["Content-Disposition"] = content_disposition_header(True, rep.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _overdue(user: Any, year: int) -> dict[str, Any]:
    today = timezone.localdate()
    qs = _remediation_qs(user).filter(due_on__isnull=False)
    overdue = [r for r in qs.order_by("owner_unit__code", "due_on") if rules.is_overdue(r.due_on, r.status, today)]
    per_unit: Counter[tuple[str, str]] = Counter((r.owner_unit.code, r.owner_unit.name) for r in overdue)
    year_counts: dict[tuple[str, str], list[int]] = {}
    for r in qs.filter(due_on__year=year):
        closed_on = timezone.localtime(r.closed_at).date() if r.closed_at else None
        row = year_counts.setdefault((r.owner_unit.code, r.owner_unit.name), [0, 0])
        row[0] += rules.counts_against(r.due_on, r.status, closed_on, today)
        row[1] += 1
    units = [
        {"code": code, "name": name, "overdue": per_unit.get((code, name), 0), "bad": v[0], "total": v[1]}
        for (code, name), v in sorted(year_counts.items())
    ]
    for (code, name), n in sorted(per_unit.items()):
        if (code, name) not in year_counts:
            units.append({"code": code, "name": name, "overdue": n, "bad": None, "total": None})
    return {
        "today": today,
        "year": year,
        "items": [{"r": r, "days": rules.days_overdue(r.due_on, today)} for r in overdue if r.due_on],
        "units": units,
    }


def _year(request: HttpRequest) -> int:
    y = request.GET.get("year", "")
    return int(y) if y.isdigit() and 2000 <= int(y) <= 2100 else timezone.localdate().year


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    doc = _overdue(request.user, _year(request))
    return render(request, "inspections/overdue.html", {**doc, "nav": NAV, "title": "Kiến nghị khắc phục quá hạn"})


@login_required
def overdue_xlsx(request: HttpRequest) -> HttpResponse:
    doc = _overdue(request.user, _year(request))
    response = HttpResponse(
        exports.overdue_xlsx(doc), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="khac-phuc-qua-han-{doc["today"]}.xlsx"'
    return response


# --- running a command ---------------------------------------------------------------------------

TARGETS: dict[str, tuple[type[Any], str]] = {
    "plan": (InspectionPlan, "plan"),
    "item": (PlanItem, "plan"),
    "inspection": (Inspection, "inspection"),
    "finding": (Finding, "inspection"),
    "remediation": (RemediationItem, "remediation"),
}


def _page_of(target: str, obj: Any) -> tuple[str, int]:
    """The page that shows `obj`'s forms: (url name, pk)."""
    if target == "item":
        return PAGES["plan"], obj.plan_id
    if target == "finding":
        return PAGES["inspection"], obj.inspection_id
    return PAGES[target], obj.pk


VIEWS = {"plan": plan, "inspection": inspection, "remediation": remediation}


def _run(request: HttpRequest, target: str, name: str, pk: int | None) -> HttpResponse:
    cmd = commands.TABLE.get(name)
    if cmd is None or cmd.target != target:
        raise Http404(name)
    obj = None
    if pk is not None:
        model = TARGETS[target][0]
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            raise Http404
        if target == "remediation":
            obj = _visible_item(request.user, pk)
    data: dict[str, Any] = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "_key")}
    fields = cmd.schema().fields
    # An empty optional field is "not given", so its default applies.
    data = {k: v for k, v in data.items() if not (v == "" and k in fields and not fields[k].required)}
    data.update({k: request.FILES[k] for k in request.FILES})
    try:
        result = commands.execute(name, request.user, obj, data, key=request.POST.get("_key"))
    except Replayed as again:
        messages.info(request, "Yêu cầu này đã được thực hiện trước đó.")
        ev = again.event
        if ev.item_id:
            return redirect("inspections:remediation", pk=ev.item_id)
        if ev.inspection_id:
            return redirect("inspections:inspection", pk=ev.inspection_id)
        return redirect("inspections:plan", pk=ev.plan_id)
    except InspectionError as exc:
        messages.error(request, exc.message)
        errs = {name: exc.fields or {"form": exc.message}, "_pk": pk}
        if obj is None:
            return plans(request, errors=errs, values=data)
        page, page_pk = _page_of(target, obj)
        view = VIEWS[page.split(":")[1]]
        return view(request, page_pk, errors=errs, values=data)
    messages.success(request, cmd.done)
    if name == "create_plan":
        return redirect("inspections:plan", pk=result.pk)
    if name == "record_inspection":
        return redirect("inspections:inspection", pk=result.pk)
    page, page_pk = _page_of(target, obj)
    return redirect(page, pk=page_pk)


@login_required
@require_POST
def run(request: HttpRequest, name: str) -> HttpResponse:
    return _run(request, "province", name, None)


def run_on(target: str) -> Any:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
        return _run(request, target, name, pk)

    view.__name__ = f"run_{target}"
    return view
