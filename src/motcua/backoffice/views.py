"""Back-office screens. Views are thin: they read through `scoping`, write through the dossier
services (`actions`), and render templates; no business rule lives here."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import actions, audit, competence, pdf, scoping
from motcua.backoffice.forms import IntakeForm
from motcua.backoffice.pdf.forms import EVENT_LABELS
from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.documents.models import Document
from motcua.dossiers import services
from motcua.dossiers.services import ACTION_LABELS, DossierError
from motcua.notifications.models import OutboxMessage
from motcua.organizations import access
from motcua.organizations.models import Role, Unit
from motcua.organizations.names import display_name
from motcua.population import checks as population
from motcua.signing.hooks import sign_notice

LOGIN = "backoffice:login"
MESSAGE_LABELS = {
    "receipt": _lazy("Tiếp nhận, hẹn trả"),
    "supplement_request": _lazy("Yêu cầu bổ sung"),
    "apology": _lazy("Xin lỗi, hẹn lại"),
    "result_ready": _lazy("Có kết quả"),
    "refusal": _lazy("Từ chối"),
    "stop_notice": _lazy("Dừng giải quyết"),
    "early_return": _lazy("Trả kết quả sớm"),
    "early_return_notice": _lazy("Trả kết quả sớm"),
    "closed": _lazy("Đóng hồ sơ"),
    "fee_request": _lazy("Nộp phí, lệ phí"),
}


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True
    next_page = "backoffice:worklist"


def staff_required(view: Any) -> Any:
    return login_required(view, login_url=LOGIN)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def explain_due(dossier: Any, events: list[Any]) -> str:
    """The due time explained in Vietnamese by the calendar engine (`explain_vi`), from the dossier's events."""
    if dossier.due_at is None:
        return ""
    local = timezone.localtime(dossier.due_at)
    fallback = _("Hạn giải quyết: %(time)s ngày %(date)s.") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }
    start: datetime | None = None
    deadline: dict[str, Any] | None = None
    pauses: list[tuple[datetime, datetime]] = []
    for e in events:
        payload = e.payload or {}
        if e.type == "received":
            start, deadline, pauses = datetime.fromisoformat(payload["received_at"]), payload.get("deadline"), []
        elif e.type == "supplement_supplied" and payload.get("restarted"):
            start, pauses = e.at, []
        if payload.get("pause"):
            p1, p2 = payload["pause"]
            pauses.append((datetime.fromisoformat(p1), datetime.fromisoformat(p2)))
    if start is None or not deadline:
        return fallback
    try:
        from motcua.calendar.engine import explain_vi
        from motcua.calendar.service import calendar_for_unit
        from motcua.dossiers.clock import Deadline

        dl = Deadline.from_payload(deadline)
        amount = int(dl.amount) if dl.amount == dl.amount.to_integral_value() else float(dl.amount)
        return str(explain_vi(calendar_for_unit(dossier.unit), start, amount, dl.unit, dl.cutoff, pauses))
    except (ImportError, ValueError, KeyError):
        return fallback


@staff_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = scoping.dossier_or_404(request.user, code)
    audit.record(request, "dossier_page", dossier)
    events = list(dossier.events.select_related("actor").order_by("seq"))
    timeline = [
        {
            "e": e,
            "label": capfirst(str(ACTION_LABELS.get(e.type, EVENT_LABELS.get(e.type, e.type)))),
            "who": display_name(e.actor) if e.actor else (e.actor_label or _("Hệ thống")),
        }
        for e in events
    ]
    produced = {e.type for e in events}
    forms = [
        spec for spec in pdf.FORMS.values() if spec.kind in {"receipt", "control"} or produced & set(spec.event_types)
    ]
    return render(
        request,
        "backoffice/dossier.html",
        {
            "nav": "worklist",
            "d": dossier,
            "timeline": timeline,
            "forms": forms,
            "steps": dossier.step_runs.select_related("unit", "assignee").order_by("event_seq"),
            "documents": dossier.documents.order_by("event_seq"),
            "outbox": [
                {"m": m, "label": MESSAGE_LABELS.get(m.template, m.template)}
                for m in OutboxMessage.objects.filter(dossier=dossier).order_by("created_at")
            ],
            "due_explained": explain_due(dossier, events),
            "actions": actions.offered(request.user, dossier),
            "now": timezone.now(),
            "just_received": request.GET.get("received") == "1",
        },
    )


