"""Request and response shapes of the dossier API. No rules here: every write calls a service."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from motcua.documents.models import Document
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Duty, StepRun


class EventSerializer(serializers.ModelSerializer[DossierEvent]):
    class Meta:
        model = DossierEvent
        fields = ["seq", "type", "at", "actor", "actor_label", "payload", "prev_hash", "hash"]


class StepRunSerializer(serializers.ModelSerializer[StepRun]):
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = StepRun
        fields = ["order", "name", "unit", "role", "assignee", "started_at", "due_at", "finished_at", "outcome"]


class DutySerializer(serializers.ModelSerializer[Duty]):
    class Meta:
        model = Duty
        fields = ["kind", "due_at", "met_at", "warned_at", "breached_at"]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "component",
            "filename",
            "content_type",
            "size",
            "sha256",
            "digitized",
            "reused",
            "result_code",
            "uploaded_at",
        ]


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    procedure: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    receiving_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="parent", slug_field="code", read_only=True, help_text="Lead dossier (liên thông)"
    )

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "unit",
            "receiving_unit",
            "lead",
            "channel",
            "status",
            "regime",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "finished_at",
            "returned_at",
            "clock_state",
            "current_steps",
            "fee_amount",
            "paid_online",
            "digitized",
            "reused",
            "e_result",
            "version",
            "event_count",
        ]
        read_only_fields = fields


class DossierDetailSerializer(DossierSerializer):
    events = EventSerializer(many=True, read_only=True)
    step_runs = StepRunSerializer(many=True, read_only=True)
    duties = DutySerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    sub_dossiers: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="children", slug_field="code", many=True, read_only=True
    )

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "sub_dossiers", "events", "step_runs", "duties", "documents"]
        read_only_fields = fields


# ---- requests -------------------------------------------------------------------------------


class ApplicantFields(serializers.Serializer[Any]):
    applicant_name = serializers.CharField(max_length=255)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReceiveRequest(ApplicantFields):
    procedure = serializers.CharField(help_text="Procedure code, e.g. 1.001193")
    unit = serializers.CharField(help_text="Competent unit code")
    receiving_unit = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.DIRECT, help_text="direct or postal")


class SubmitOnlineRequest(ApplicantFields):
    procedure = serializers.CharField()
    unit = serializers.CharField()


class ReceiveLinkedRequest(ApplicantFields):
    group = serializers.CharField(help_text="Linked group code")
    receiving_unit = serializers.CharField()
    units = serializers.DictField(child=serializers.CharField(), help_text="procedure code -> unit code")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.DIRECT)


class VersionedRequest(serializers.Serializer[Any]):
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReasonRequest(VersionedRequest):
    reason = serializers.CharField()


class OptionalReasonRequest(VersionedRequest):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NoteRequest(VersionedRequest):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StartStepRequest(VersionedRequest):
    order = serializers.IntegerField(required=False, allow_null=True, default=None)
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteStepRequest(NoteRequest):
    order = serializers.IntegerField(required=False, allow_null=True, default=None)


class ForwardRequest(NoteRequest):
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None)


class SupplementRequest(ReasonRequest):
    items = serializers.ListField(child=serializers.CharField(), min_length=1)
    notice = serializers.FileField(required=False, allow_null=True, default=None)


class FeeRequest(NoteRequest):
    amount = serializers.IntegerField(min_value=1)


class ConfirmFeeRequest(VersionedRequest):
    paid_online = serializers.BooleanField(default=False)
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceRequest(VersionedRequest):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class ApologyRequest(ReasonRequest):
    new_appointment_at = serializers.DateTimeField()
    letter = serializers.FileField(required=False, allow_null=True, default=None)


class DocumentRequest(VersionedRequest):
    file = serializers.FileField()
    component = serializers.CharField()
    digitized = serializers.BooleanField(default=False)
    reused = serializers.BooleanField(default=False)


class ResultRequest(VersionedRequest):
    file = serializers.FileField()
    result_code = serializers.CharField()


class RouteRequest(NoteRequest):
    kind = serializers.ChoiceField(choices=["guidance", "supplement", "apology", "refusal"])
    file = serializers.FileField()


class ErrorResponse(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
