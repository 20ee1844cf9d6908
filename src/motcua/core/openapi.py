"""The OpenAPI generator, told the errors every endpoint can answer (the `Error` body of `core.api`).

drf-spectacular documents only the success response unless a view says more; the answers that
DRF gives before a view runs (401 without or with bad credentials, 404 for an unknown object or
page, 400 for a malformed body, 415 for a body of another media type) are added here once, so the document is truthful for every
endpoint and a view declares only its own refusals.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions

from motcua.core.api import Error

UNAUTHENTICATED = "No credentials, or invalid ones (`WWW-Authenticate` names the scheme)."
BAD_CREDENTIALS = "Credentials were sent but are not valid (anonymous access needs none)."
FORBIDDEN = "The caller's role does not allow this here."
NOT_FOUND = "No such object within the caller's scope, or no such page of a list."
INVALID = "The request body is not valid (`fields` says where)."
UNSUPPORTED = "The body's media type is not one of those documented for this operation (or is missing)."


class AutoSchema(SpectacularAutoSchema):
    def _public(self) -> bool:
        return any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _default_errors(self) -> dict[str, str]:
        errors = {"401": BAD_CREDENTIALS if self._public() else UNAUTHENTICATED}
        if not self._public():
            errors["403"] = FORBIDDEN
        paginated = self._is_list_view() and self._get_paginator() is not None  # type: ignore[no-untyped-call]
        if "{" in self.path or paginated:
            errors["404"] = NOT_FOUND
        if self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = INVALID
            errors["415"] = UNSUPPORTED
        return errors

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in self._default_errors().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    OpenApiResponse(Error, description=description), code, direction=direction
                )
        if "401" in responses:
            responses["401"].setdefault("headers", {})["WWW-Authenticate"] = {
                "schema": {"type": "string"},
                "description": "The authentication scheme to use (`Token`).",
            }
        return dict(sorted(responses.items()))
