"""NFC at the HTTP edge: query strings and form posts reach views (and Django forms) composed.

A name typed on macOS or pasted from some PDFs arrives decomposed (NFD: "e" + U+0302 + U+0301);
stored as is, it would not match the same name typed elsewhere. JSON bodies of the API are
normalised by the parsers in `core.parsers`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

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
