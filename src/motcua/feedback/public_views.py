"""Public pages of the centre: send feedback (phone first), follow and rate it, read published answers."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import rate_limited
from motcua.feedback import commands, inbound
from motcua.feedback.commands import FeedbackError
from motcua.feedback.models import Channel, Feedback, Status, Topic

FIELDS = ("unit", "topic", "title", "content", "name", "kind", "phone", "email", "address")


def _units() -> list[tuple[str, str]]:
    from motcua.organizations.models import Unit

    return list(Unit.objects.filter(active=True).order_by("level", "code").values_list("code", "name"))


@require_http_methods(["GET", "POST"])
@rate_limited("public-feedback")
def send(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {k: request.POST.get(k, "") for k in FIELDS} if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        payload = {
            "unit": values["unit"],
            "topic": values["topic"] or Topic.OTHER,
            "title": values["title"],
            "content": values["content"],
            "submitter": {k: values[k] for k in ("name", "kind", "phone", "email", "address")},
            "attachments": [inbound.Upload(f.name or "tep", f.read()) for f in request.FILES.getlist("attachments")],
        }
        try:
            fb = inbound.receive(payload, channel=Channel.WEB)
        except FeedbackError as exc:
            errors = exc.fields or {"form": exc.message}
        else:
            return redirect("feedback-public:follow", token=fb.rating_token)
    context = {
        "values": values,
        "errors": errors,
        "units": _units(),
        "topics": Topic.choices,
        "title": "Gửi phản ánh, kiến nghị",
    }
    return render(request, "feedback/public_send.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@rate_limited("public-feedback")
def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The submitter's own page (its secret link): status, the published answer, the rating."""
    fb = Feedback.objects.select_related("unit").filter(rating_token=token).first()
    if fb is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            commands.rate(token, int(request.POST.get("rating", "0") or 0))
        except (FeedbackError, ValueError) as exc:
            error = exc.message if isinstance(exc, FeedbackError) else "Chọn mức đánh giá từ 1 đến 5."
        else:
            return redirect("feedback-public:follow", token=token)
    return render(
        request,
        "feedback/public_follow.html",
        {
            "fb": fb,
            "error": error,
            "published": fb.status == Status.PUBLISHED,
            "title": f"Phản ánh {fb.code}",
            "stars": [
                (5, "Rất hài lòng"),
                (4, "Hài lòng"),
                (3, "Bình thường"),
                (2, "Không hài lòng"),
                (1, "Rất không hài lòng"),
            ],
        },
    )


def answers(request: HttpRequest) -> HttpResponse:
    """Published answers, without personal data (only the redacted texts are shown)."""
    qs = Feedback.objects.filter(status=Status.PUBLISHED).select_related("unit").order_by("-published_at", "-id")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(title_public__icontains=q)
    page = Paginator(
        qs.only("code", "title_public", "content_public", "answer_public", "unit__name", "published_at", "received_at"),
        20,
    ).get_page(request.GET.get("page"))
    return render(
        request, "feedback/public_answers.html", {"page": page, "q": q, "title": "Kết quả trả lời phản ánh, kiến nghị"}
    )


def answer(request: HttpRequest, code: str) -> HttpResponse:
    fb = Feedback.objects.select_related("unit").filter(code=code, status=Status.PUBLISHED).first()
    if fb is None:
        raise Http404
    return render(request, "feedback/public_answer.html", {"fb": fb, "title": fb.title_public})
