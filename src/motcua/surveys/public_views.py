"""SIPAS answered by citizens: the portal page, the counter tablet (kiosk mode) and the printable paper form.

No login. One answer per dossier code (when given) and one per browser session; the kiosk starts a
fresh session after each answer so that the next person at the counter can answer.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import rate_limited
from motcua.surveys import service
from motcua.surveys.models import ResponseChannel
from motcua.surveys.questionnaire import AGREE, SCALE


def _campaign(code: str) -> Any:
    c = service.open_campaign(code)
    if c is None:
        raise Http404("Đợt khảo sát không tồn tại hoặc đã kết thúc.")
    return c


def _elements(definition: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for el in definition["elements"]:
        qs = []
        for q in el["questions"]:
            if q["kind"] == "assessment":
                options = list(AGREE.items())
            elif q["kind"] == "satisfaction":
                options = list(SCALE.items())
            else:
                options = [tuple(o) for o in q["options"]]
            qs.append({**q, "choices": options})
        out.append({"id": el["id"], "name": el["name"], "questions": qs})
    return out


@require_http_methods(["GET", "POST"])
@rate_limited("public-survey")
def answer(request: HttpRequest, code: str, kiosk: bool = False) -> HttpResponse:
    campaign = _campaign(code)
    definition = campaign.questionnaire.definition
    unit_code = request.GET.get("unit") or request.POST.get("unit", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not request.session.session_key:
            request.session.save()
        raw = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "unit", "dossier_code")}
        try:
            service.submit(
                campaign,
                unit_code,
                raw,
                ResponseChannel.KIOSK if kiosk else ResponseChannel.PORTAL,
                dossier_code=request.POST.get("dossier_code", ""),
                session_key=request.session.session_key or "",
            )
        except service.SurveyError as exc:
            errors = exc.fields or {"form": exc.message}
        else:
            if kiosk:
                request.session.flush()  # the next person at the counter starts afresh
            return redirect(f"{request.path.rstrip('/')}/cam-on/?unit={unit_code}")
    return render(
        request,
        "surveys/answer.html",
        {
            "campaign": campaign,
            "elements": _elements(definition),
            "profile": definition.get("profile", []),
            "units": campaign.units.order_by("code"),
            "unit_code": unit_code,
            "errors": errors,
            "values": request.POST if request.method == "POST" else {},
            "kiosk": kiosk,
            "title": campaign.name,
        },
        status=400 if errors else 200,
    )


def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    return answer(request, code, kiosk=True)


def thanks(request: HttpRequest, code: str, kiosk: bool = False) -> HttpResponse:
    campaign = _campaign(code)
    return render(
        request,
        "surveys/thanks.html",
        {"campaign": campaign, "kiosk": kiosk, "unit": request.GET.get("unit", ""), "title": campaign.name},
    )


def kiosk_thanks(request: HttpRequest, code: str) -> HttpResponse:
    return thanks(request, code, kiosk=True)


def paper(request: HttpRequest, code: str) -> HttpResponse:
    """The printable paper form (same questions and ids as the XLSX/CSV import columns)."""
    from motcua.surveys.models import Campaign

    campaign = Campaign.objects.select_related("questionnaire").filter(code=code).first()
    if campaign is None:
        raise Http404
    definition = campaign.questionnaire.definition
    return render(
        request,
        "surveys/paper.html",
        {
            "campaign": campaign,
            "elements": _elements(definition),
            "profile": definition.get("profile", []),
            "title": campaign.name,
        },
    )
