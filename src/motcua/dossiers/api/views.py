"""The dossier REST API: thin views over `motcua.dossiers.services`, scoped by unit like the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.fields import FileField
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.catalog.models import LinkedGroup, Procedure
from motcua.dossiers import services
from motcua.dossiers.api import serializers as ser
from motcua.dossiers.models import Dossier
from motcua.organizations import access
from motcua.organizations.models import Unit


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers the user may read: those of units they serve (or all, province-wide), plus their own filings."""
    qs = Dossier.objects.select_related("procedure", "unit", "receiving_unit", "parent")
    ids = access.unit_ids_for(user)
    if ids is None:
        return qs
    return qs.filter(Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids) | Q(applicant_user_id=user.pk))


def _upload(f: Any) -> services.Upload | None:
    if f is None:
        return None
    return services.Upload(name=f.name, data=f.read())


def _file(f: Any) -> services.Upload:
    return services.Upload(name=f.name, data=f.read())


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(f"Không có đơn vị {code}.")
    return unit


def _procedure(code: str) -> Procedure:
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise NotFound(f"Không có thủ tục {code}.")
    return procedure


def _user(pk: int | None) -> Any:
    if pk is None:
        return None
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise NotFound(f"Không có cán bộ #{pk}.")
    return user


def _applicant(data: dict[str, Any]) -> services.Applicant:
    return services.Applicant(
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        address=data["applicant_address"],
    )


