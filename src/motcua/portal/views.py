from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import rate_limited
from motcua.dossiers.models import Status
from motcua.portal import lookup

# Since 01/07/2025 citizens file online on the National Public Service Portal only (Công văn 623/TTg-KSTT).
NATIONAL_PORTAL = "https://dichvucong.gov.vn/"


def home(request: HttpRequest) -> HttpResponse:
    """Citizens' entry at the province: file online on the national portal (the local simulator in a demo),
    look a dossier up, rate it."""
    from django.conf import settings

    simulated = bool(getattr(settings, "SIMULATORS", False))
    return render(
        request,
        "portal/home.html",
        {"national_portal_url": "/sim/dvcqg/" if simulated else NATIONAL_PORTAL, "simulated": simulated},
    )


def _local(value: str | None) -> Any:
    from datetime import datetime

    return timezone.localtime(datetime.fromisoformat(value)) if value else None


@require_http_methods(["GET", "POST"])
@rate_limited("public-lookup-page")
def lookup_page(request: HttpRequest) -> HttpResponse:
    """/tra-cuu/ (contracts §8.1): the receipt's QR opens it with `?ma=CODE`; the phone is POSTed so it
    stays out of addresses, browser history and access logs."""
    code = (request.POST.get("ma") if request.method == "POST" else request.GET.get("ma")) or ""
    context: dict[str, Any] = {"code": code.strip()[: lookup.MAX_CODE]}
    status = 200
    if request.method == "POST":
        answer = lookup.look_up(lookup.client_address(request), code, request.POST.get("sdt"))
        status = answer.status
        if answer.status == 200:
            body = answer.body
            context["result"] = {
                **body,
                "status_label": Status(body["status"]).label if body["status"] in Status.values else body["status"],
                "received": _local(body["received_at"]),
                "appointment": _local(body["appointment_at"]),
                "finished": _local(body["finished_at"]),
                "returned": _local(body["returned_at"]),
                "step_rows": [
                    {**s, "started": _local(s["started_at"]), "finished": _local(s["finished_at"])}
                    for s in body["steps"]
                ],
            }
        else:
            context["error"] = answer.body["detail"]
            context["field_errors"] = answer.errors
    response = render(request, "portal/lookup.html", context, status=status)
    response["Cache-Control"] = "no-store"  # a shared kiosk must not keep someone's result
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" and the CSRF check fails.
    response["Referrer-Policy"] = "same-origin"
    if request.method == "POST" and status == 429:
        response["Retry-After"] = str(lookup.limiter.retry_after(lookup.client_address(request)))
    return response
