"""Back-office SIPAS screens: campaigns, results (indices with n and margin of error, charts), exports, paper import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from motcua.analytics import charts
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.surveys import exports, service
from motcua.surveys.indices import campaign_indices
from motcua.surveys.models import Campaign


def _visible(user: Any) -> Any:
    ids = access.unit_ids_for(user)
    qs = Campaign.objects.select_related("questionnaire")
    return qs if ids is None else qs.filter(units__id__in=ids).distinct()


def _get(user: Any, code: str) -> Campaign:
    c: Campaign | None = _visible(user).filter(code=code).first()
    if c is None:
        raise Http404(code)
    return c


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/campaigns.html",
        {"campaigns": _visible(request.user), "nav": "surveys", "title": "Khảo sát SIPAS"},
    )


def _chart(doc: dict[str, Any]) -> str:
    labels = [e["id"] for e in doc["elements"]] + ["SIPAS"]
    values = [round((e["index"] or 0) * 100) for e in doc["elements"]] + [round((doc["overall"]["index"] or 0) * 100)]
    return charts.bar_chart(labels, {"Chỉ số hài lòng (%)": values}, "Chỉ số hài lòng theo yếu tố (%)")


@login_required
def results(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _get(request.user, code)
    doc = campaign_indices(campaign)
    unit_chart = charts.bar_chart(
        [u["unit"] for u in doc["units"]],
        {"Chỉ số chung (%)": [round((u["overall"]["index"] or 0) * 100) for u in doc["units"]]},
        "Chỉ số hài lòng chung theo đơn vị (%)",
    )
    return render(
        request,
        "surveys/results.html",
        {
            "campaign": campaign,
            "doc": doc,
            "chart": mark_safe(_chart(doc)),
            "unit_chart": mark_safe(unit_chart),
            "can_import": access.unit_ids_where(request.user, Action.MANAGE_SURVEYS) != set(),
            "nav": "surveys",
            "title": campaign.name,
        },
    )


@login_required
def export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    campaign = _get(request.user, code)
    doc = campaign_indices(campaign)
    if fmt == "xlsx":
        data = exports.to_xlsx(campaign, doc)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        data = exports.to_pdf(campaign, doc, _chart(doc))
        ctype = "application/pdf"
    else:
        raise Http404(fmt)
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="sipas-{campaign.code}.{fmt}"'
    return response


@login_required
def import_paper(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _get(request.user, code)
    allowed = access.unit_ids_where(request.user, Action.MANAGE_SURVEYS)
    unit_ids = set(campaign.units.values_list("id", flat=True))
    if allowed is not None and not unit_ids & allowed:
        raise PermissionDenied("Bạn không có quyền nhập phiếu khảo sát của đợt này.")
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Chọn tệp XLSX hoặc CSV.")
        else:
            result = service.import_paper(
                campaign, upload.name or "", upload.read(), dry_run=bool(request.POST.get("dry_run"))
            )
            if not result.errors and not result.dry_run:
                messages.success(request, f"Đã nhập {result.imported} phiếu.")
                return redirect("surveys:results", code=campaign.code)
    return render(
        request,
        "surveys/import.html",
        {
            "campaign": campaign,
            "result": result,
            "header": service.template_header(campaign),
            "nav": "surveys",
            "title": campaign.name,
        },
        status=400 if result and result.errors else 200,
    )
