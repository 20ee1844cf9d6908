"""GET /api/v1/public/lookup (contracts §8.1): no login, no session, nothing written."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.ratelimit import rate_limited
from motcua.portal import lookup


class PublicRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()


class PublicStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    unit = serializers.CharField(help_text="name of the unit that handles the step")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class PublicDossierSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    procedure = PublicRefSerializer()
    unit = PublicRefSerializer()
    status = serializers.CharField(help_text="dossier status code, e.g. processing, returned")
    received_at = serializers.DateTimeField(allow_null=True)
    appointment_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    steps = PublicStepSerializer(many=True)


_Error = inline_serializer(
    "PublicLookupError",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.CharField(), required=False),
    },
)


class PublicLookupView(APIView):
    authentication_classes: list[Any] = []  # public: no session, so no CSRF and no user
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]  # one byte-identical JSON body per answer, whatever the Accept header

    @extend_schema(
        operation_id="public_lookup",
        summary="Public status look-up by dossier code and the applicant's phone",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, required=True, description="dossier code"),
            OpenApiParameter(
                "phone",
                OpenApiTypes.STR,
                required=True,
                description="the applicant's phone; spaces, dots and a +84 or 84 prefix are accepted",
            ),
        ],
        responses={
            200: PublicDossierSerializer,
            400: OpenApiResponse(_Error, description="missing or malformed code or phone"),
            404: OpenApiResponse(_Error, description="unknown code or wrong phone (one and the same body)"),
            429: OpenApiResponse(_Error, description="too many failed look-ups from this address; see Retry-After"),
        },
        tags=["public"],
    )
    @rate_limited("public-lookup-api", methods=("GET",))
    def get(self, request: Request) -> Response:
        answer = lookup.look_up(
            lookup.client_address(request._request), request.query_params.get("code"), request.query_params.get("phone")
        )
        response = Response(answer.body, status=answer.status)
        if answer.retry_after:
            response["Retry-After"] = str(answer.retry_after)
        return response
