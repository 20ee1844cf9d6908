"""`/sim/dvcqg/dieu-khien/`: the simulator's control page (demo and tests): switch the receiver off and on,
see what the national side received."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.portalsim.models import ProvinceMessage, ReceiverSwitch


@require_http_methods(["GET", "POST"])
def control(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ReceiverSwitch.set(request.POST.get("online") == "1")
        return redirect("portalsim:control")
    context = {
        "online": ReceiverSwitch.is_online(),
        "received": ProvinceMessage.objects.order_by("-received_at", "-id")[:50],
        "total": ProvinceMessage.objects.count(),
    }
    return render(request, "portalsim/control.html", context)
