"""The simulator's pages (only when `config.payment_simulator()`): VNPAY's payment page where a tester
approves or declines, the tester's console (replay, delay, forge), and the merchant API endpoint."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua import config
from motcua.payments import receipts, simulator
from motcua.payments.models import GatewayTxn


def _on(view: Any) -> Any:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not config.payment_simulator():
            raise Http404
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_on
@never_cache
def pay(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in request.GET}
    try:
        txn = simulator.open_from_url(params)
    except simulator.SimulatorError as exc:
        return render(request, "payments/sim_pay.html", {"error": str(exc)}, status=400)
    return render(request, "payments/sim_pay.html", {"t": txn, "amount": receipts.vnd(txn.amount)})


@_on
@require_POST
def act(request: HttpRequest, txn_ref: str) -> HttpResponse:
    """approve / decline (then IPN now, delayed, or not at all, and the browser return), or a console action."""
    txn = get_object_or_404(GatewayTxn, txn_ref=txn_ref)
    action = request.POST.get("action", "")
    if action in ("approve", "decline"):
        simulator.decide(txn, action == "approve", at=timezone.now())
        ipn = request.POST.get("ipn", "now")
        if ipn == "now":
            simulator.send_ipn(txn, note="first")
        elif ipn == "delay":
            simulator.delay(txn, int(request.POST.get("seconds") or 60))
        return HttpResponseRedirect(simulator.return_url(txn))
    if action == "replay":
        simulator.send_ipn(txn, note="replay")
    elif action == "forge":
        simulator.send_ipn(txn, simulator.forged(txn), note="forged signature")
    elif action == "wrong_amount":
        simulator.send_ipn(txn, simulator.wrong_amount(txn), note="wrong amount")
    elif action == "deliver":
        simulator.deliver_due(timezone.now() + timedelta(days=3650))
    return redirect("payments_sim:console")


@_on
@never_cache
def console(request: HttpRequest) -> HttpResponse:
    rows = GatewayTxn.objects.order_by("-created_at")[:100]
    return render(request, "payments/sim_console.html", {"rows": rows})


@_on
@csrf_exempt
@require_POST
def api(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JsonResponse({"vnp_ResponseCode": "99", "vnp_Message": "Invalid request"})
    return JsonResponse(simulator.api(body))