def _error(exc: services.DossierError) -> Response:
    return Response({"code": exc.code, "detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


ERRORS = {400: ser.ErrorResponse, 403: ser.ErrorResponse, 404: ser.ErrorResponse}


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Dossier]):
    """Dossiers: read (scoped by unit) and every lifecycle operation as a POST on `/dossiers/{code}/<action>/`."""

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

    def _run(self, call: Callable[[], Any], dossier: Dossier | None = None, created: bool = False) -> Response:
        try:
            result = call()
        except services.DossierError as exc:
            return _error(exc)
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc)) from exc
        target = result if isinstance(result, Dossier) else dossier
        assert target is not None
        target = Dossier.objects.select_related("procedure", "unit", "receiving_unit", "parent").get(pk=target.pk)
        return Response(
            ser.DossierSerializer(target).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _data(self, serializer_class: type[Any]) -> dict[str, Any]:
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    # ---- intake ----

    @extend_schema(request=ser.ReceiveRequest, responses={201: ser.DossierSerializer, **ERRORS})
    def create(self, request: Request) -> Response:
        """Receive a paper dossier at the counter (direct or postal)."""
        data = self._data(ser.ReceiveRequest)
        receiving = _unit(data["receiving_unit"]) if data["receiving_unit"] else None
        return self._run(
            lambda: services.receive_dossier(
                request.user,
                procedure=_procedure(data["procedure"]),
                unit=_unit(data["unit"]),
                receiving_unit=receiving,
                channel=data["channel"],
                applicant=_applicant(data),
                idempotency_key=data["idempotency_key"] or None,
            ),
            created=True,
        )

    @extend_schema(request=ser.SubmitOnlineRequest, responses={201: ser.DossierSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="online")
    def submit_online(self, request: Request) -> Response:
        """File a dossier online as the signed-in applicant (status `submitted`)."""
        data = self._data(ser.SubmitOnlineRequest)
        return self._run(
            lambda: services.submit_online(
                procedure=_procedure(data["procedure"]),
                unit=_unit(data["unit"]),
                applicant=_applicant(data),
                applicant_user=request.user,
                idempotency_key=data["idempotency_key"] or None,
            ),
            created=True,
        )

    @extend_schema(request=ser.ReceiveLinkedRequest, responses={201: ser.DossierSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="linked")
    def receive_linked(self, request: Request) -> Response:
        """Receive a liên thông group: the lead dossier and one sub-dossier per participating unit."""
        data = self._data(ser.ReceiveLinkedRequest)
        group = get_object_or_404(LinkedGroup, code=data["group"])
        return self._run(
            lambda: services.receive_linked(
                request.user,
                group=group,
                receiving_unit=_unit(data["receiving_unit"]),
                units={p: _unit(u) for p, u in data["units"].items()},
                applicant=_applicant(data),
                channel=data["channel"],
                idempotency_key=data["idempotency_key"] or None,
            ),
            created=True,
        )


# ---- one POST action per service: (url, request serializer, call(user, dossier, data)) ----------------

Call = Callable[[Any, Dossier, dict[str, Any]], Any]

ACTIONS: list[tuple[str, type[Any], Call, str]] = [
    (
        "accept",
        ser.VersionedRequest,
        lambda u, d, x: services.accept_online(u, d, expected_version=x["expected_version"]),
        "Officially receive an online dossier.",
    ),
    (
        "refuse",
        ser.ReasonRequest,
        lambda u, d, x: services.refuse_intake(u, d, reason=x["reason"]),
        "Refuse at intake.",
    ),
    (
        "start-step",
        ser.StartStepRequest,
        lambda u, d, x: services.start_step(
            u,
            d,
            order=x["order"],
            assignee=_user(x["assignee"]),
            name=x["name"],
            expected_version=x["expected_version"],
        ),
        "Start the next step of the pinned process.",
    ),
    (
        "complete-step",
        ser.CompleteStepRequest,
        lambda u, d, x: services.complete_step(
            u, d, order=x["order"], note=x["note"], expected_version=x["expected_version"]
        ),
        "Complete an open step.",
    ),
    (
        "forward",
        ser.ForwardRequest,
        lambda u, d, x: services.forward(
            u, d, assignee=_user(x["assignee"]), note=x["note"], expected_version=x["expected_version"]
        ),
        "Complete the current step and start the next one.",
    ),
    (
        "request-supplement",
        ser.SupplementRequest,
        lambda u, d, x: services.request_supplement(
            u,
            d,
            reason=x["reason"],
            items=x["items"],
            notice=_upload(x["notice"]),
            expected_version=x["expected_version"],
        ),
        "Ask for a supplement (one request under Decree 118).",
    ),
    (
        "supply-supplement",
        ser.VersionedRequest,
        lambda u, d, x: services.supply_supplement(u, d, expected_version=x["expected_version"]),
        "The completed dossier arrived.",
    ),
    (
        "close",
        ser.VersionedRequest,
        lambda u, d, x: services.close_unsupplemented(u, d),
        "Close a dossier whose supplement was not completed in time.",
    ),
    (
        "request-fee",
        ser.FeeRequest,
        lambda u, d, x: services.request_fee(
            u, d, amount=x["amount"], note=x["note"], expected_version=x["expected_version"]
        ),
        "Ask for a financial obligation (pauses the clock).",
    ),
    (
        "confirm-fee",
        ser.ConfirmFeeRequest,
        lambda u, d, x: services.confirm_fee(u, d, paid_online=x["paid_online"], reference=x["reference"]),
        "Confirm the obligation is met (resumes the clock).",
    ),
    (
        "pause",
        ser.EvidenceRequest,
        lambda u, d, x: services.pause_clock(
            u, d, reason=x["reason"], evidence=_upload(x["evidence"]), expected_version=x["expected_version"]
        ),
        "Pause the clock with a reason and an evidence file.",
    ),
    ("resume", ser.VersionedRequest, lambda u, d, x: services.resume_clock(u, d), "Resume the clock."),
    (
        "stop",
        ser.EvidenceRequest,
        lambda u, d, x: services.stop_dossier(
            u, d, reason=x["reason"], evidence=_upload(x["evidence"]), expected_version=x["expected_version"]
        ),
        "Stop handling (Form 05) with a reason and an evidence file.",
    ),
    (
        "withdraw",
        ser.OptionalReasonRequest,
        lambda u, d, x: services.withdraw(u, d, reason=x["reason"]),
        "The applicant withdraws.",
    ),
    (
        "apology",
        ser.ApologyRequest,
        lambda u, d, x: services.record_apology(
            u,
            d,
            reason=x["reason"],
            new_appointment_at=x["new_appointment_at"],
            letter=_upload(x["letter"]),
            expected_version=x["expected_version"],
        ),
        "Record an apology with one new return date (Form 04).",
    ),
    (
        "approve-apology",
        ser.VersionedRequest,
        lambda u, d, x: services.approve_apology(u, d, expected_version=x["expected_version"]),
        "The leader approves the apology; the appointment moves.",
    ),
    (
        "finish",
        ser.NoteRequest,
        lambda u, d, x: services.finish_dossier(u, d, note=x["note"], expected_version=x["expected_version"]),
        "Processing ends with a result.",
    ),
    (
        "early-return-notice",
        ser.VersionedRequest,
        lambda u, d, x: services.announce_early_return(u, d),
        "Tell the applicant the result is ready before the appointment.",
    ),
    ("return", ser.VersionedRequest, lambda u, d, x: services.return_result(u, d), "Hand the result over."),
    (
        "documents",
        ser.DocumentRequest,
        lambda u, d, x: services.attach_document(
            u, d, upload=_file(x["file"]), component=x["component"], digitized=x["digitized"], reused=x["reused"]
        ),
        "Attach a file for a published component.",
    ),
    (
        "result",
        ser.ResultRequest,
        lambda u, d, x: services.record_result(u, d, upload=_file(x["file"]), result_code=x["result_code"]),
        "Store the electronic result with its code.",
    ),
    (
        "route-to-lead",
        ser.RouteRequest,
        lambda u, d, x: services.route_to_lead(u, d, kind=x["kind"], upload=_file(x["file"]), note=x["note"]),
        "Route a participant's document to the lead unit (liên thông).",
    ),
]


def _make_action(url: str, request_serializer: type[Any], call: Call, summary: str) -> Any:
    def handler(self: DossierViewSet, request: Request, code: str | None = None) -> Response:
        dossier = self.get_object()
        data = self._data(request_serializer)
        return self._run(lambda: call(request.user, dossier, data), dossier=dossier)

    name = url.replace("-", "_")
    handler.__name__ = name
    handler.__doc__ = summary
    multipart = any(isinstance(f, FileField) for f in request_serializer().fields.values())
    decorated = extend_schema(
        request={"multipart/form-data": request_serializer} if multipart else request_serializer,
        responses={200: ser.DossierSerializer, **ERRORS},
        summary=summary,
        operation_id=f"dossiers_{name}",
    )(handler)
    return action(detail=True, methods=["post"], url_path=url, url_name=url)(decorated)


for _url, _serializer, _call, _summary in ACTIONS:
    setattr(DossierViewSet, _url.replace("-", "_"), _make_action(_url, _serializer, _call, _summary))