@staff_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Run one command of the table on the dossier; refusals come back as Vietnamese messages."""
    dossier = scoping.dossier_or_404(request.user, code)
    name = action.replace("-", "_")
    error = actions.submit(request.user, dossier, name, request.POST, request.FILES)
    if error is None:
        messages.success(request, actions.done_message(name))
    else:
        messages.error(request, error)
    return redirect("backoffice:dossier", code=code)


def _clerk_units(user: Any) -> list[Any]:
    ids = access.unit_ids_for(user, Role.CLERK, Role.LEADER)
    qs = Unit.objects.filter(active=True).order_by("code")
    return list(qs if ids is None else qs.filter(id__in=ids))


@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake: procedure, checklist with scans, applicant; one submit receives and opens the slip."""
    units = _clerk_units(request.user)
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ Một cửa được tiếp nhận hồ sơ."))
    form = IntakeForm(request.POST or None)
    extra_errors: list[str] = []
    chosen = None
    if request.method == "POST":
        if form.is_valid():
            chosen = form.cleaned_data["procedure"]
            reused = set(
                Document.objects.filter(
                    pk__in=[int(x) for x in request.POST.getlist("reuse_doc") if x.isdigit()],
                    dossier__in=scoping.dossiers_for(request.user),
                ).values_list("component", flat=True)
            )
            components, extra_errors = form.components(request.POST, request.FILES, reused)
            unit = next((u for u in units if u.code == request.POST.get("unit")), units[0])
            competent = _competent(chosen, unit, request.POST.get("competent_unit", ""))
            if competent is None:
                extra_errors.append(_("Thủ tục này không thực hiện ở cơ quan đã chọn."))
            identity = population.check_intake(request.user, form.cleaned_data)  # Decree 59/2022
            extra_errors += identity.errors
            if extra_errors:
                population.conclude(request.user, identity)
            else:
                try:
                    dossier = receive(request.user, form.cleaned_data, components, unit, request.POST, competent)
                except DossierError as exc:
                    extra_errors = list(exc.messages)
                except PermissionDenied as exc:
                    extra_errors = [str(exc)]
                else:
                    population.conclude(request.user, identity, dossier)
                    messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
                    return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "?received=1")
        else:
            code = request.POST.get("procedure", "")
            chosen = Procedure.objects.filter(code=code).first() if code else None
    return render(
        request,
        "backoffice/intake.html",
        {
            "nav": "intake",
            "form": form,
            "chosen": chosen,
            "extra_errors": extra_errors,
            "units": units,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            **(_competence(chosen, units[0], request.POST.get("competent_unit", "")) if chosen else {}),
        },
    )


def _competent(procedure: Procedure, receiving: Unit, code: str) -> Unit | None:
    """The competent unit the clerk chose (default: the suggestion), among those the procedure is offered at."""
    options = competence.candidates(procedure)
    if not code:
        return competence.suggest(procedure, receiving)
    return next((u for u in options if u.code == code), None)


def _competence(procedure: Procedure, receiving: Unit, chosen: str = "") -> dict[str, Any]:
    suggested = _competent(procedure, receiving, chosen) or competence.suggest(procedure, receiving)
    return {"competent_units": competence.candidates(procedure), "competent": suggested}


