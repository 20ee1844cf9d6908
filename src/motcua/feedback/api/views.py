"""POST /api/v1/feedback/inbound: the JSON entry of `feedback.inbound.receive` for the national-portal
adapter (and any other system that forwards feedback). The caller needs `receive_feedback` at the unit."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import Error
from motcua.feedback.commands import FeedbackError
from motcua.feedback.models import Channel, Topic


class SubmitterSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kind = serializers.ChoiceField(choices=["individual", "organisation"], required=False)


class AttachmentSerializer(serializers.Serializer[Any]):
    filename = serializers.CharField(max_length=255)
    content_base64 = serializers.CharField()


class InboundSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(max_length=64, help_text="code of the unit the feedback is addressed to")
    title = serializers.CharField(max_length=300)
    content = serializers.CharField(max_length=20000)
    submitter = SubmitterSerializer()
    channel = serializers.ChoiceField(
        choices=[c for c in Channel.values if c != Channel.IMPORT], required=False, default=Channel.PORTAL
    )
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="the sender's id; a repeat returns the first feedback",
    )
    received_at = serializers.DateTimeField(required=False)
    topic = serializers.ChoiceField(choices=Topic.values, required=False)
    attachments = AttachmentSerializer(many=True, required=False)


class InboundResultSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    status = serializers.CharField()
    unit = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    follow_url = serializers.CharField(help_text="the submitter's page: status, published answer, rating")


class InboundView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="feedback_inbound",
        summary="Receive a feedback (PAKN) from the national portal or another channel",
        request=InboundSerializer,
        responses={
            201: InboundResultSerializer,
            200: OpenApiResponse(
                InboundResultSerializer, description="Already received (same channel and external_id)."
            ),
            400: OpenApiResponse(
                Error, description="Invalid input or a Decree 92/2017 requirement not met (`fields`)."
            ),
            403: OpenApiResponse(Error, description="The caller may not receive feedback for this unit."),
        },
    )
    def post(self, request: Request) -> Response:
        from motcua import config
        from motcua.feedback.inbound import receive
        from motcua.feedback.models import Feedback
        from motcua.organizations import access
        from motcua.organizations.access import Action
        from motcua.organizations.models import Unit

        body = InboundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = Unit.objects.filter(code=data["unit"]).first()
        if unit is not None and not access.can(request.user, Action.RECEIVE_FEEDBACK, unit):
            return Response(
                {"code": "forbidden", "detail": "You may not receive feedback for this unit."},
                status=status.HTTP_403_FORBIDDEN,
            )
        channel = data.pop("channel", Channel.PORTAL)
        if "received_at" in data:
            data["received_at"] = data["received_at"].isoformat()
        existed = (
            bool(data.get("external_id"))
            and Feedback.objects.filter(channel=channel, external_id=data["external_id"]).exists()
        )
        try:
            fb = receive(data, channel=channel, actor=request.user)
        except FeedbackError as exc:
            body_err: dict[str, Any] = {"code": exc.code, "detail": exc.message}
            if exc.fields:
                body_err["fields"] = {k: [v] for k, v in exc.fields.items()}
            return Response(body_err, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "code": fb.code,
                "status": fb.status,
                "unit": fb.unit.code,
                "received_at": fb.received_at,
                "due_at": fb.due_at,
                "follow_url": f"{config.public_url()}/phan-anh/danh-gia/{fb.rating_token}/",
            },
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
