"""The rating tablet at the counter, in kiosk mode (`/danh-gia/`): dossier code + phone, then the
Decree 118 Art. 33 contents with large touch targets; back to the start after each rating.

The code and phone are checked by the public look-up's rule (`portal.lookup.look_up`): the same
identical "not found" answer and the same failure limiter, so the tablet cannot be used to probe codes.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import rate_limited
from motcua.dossiers.models import Dossier
from motcua.portal import lookup
from motcua.ratings import rules, service
from motcua.ratings.models import Rating, RatingChannel

SESSION_KEY = "kiosk_dossier"
SESSION_SECONDS = 300


def _kiosk(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, f"ratings/{template}", context, status=status)
    response["Cache-Control"] = "no-store"  # a shared tablet keeps nothing of the previous citizen
    return response


@require_http_methods(["GET", "POST"])
@rate_limited("public-rating")
def start(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    context: dict[str, Any] = {"code": request.GET.get("ma", "")[: lookup.MAX_CODE]}
    if request.method == "POST":
        code = request.POST.get("ma", "")
        answer = lookup.look_up(lookup.client_address(request), code, request.POST.get("sdt"))
        if answer.status == 200 and answer.dossier_id is not None:
            request.session[SESSION_KEY] = {"id": answer.dossier_id, "until": time.time() + SESSION_SECONDS}
            return redirect("ratings:form")
        context.update(code=code.strip()[: lookup.MAX_CODE], error=answer.body.get("detail"), errors=answer.errors)
        return _kiosk(request, "kiosk_start.html", context, answer.status)
    return _kiosk(request, "kiosk_start.html", context)


def _dossier(request: HttpRequest) -> Dossier | None:
    held = request.session.get(SESSION_KEY)
    if not held or held.get("until", 0) < time.time():
        return None
    return Dossier.objects.select_related("procedure").filter(pk=held.get("id")).first()


@require_http_methods(["GET", "POST"])
@rate_limited("public-rating")
def form(request: HttpRequest) -> HttpResponse:
    d = _dossier(request)
    if d is None:
        return redirect("ratings:start")
    scale = rules.SCALES[rules.DEFAULT_SCALE]
    context: dict[str, Any] = {"d": d, "contents": rules.CONTENTS, "scale": scale}
    if d.status not in service.RATEABLE:
        return _kiosk(
            request,
            "kiosk_done.html",
            {"title": "Hồ sơ chưa có kết quả", "text": "Bạn có thể đánh giá sau khi nhận kết quả. Cảm ơn bạn."},
        )
    if Rating.objects.filter(dossier=d, channel=RatingChannel.KIOSK).exists():
        request.session.pop(SESSION_KEY, None)
        return _kiosk(request, "kiosk_done.html", {"title": "Hồ sơ đã được đánh giá", "text": "Cảm ơn bạn."})
    if request.method == "POST":
        answers = {
            letter: int(raw) for letter in rules.CONTENTS if (raw := request.POST.get(f"muc_{letter}", "")).isdigit()
        }
        try:
            service.record(d, RatingChannel.KIOSK, answers, comment=request.POST.get("y_kien", ""))
        except rules.RatingError:
            context["error"] = "Hãy chọn mức đánh giá cho ít nhất một nội dung."
            return _kiosk(request, "kiosk_form.html", context, 400)
        except service.AlreadyRated:
            pass
        request.session.pop(SESSION_KEY, None)
        return _kiosk(
            request,
            "kiosk_done.html",
            {"title": "Cảm ơn bạn đã đánh giá", "text": "Ý kiến của bạn giúp chúng tôi phục vụ tốt hơn."},
        )
    return _kiosk(request, "kiosk_form.html", context)
