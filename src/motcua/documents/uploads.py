"""Upload limits enforced while the request body is read, never after it has been stored.

- `RequestSizeLimitMiddleware` (first in MIDDLEWARE, before anything touches `request.POST`)
  answers 413 at once when the declared Content-Length exceeds `MAX_REQUEST_BYTES`
  (`MOTCUA_MAX_REQUEST_MB`): nothing of the body is read. A multipart body without a length
  (chunked) gets 411 (Django would not read it). For multipart bodies it then parses the form
  itself, so that a refusal by the handler below also becomes a 413.
- `LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) sees every chunk before Django's memory /
  temporary-file handlers and stops the upload as soon as one file passes `MAX_UPLOAD_BYTES` or
  the files together pass `MAX_REQUEST_BYTES` (bodies without a Content-Length, e.g. chunked).
- Files up to FILE_UPLOAD_MAX_MEMORY_SIZE stay in memory; larger ones stream to a temporary file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class UploadTooLarge(RequestDataTooBig):
    """A file or the whole request passed its limit while being read."""


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.file_bytes = 0
        self.total_bytes = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > settings.MAX_UPLOAD_BYTES or self.total_bytes > settings.MAX_REQUEST_BYTES:
            raise UploadTooLarge("upload over the size limit")
        return raw_data  # on to the next handler (memory or temporary file)

    def file_complete(self, file_size: int) -> None:
        return None


def _too_large(request: HttpRequest) -> HttpResponse:
    mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    total = settings.MAX_REQUEST_BYTES // (1024 * 1024)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": f"Request too large: at most {mb} MiB per file and {total} MiB per request.",
                "code": "too_large",
            },
            status=413,
        )
    message = _("Tệp tải lên quá lớn: tối đa %(mb)s MB mỗi tệp, %(total)s MB mỗi lần gửi.") % {
        "mb": mb,
        "total": total,
    }
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return _too_large(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            if declared <= 0:  # Django reads no multipart body without a length (e.g. chunked): say so
                return JsonResponse(
                    {"detail": "A file upload needs a Content-Length.", "code": "length_required"}, status=411
                )
            try:
                request.FILES  # noqa: B018  (parse now: the handler's refusal becomes a 413 here)
            except UploadTooLarge:
                return _too_large(request)
        return self.get_response(request)
