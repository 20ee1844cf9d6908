"""Public verification of signed documents (no login): `/xac-thuc/` (upload a PDF) and
`/xac-thuc/<token>/` (the QR link printed in a document's signature stamp)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.core.ratelimit import rate_limited
from motcua.signing.models import SignedDocument
from motcua.signing.verify import verify_pdf

KIND_LABELS = {
    "result": "Kết quả giải quyết thủ tục hành chính",
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refusal": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "apology": "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
    "stop": "Thông báo dừng giải quyết hồ sơ",
    "e_receipt": "Biên lai thu phí, lệ phí điện tử",
}


def _checked_upload(request: HttpRequest) -> tuple[bytes | None, str]:
    upload = request.FILES.get("tep")
    if upload is None:
        return None, _("Chọn tệp PDF cần kiểm tra.")
    if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
        return None, _("Tệp vượt quá dung lượng cho phép (%(n)s MB).") % {"n": settings.MAX_UPLOAD_BYTES // 1048576}
    return upload.read(), ""


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("kind_labels", KIND_LABELS)
    return render(request, "signing/verify.html", context, status=status)


# No CSRF token: the page changes nothing and uses no session, so scripts and other systems may post too.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("public-verify")
def verify_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        data, error = _checked_upload(request)
        if data is None:
            context["error"], status = error, 400
        else:
            verdict = verify_pdf(data)
            context["verdict"] = verdict
            if verdict.issued is not None:
                context["issued_label"] = KIND_LABELS.get(verdict.issued.kind, verdict.issued.kind)
    return _page(request, context, status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("public-verify")
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    issued = get_object_or_404(SignedDocument.objects.select_related("unit"), token=token)
    context: dict[str, Any] = {"issued": issued, "issued_label": KIND_LABELS.get(issued.kind, issued.kind)}
    status = 200
    if request.method == "POST":
        data, error = _checked_upload(request)
        if data is None:
            context["error"], status = error, 400
        else:
            verdict = verify_pdf(data)
            context["verdict"] = verdict
            context["same_as_issued"] = verdict.sha256 == issued.sha256
    return _page(request, context, status)
