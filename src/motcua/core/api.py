"""What every REST endpoint shares: the error body, the page size, the authentication answer.

One error shape for the whole API (`Error`: `code`, `detail`, optional `fields`), whether the
refusal comes from a dossier command or from DRF itself (missing credentials, unknown page,
malformed JSON), so a client handles errors in one place and the OpenAPI document can promise it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Error(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="A stable machine-readable reason, e.g. `invalid_input`, `not_found`.")
    detail = serializers.CharField(help_text="A human-readable message (Vietnamese for rule refusals).")
    fields = serializers.DictField(  # type: ignore[assignment]  # a declared field, not Serializer.fields
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages of an `invalid_input` error.",
    )


class Pagination(PageNumberPagination):
    """Every list endpoint pages: 50 rows by default, `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def _messages(value: Any) -> list[str]:
    """DRF error details (strings, lists, nested dicts) flattened to a list of strings."""
    if isinstance(value, dict):
        return [m for key, v in value.items() for m in (f"{key}: {x}" for x in _messages(v))]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _messages(v)]
    return [str(value)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the body rewritten to the `Error` shape (headers such as WWW-Authenticate kept)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body: dict[str, Any] = {"code": "invalid_input"}
        if isinstance(exc.detail, dict):
            body["fields"] = {str(k): _messages(v) for k, v in exc.detail.items()}
            first_key, first = next(iter(body["fields"].items()), ("", [""]))
            body["detail"] = f"{first_key}: {first[0]}" if first_key not in ("", "non_field_errors") else first[0]
        else:
            body["detail"] = " ".join(_messages(exc.detail))
    elif isinstance(exc, exceptions.APIException):
        code = getattr(exc.detail, "code", None) or exc.default_code
        body = {"code": str(code), "detail": " ".join(_messages(exc.detail))}
    else:  # pragma: no cover - DRF answers only APIException (Http404 and PermissionDenied are converted above)
        return response
    response.data = body
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 404 (no URL matched, e.g. `/api/v1/officials/x.y/`): the `Error` body under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return page_not_found(request, exception or Http404())
