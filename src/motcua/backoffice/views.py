"""Back-office screens. Views are thin: they read through `scoping`, write through the dossier
services (`actions`), and render templates; no business rule lives here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.backoffice import pdf, scoping
from motcua.backoffice.pdf.forms import EVENT_LABELS
from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.dossiers.models import Status
from motcua.notifications.models import OutboxMessage
from motcua.organizations import access

LOGIN = "backoffice:login"
OPEN_STATUSES = [Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_FEE, Status.SUBMITTED]
DUE_SOON = timedelta(days=2)


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True


def staff_required(view: Any) -> Any:
    return login_required(view, login_url=LOGIN)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The official's worklist: open dossiers in scope, overdue and due-soon first, with filters."""
    now = timezone.now()
    base = scoping.dossiers_for(request.user)
    qs = base
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine"):
        qs = qs.filter(handled_by=request.user)
    procedure = request.GET.get("procedure", "")
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    due_before = _date(request.GET.get("due_before"))
    if due_before:
        qs = qs.filter(due_at__date__lte=due_before)
    q = request.GET.get("q", "").strip()
    if q:
        folded = fold(q)
        qs = qs.filter(Q(code__icontains=q) | Q(applicant_id_number=q) | Q(procedure__name_folded__contains=folded))
    due = request.GET.get("due", "")
    open_base = base.filter(status__in=OPEN_STATUSES)
    if due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif due == "soon":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__gte=now, due_at__lt=now + DUE_SOON)
    qs = qs.order_by("due_at", "received_at")
    counts = {
        "open": open_base.count(),
        "overdue": open_base.filter(due_at__lt=now).count(),
        "soon": open_base.filter(due_at__gte=now, due_at__lt=now + DUE_SOON).count(),
        "mine": open_base.filter(handled_by=request.user).count(),
    }
    by_status = dict(base.values_list("status").annotate(n=Count("id")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "d": d,
            "overdue": d.status in OPEN_STATUSES and d.due_at is not None and d.due_at < now,
            "soon": d.status in OPEN_STATUSES and d.due_at is not None and now <= d.due_at < now + DUE_SOON,
        }
        for d in page
    ]
    procedures = Procedure.objects.filter(id__in=base.values("procedure_id")).order_by("name")
    return render(
        request,
        "backoffice/worklist.html",
        {
            "nav": "worklist",
            "rows": rows,
            "page": page,
            "counts": counts,
            "statuses": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
            "procedures": procedures,
            "filters": {
                "status": status,
                "procedure": procedure,
                "due_before": request.GET.get("due_before", ""),
                "q": q,
                "due": due,
                "mine": bool(request.GET.get("mine")),
            },
        },
    )


def explain_due(dossier: Any) -> str:
    """The due time explained in Vietnamese by the calendar engine, when it offers `explain_vi`."""
    if dossier.due_at is None:
        return ""
    try:
        from motcua.dossiers import services

        explain = getattr(services, "explain_due_vi", None)
        if explain is not None:
            return str(explain(dossier))
    except ImportError:
        pass
    local = timezone.localtime(dossier.due_at)
    return _("Hạn giải quyết: %(time)s ngày %(date)s.") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


@staff_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = scoping.dossier_or_404(request.user, code)
    events = list(dossier.events.select_related("actor").order_by("seq"))
    timeline = [
        {
            "e": e,
            "label": EVENT_LABELS.get(e.type, e.type),
            "who": e.actor_label or (e.actor.get_full_name() or e.actor.get_username() if e.actor else _("Hệ thống")),
        }
        for e in events
    ]
    produced = {e.type for e in events}
    forms = [
        spec
        for spec in pdf.FORMS.values()
        if spec.kind in {"receipt", "control"} or produced & set(spec.event_types)
    ]
    roles = access.roles_in(request.user, dossier.unit) | (
        access.roles_in(request.user, dossier.receiving_unit) if dossier.receiving_unit else set()
    )
    return render(
        request,
        "backoffice/dossier.html",
        {
            "d": dossier,
            "timeline": timeline,
            "forms": forms,
            "outbox": OutboxMessage.objects.filter(dossier=dossier).order_by("created_at"),
            "due_explained": explain_due(dossier),
            "roles": roles,
            "now": timezone.now(),
        },
    )


@staff_required
@require_GET
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = scoping.dossier_or_404(request.user, code)
    if kind not in pdf.FORMS:
        return HttpResponse(status=404)
    data = pdf.render(kind, dossier)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response


@staff_required
@require_GET
def tracking_book(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ of one unit in scope for a period, or of the selected dossiers (bulk)."""
    today = timezone.localdate()
    start = _date(request.GET.get("from")) or today.replace(day=1)
    end = _date(request.GET.get("to")) or today
    codes = request.GET.getlist("code")
    qs = scoping.dossiers_for(request.user).order_by("received_at")
    unit_code = request.GET.get("unit", "")
    if codes:
        qs = qs.filter(code__in=codes)
    else:
        qs = qs.filter(received_at__date__gte=start, received_at__date__lte=end)
    if unit_code:
        unit = scoping.unit_or_404(request.user, unit_code)
        qs = qs.filter(Q(unit=unit) | Q(receiving_unit=unit))
    else:
        first = qs.first()
        unit = (first.receiving_unit or first.unit) if first else access.visible_units(request.user).first()
        if unit is None:
            return HttpResponse(_("Không có đơn vị nào trong phạm vi của bạn."), status=404)
    if codes:
        dates = [timezone.localtime(d.received_at).date() for d in qs]
        start, end = (min(dates), max(dates)) if dates else (start, end)
    data = pdf.render_tracking_book(unit, start, end, qs)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-theo-doi-{unit.code}-{start}-{end}.pdf"'
    return response


@staff_required
@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    """Accent-insensitive procedure search for the intake screen ("dang ky khai sinh")."""
    q = fold(request.GET.get("q", ""))
    results = []
    if q:
        terms = q.split()
        qs = Procedure.objects.filter(active=True)
        for term in terms:
            qs = qs.filter(Q(name_folded__contains=term) | Q(code__startswith=term))
        results = list(qs.order_by("name")[:15])
    return render(request, "backoffice/_procedure_results.html", {"results": results, "q": q})


@staff_required
@require_GET
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """Earlier dossiers of the same applicant (within scope), to reuse their data and documents."""
    id_number = request.GET.get("applicant_id_number", "").strip()
    earlier = []
    if len(id_number) >= 9:
        earlier = list(scoping.dossiers_for(request.user).filter(applicant_id_number=id_number).order_by("-received_at")[:10])
    return render(request, "backoffice/_applicant.html", {"earlier": earlier, "id_number": id_number})


def home(request: HttpRequest) -> HttpResponse:
    return redirect("backoffice:worklist")