def receive(
    user: Any, data: dict[str, Any], components: list[dict[str, Any]], unit: Any, post: Any, competent: Any = None
) -> Any:
    """Receive through the `receive` command with every scan in the same transaction (a double submit
    of the same form returns the first dossier and attaches nothing twice)."""
    applicant = services.Applicant(
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        phone=data.get("applicant_phone", ""),
        email=data.get("applicant_email", ""),
        address=data.get("applicant_address", ""),
    )
    reused = bool(post.get("reuse_from")) or bool(post.getlist("reuse_doc"))
    reusable = Document.objects.filter(
        pk__in=[int(x) for x in post.getlist("reuse_doc") if x.isdigit()],
        dossier__in=scoping.dossiers_for(user),
        kind="component",
    )
    published = services.published_components(data["procedure"])
    scans: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc in reusable:
        if doc.component not in published or doc.sha256 in seen:
            continue
        seen.add(doc.sha256)
        with doc.file.open("rb") as fh:
            content = fh.read()
        scans.append(
            {
                "upload": services.Upload(doc.filename, content),
                "component": doc.component,
                "digitized": doc.digitized,
                "reused": True,
            }
        )
    for c in components:
        upload = c["upload"]
        if upload is None:
            continue
        upload.seek(0)
        scans.append(
            {
                "upload": services.Upload(upload.name, upload.read()),
                "component": c["code"],
                "digitized": True,
                "reused": reused,
            }
        )
    return services.receive_dossier(
        user,
        procedure=data["procedure"],
        unit=competent or unit,
        receiving_unit=unit if competent is not None and competent != unit else None,
        channel="postal" if post.get("channel") == "postal" else "direct",
        postal_tracking=(post.get("postal_tracking") or "").strip(),
        applicant=applicant,
        idempotency_key=f"counter:{post.get('idempotency_key', '')}" if post.get("idempotency_key") else None,
        scans=scans,
    )


@staff_required
@require_GET
def intake_checklist(request: HttpRequest) -> HttpResponse:
    procedure = Procedure.objects.filter(code=request.GET.get("procedure", ""), active=True).first()
    if procedure is None:
        return HttpResponse("")
    units = _clerk_units(request.user)
    receiving = next((u for u in units if u.code == request.GET.get("unit")), units[0] if units else None)
    context: dict[str, Any] = {"procedure": procedure}
    if receiving is not None:
        context.update(_competence(procedure, receiving))
    return render(request, "backoffice/_checklist.html", context)


@staff_required
@require_GET
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    dossier = scoping.dossier_or_404(request.user, code)
    if kind not in pdf.FORMS:
        return HttpResponse(status=404)
    audit.record(request, f"form:{kind}", dossier)
    data = sign_notice(dossier, kind, pdf.render(kind, dossier))
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
    period = {"received_at__date__gte": start, "received_at__date__lte": end}
    qs = qs.filter(code__in=codes) if codes else qs.filter(**period)
    if unit_code:
        unit = scoping.unit_or_404(request.user, unit_code)
        qs = qs.filter(Q(unit=unit) | Q(receiving_unit=unit))
    else:
        first = qs.first()
        found = (first.receiving_unit or first.unit) if first else access.visible_units(request.user).first()
        if found is None:
            return HttpResponse(_("Không có đơn vị nào trong phạm vi của bạn."), status=404)
        unit = found
    if codes:
        dates = [timezone.localtime(d.received_at).date() for d in qs]  # the selected dossiers' own period
        start, end = (min(dates), max(dates)) if dates else (start, end)
    rows = list(qs)
    audit.record_many(request, "tracking_book", rows, unit=unit.code, start=str(start), end=str(end))
    data = pdf.render_tracking_book(unit, start, end, rows)
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
        # Best first: the typed phrase as one piece, then the shortest (most specific) name.
        found = list(qs[:200])
        found.sort(key=lambda p: (q not in p.name_folded, p.code != q, len(p.name), p.name))
        results = found[:15]
    return render(request, "backoffice/_procedure_results.html", {"results": results, "q": q})


@staff_required
@require_GET
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """Earlier dossiers of the same applicant (within scope), to reuse their data and documents."""
    id_number = request.GET.get("applicant_id_number", "").strip()
    earlier = []
    if len(id_number) >= 9:
        earlier = list(
            scoping.dossiers_for(request.user)
            .filter(applicant_id_number=id_number)
            .prefetch_related("documents")
            .order_by("-received_at")[:10]
        )
        audit.record_many(request, "applicant_lookup", earlier)
    return render(request, "backoffice/_applicant.html", {"earlier": earlier, "id_number": id_number})


@staff_required
@require_GET
def document_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A scan, evidence, notice or result file of a dossier in scope."""
    dossier = scoping.dossier_or_404(request.user, code)
    doc = dossier.documents.filter(pk=pk).first()
    if doc is None:
        raise Http404(_("Không tìm thấy tài liệu."))
    audit.record(request, "document", dossier, document=doc.pk)
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.filename)


def home(request: HttpRequest) -> HttpResponse:
    return redirect("backoffice:worklist")
