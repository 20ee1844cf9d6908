"""NFC at the HTTP edge: query strings and form posts reach views (and Django forms) composed.

A name typed on macOS or pasted from some PDFs arrives decomposed (NFD: "e" + U+0302 + U+0301);
stored as is, it would not match the same name typed elsewhere. JSON bodies of the API are
normalised by the parsers in `core.parsers`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict

from motcua.core.text import nfc

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nfc_querydict(data: QueryDict) -> QueryDict:
    """An immutable copy of `data` with keys and values in NFC (the same object when nothing changes)."""
    items = [(key, data.getlist(key)) for key in data]
    if all(nfc(k) == k and all(not isinstance(v, str) or nfc(v) == v for v in vs) for k, vs in items):
        return data
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in items:
        copy.setlist(nfc(key), [nfc(v) if isinstance(v, str) else v for v in values])
    copy._mutable = False
    return copy


class NFCMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = nfc_querydict(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = nfc_querydict(request.POST)  # type: ignore[assignment]
            for _, uploads in request.FILES.lists():
                for upload in uploads:
                    if upload.name:
                        upload.name = nfc(upload.name)
        return self.get_response(request)


class RequestSizeMiddleware:
    """413 for a body declared larger than `MAX_REQUEST_BYTES` (`MOTCUA_MAX_REQUEST_MB`), before it is read.

    Django caps form fields (`DATA_UPLOAD_MAX_MEMORY_SIZE`) and the upload views cap each file; this caps
    the whole request, so a client cannot make a worker stream gigabytes to temporary files first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            limit_mb = settings.MAX_REQUEST_BYTES // (1024 * 1024)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "too_large", "detail": f"Request body larger than {limit_mb} MiB."}, status=413
                )
            return HttpResponse(
                f"Dữ liệu gửi lên quá lớn (tối đa {limit_mb} MB).".encode(),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
