"""The personal-data read trail for inspectors (/backoffice/reads/): who read which citizen's data,
what, when and from where (`backoffice.audit`). Province-wide roles only; the page itself reads no
citizen data beyond dossier codes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.backoffice.models import PersonalDataRead
from motcua.organizations import access
from motcua.organizations.models import Role

REVIEWERS = (Role.INSPECTOR, Role.PROVINCE_ADMIN)


def may_review(user: object) -> bool:
    return access.has_staff_role(user, *REVIEWERS)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required(login_url="/backoffice/login/")
def read_trail(request: HttpRequest) -> HttpResponse:
    if not may_review(request.user):
        raise PermissionDenied(_("Chỉ thanh tra và quản trị cấp tỉnh được xem nhật ký truy cập dữ liệu cá nhân."))
    qs = PersonalDataRead.objects.select_related("user", "dossier").order_by("-at", "-id")
    filters = {k: request.GET.get(k, "").strip() for k in ("user", "dossier", "what", "address", "from", "to")}
    if filters["user"]:
        qs = qs.filter(user__username=filters["user"])
    if filters["dossier"]:
        qs = qs.filter(dossier__code=filters["dossier"])
    if filters["what"]:
        qs = qs.filter(what__startswith=filters["what"])
    if filters["address"]:
        qs = qs.filter(address=filters["address"])
    tz = timezone.get_current_timezone()
    if start := _day(filters["from"]):
        qs = qs.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min), tz))
    if end := _day(filters["to"]):
        qs = qs.filter(at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "backoffice/reads.html", {"nav": "reads", "page": page, "filters": filters, "query": query})
