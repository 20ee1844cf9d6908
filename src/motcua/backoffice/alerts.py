"""The official's "Thông báo" page: deadline warnings and breaches raised by the periodic job
(`dossiers.alerts`), newest first, with mark-as-read. Each official sees only their own alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.models import DutyKind
from motcua.notifications.models import StaffAlert

LOGIN = "backoffice:login"


def unread_count(user: object) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return StaffAlert.objects.filter(recipient_id=getattr(user, "pk", None), read_at__isnull=True).count()


@login_required(login_url=LOGIN)
def alert_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = StaffAlert.objects.filter(recipient_id=request.user.pk).select_related("dossier", "dossier__procedure")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    labels = dict(DutyKind.choices)
    return render(
        request,
        "backoffice/alerts.html",
        {
            "nav": "alerts",
            "page": page,
            "rows": [{"a": a, "topic": labels.get(a.topic, a.topic)} for a in page],
            "unread_only": unread_only,
            "unread": unread_count(request.user),
        },
    )


@login_required(login_url=LOGIN)
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one alert (`id`) or all of the official's alerts (`all=1`) as read; others' alerts are untouchable."""
    mine = StaffAlert.objects.filter(recipient_id=request.user.pk, read_at__isnull=True)
    if request.POST.get("all") == "1":
        n = mine.update(read_at=timezone.now())
        messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": n})
    else:
        raw = request.POST.get("id", "")
        found = (
            StaffAlert.objects.filter(recipient_id=request.user.pk, pk=int(raw))
            if raw.isdigit() and len(raw) < 19
            else None
        )
        if found is None or not found.exists():
            messages.error(request, _("Không tìm thấy thông báo."))
        else:
            found.filter(read_at__isnull=True).update(read_at=timezone.now())
    target = reverse("backoffice:alerts")
    return redirect(target + "?unread=1" if request.POST.get("unread") == "1" else target)
