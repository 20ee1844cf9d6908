"""`/backoffice/dong-bo/`: the province's sync control room (province administrators and inspectors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from motcua.dossiers.models import Dossier
from motcua.nationalportal import sync_status
from motcua.organizations import access
from motcua.organizations.access import Action

FILTERS = ("all", "held", "pending", "failed", "acknowledged", "overdue_national")


def _require_view(request: HttpRequest) -> None:
    if not access.is_province_wide(request.user):
        raise PermissionDenied("Chỉ cán bộ cấp tỉnh xem được tình trạng đồng bộ với Cổng DVC quốc gia.")


@login_required(login_url="backoffice:login")
def control_room(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    show = request.GET.get("loc", "all")
    show = show if show in FILTERS else "all"
    items = sync_status.collect()
    units = sync_status.by_unit(items)
    if show == "overdue_national":
        listed = [i for i in items if i.overdue_only_national]
    elif show != "all":
        listed = [i for i in items if i.state == show]
    else:
        listed = items
    return render(
        request,
        "nationalportal/control_room.html",
        {
            "nav": "sync",
            "units": units,
            "items": listed[:500],
            "show": show,
            "can_resend": access.can(request.user, Action.MANAGE_SYNC),
            "overdue_national": [i for i in items if i.overdue_only_national],
        },
    )


@require_POST
@login_required(login_url="backoffice:login")
def resend(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can(request.user, Action.MANAGE_SYNC):
        raise PermissionDenied("Bạn không có quyền gửi lại tin đồng bộ.")
    d = get_object_or_404(Dossier, code=code)
    n = sync_status.resend(d)
    messages.success(request, f"Đã đưa {n} tin của hồ sơ {code} vào hàng đợi gửi lại Cổng DVC quốc gia.")
    return redirect("nationalportal_control:room")
