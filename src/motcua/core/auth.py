"""Login lock-out glue for django-axes: which logins count, who the client is, what a locked-out client sees."""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class ThrottledBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses logins while an account or address is locked out.

    A login without a request (tests, the shell, management commands) comes from someone who
    already runs code on the server: there is nothing to throttle, so it is passed on.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the socket's, or the one the nearest trusted proxy saw (`X-Forwarded-For`)."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def lockout_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return _(
        "Tài khoản hoặc địa chỉ này đã bị tạm khoá đăng nhập do nhập sai mật khẩu quá %(limit)d lần. "
        "Vui lòng thử lại sau %(minutes)d phút hoặc liên hệ quản trị viên."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """429 with a Vietnamese message: JSON for the API, the login page (with the message) otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "login_locked_out"}, status=429)
    context = {"locked_out": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "backoffice/login.html", context, status=429)
