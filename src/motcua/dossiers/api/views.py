"""The dossier REST API, derived from the command table: one POST endpoint per command.

Reads are scoped like every other screen; each write calls `commands.execute` with the command's
own schema, so the API accepts exactly what the back office accepts, and its OpenAPI entries
(request body, errors) come from the same declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import FileField
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.dossiers import commands
from motcua.dossiers.api import serializers as ser
from motcua.dossiers.commands import COMMANDS, Command, DossierError
from motcua.dossiers.commands.schemas import Error
from motcua.dossiers.models import Dossier
from motcua.dossiers.visibility import visible_dossiers

ERRORS = {
    400: OpenApiResponse(Error, description="Invalid input or a rule refused it (`code` says which)."),
    401: OpenApiResponse(Error, description="No credentials."),
    403: OpenApiResponse(Error, description="The caller's role does not allow this command here."),
    404: OpenApiResponse(Error, description="No such dossier within the caller's scope."),
    409: OpenApiResponse(Error, description="The dossier changed (`stale_version`) or its state forbids this."),
}
INTAKE_ERRORS = {code: response for code, response in ERRORS.items() if code in (400, 401, 403)}


def error_response(exc: Exception) -> Response:
    if isinstance(exc, DossierError):
        body: dict[str, Any] = {"code": exc.code, "detail": " ".join(exc.messages)}
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST)
    return Response({"code": "forbidden", "detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)


def _respond(result: Any, created: bool = False) -> Response:
    dossier = result if isinstance(result, Dossier) else getattr(result, "dossier", None)
    assert dossier is not None
    if not created:
        dossier = Dossier.objects.select_related("procedure", "unit", "receiving_unit", "parent").get(pk=dossier.pk)
    # A new dossier is answered from the object the intake wrote (with its procedure and units
    # attached): one statement fewer per intake; tests check the 201 body equals a later read.
    return Response(
        ser.DossierSerializer(dossier).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


def _input(request: Request) -> Mapping[str, Any]:
    """The body as a command's input; `execute` itself refuses a body that is not an object (400)."""
    return cast(Mapping[str, Any], request.data)


def _request_body(schema: type[Any]) -> Any:
    multipart = any(isinstance(f, FileField) for f in schema().fields.values())
    return {"multipart/form-data": schema} if multipart else schema


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Dossier]):
    """Dossiers: read (scoped by unit) and every command of the table as a POST on `/dossiers/{code}/<command>/`."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ser.DossierSerializer

    def get_queryset(self) -> QuerySet[Dossier]:
        qs = visible_dossiers(self.request.user)
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("unit"):
            qs = qs.filter(unit__code=params["unit"])
        return qs.order_by("-received_at", "-id")

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return ser.DossierDetailSerializer
        return ser.DossierSerializer

    # Reads of applicant data are recorded (who, what, when, from where: backoffice.audit); the
    # trail lives with the back office, hence the import inside.
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from motcua.backoffice import audit

        dossier = self.get_object()
        audit.record(request, "api:dossier", dossier)
        return Response(self.get_serializer(dossier).data)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page:
            from motcua.backoffice import audit

            audit.record_many(self.request, "api:dossier_list", page)
        return page

    def _create(self, name: str, request: Request, **extra: Any) -> Response:
        try:
            result = commands.execute(name, request.user, data=_input(request), extra=extra)
        except (DossierError, PermissionDenied) as exc:
            return error_response(exc)
        return _respond(result, created=True)

    @extend_schema(
        request=COMMANDS["receive"].schema,
        responses={201: ser.DossierSerializer, **INTAKE_ERRORS},
        summary=COMMANDS["receive"].summary,
        operation_id="dossiers_receive",
    )
    def create(self, request: Request) -> Response:
        """Receive a paper dossier at the counter (direct or postal)."""
        return self._create("receive", request)

    @extend_schema(
        request=COMMANDS["submit_online"].schema,
        responses={201: ser.DossierSerializer, **INTAKE_ERRORS},
        summary=COMMANDS["submit_online"].summary,
        operation_id="dossiers_submit_online",
    )
    @action(detail=False, methods=["post"], url_path="online")
    def submit_online(self, request: Request) -> Response:
        """File a dossier online as the signed-in applicant (status `submitted`)."""
        return self._create("submit_online", request, applicant_user=request.user)

    @extend_schema(
        request=COMMANDS["receive_linked"].schema,
        responses={201: ser.DossierSerializer, **INTAKE_ERRORS},
        summary=COMMANDS["receive_linked"].summary,
        operation_id="dossiers_receive_linked",
    )
    @action(detail=False, methods=["post"], url_path="linked")
    def receive_linked(self, request: Request) -> Response:
        """Receive a liên thông group: the lead dossier and one sub-dossier per participating unit."""
        return self._create("receive_linked", request)

    @extend_schema(
        request=COMMANDS["refuse_new"].schema,
        responses={201: ser.DossierSerializer, **INTAKE_ERRORS},
        summary=COMMANDS["refuse_new"].summary,
        operation_id="dossiers_refuse_new",
    )
    @action(detail=False, methods=["post"], url_path="refuse-new")
    def refuse_new(self, request: Request) -> Response:
        """Refuse a counter visit at intake; the refusal is recorded as a dossier (status `refused`)."""
        return self._create("refuse_new", request)


def _endpoint(command: Command) -> Any:
    def handler(self: DossierViewSet, request: Request, code: str | None = None) -> Response:
        try:
            dossier = self.get_object()
        except Http404:
            return Response({"code": "not_found", "detail": "Không tìm thấy hồ sơ."}, status=status.HTTP_404_NOT_FOUND)
        try:
            result = commands.execute(command.name, request.user, dossier, _input(request))
        except (DossierError, PermissionDenied) as exc:
            return error_response(exc)
        return _respond(result)

    name = command.slug.replace("-", "_")
    handler.__name__ = name
    handler.__doc__ = command.summary
    # `action` replaces the function's `kwargs`, where `extend_schema` keeps its override: schema last.
    routed = action(detail=True, methods=["post"], url_path=command.slug, url_name=command.slug)(handler)
    return extend_schema(
        request=_request_body(command.schema),
        responses={200: ser.DossierSerializer, **ERRORS},
        summary=command.summary,
        operation_id=f"dossiers_{name}",
    )(routed)


for _command in COMMANDS.values():
    if not _command.creates:
        setattr(DossierViewSet, _command.slug.replace("-", "_"), _endpoint(_command))
