"""Back-office screens of population data: the intake prefill (htmx fragment), the list of dossiers
not yet verified, and the re-verify action. Every look-up goes to the personal-data read trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import scoping
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.population import adapters, checks
from motcua.population.models import IdentityCheck, Outcome

LOGIN = "backoffice:login"
NEEDS_ATTENTION = (Outcome.UNAVAILABLE, Outcome.MISMATCH, Outcome.NOT_FOUND)


def _may_receive(user: Any) -> bool:
    return access.units_where(user, Action.RECEIVE).exists()


@login_required(login_url=LOGIN)
@require_GET
def prefill(request: HttpRequest) -> HttpResponse:
    """The intake's "Tra cứu CSDL dân cư" button: the citizen's data, or why there is none."""
    if not _may_receive(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Một cửa được tra cứu dữ liệu dân cư."))
    id_number = request.GET.get("applicant_id_number", "").strip()
    context: dict[str, Any] = {"id_number": id_number}
    if not adapters.PERSONAL_ID.match(id_number):
        context["error"] = _("Số định danh cá nhân gồm đúng 12 chữ số (in trên thẻ căn cước).")
    else:
        result = checks.look_up(request.user, id_number, checks.PURPOSE_PREFILL)
        if result.outcome == adapters.FOUND:
            context["citizen"] = result.citizen
        elif result.outcome == adapters.NOT_FOUND:
            context["error"] = checks.not_found_message(id_number)
        elif result.outcome == adapters.NOT_APPLICABLE:
            context["error"] = _("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư (MOTCUA_POPULATION_PROVIDER=off).")
        else:
            context["warning"] = checks.unavailable_message()
    return render(request, "population/_prefill.html", context)


@login_required(login_url=LOGIN)
@require_GET
def unverified(request: HttpRequest) -> HttpResponse:
    latest = IdentityCheck.objects.filter(dossier=OuterRef("pk")).order_by("-checked_at", "-pk")
    dossiers = (
        scoping.dossiers_for(request.user)
        .annotate(
            identity=Subquery(latest.values("outcome")[:1]), identity_at=Subquery(latest.values("checked_at")[:1])
        )
        .filter(identity__in=NEEDS_ATTENTION)
        .select_related("procedure")
        .order_by("-received_at")[:200]
    )
    rows = [{"d": d, "label": Outcome(d.identity).label} for d in dossiers]
    return render(request, "population/unverified.html", {"rows": rows, "nav": "unverified"})


@login_required(login_url=LOGIN)
@require_POST
def reverify(request: HttpRequest, code: str) -> HttpResponse:
    dossier = scoping.dossier_or_404(request.user, code)
    if not access.can(request.user, Action.RECEIVE, dossier.receiving_unit or dossier.unit):
        raise PermissionDenied(_("Chỉ cán bộ Một cửa của đơn vị tiếp nhận được xác thực lại."))
    check = checks.reverify(request.user, dossier)
    text = Outcome(check.outcome).label
    if check.outcome == Outcome.VERIFIED:
        messages.success(request, _("Hồ sơ %(code)s: %(r)s.") % {"code": code, "r": text})
    else:
        messages.error(request, _("Hồ sơ %(code)s: %(r)s.") % {"code": code, "r": text})
    return redirect(request.POST.get("next") or "population:unverified")
