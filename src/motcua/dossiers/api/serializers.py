"""Request and response shapes of the dossier API. No rules here: every write calls a service."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers

from motcua.documents.models import Document
from motcua.dossiers import lifecycle
from motcua.dossiers.models import Dossier, DossierEvent, Duty, Outcome, StepRun

_FIELDS: dict[type, dict[str, Any]] = {}


# A ModelSerializer whose fields are built from the model once per class, then copied. DRF rebuilds
# a ModelSerializer's fields by model introspection on every instantiation (a large part of the CPU
# of an intake's 201 answer, see docs/benchmarks.md). These serializers depend only on their Meta
# and declared fields (no context, all read-only), so a deep copy of the first build is the same set
# of fresh, unbound fields — the way DRF already copies declared fields. (A comment, not a
# docstring: the OpenAPI generator would take a docstring as every subclass's description.)
class BuiltOnce:
    def get_fields(self) -> dict[str, Any]:
        built = _FIELDS.get(type(self))
        if built is None:
            built = _FIELDS[type(self)] = super().get_fields()  # type: ignore[misc]
        return copy.deepcopy(built)


class EventSerializer(BuiltOnce, serializers.ModelSerializer[DossierEvent]):
    class Meta:
        model = DossierEvent
        fields = ["seq", "type", "at", "actor", "actor_label", "payload", "prev_hash", "hash"]
        read_only_fields = fields  # also keeps the schema independent of the database's integer ranges


class StepRunSerializer(BuiltOnce, serializers.ModelSerializer[StepRun]):
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Declared: a read-only model field loses `allow_blank`, and the document would omit "" (a step still open).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = StepRun
        fields = ["order", "name", "unit", "role", "assignee", "started_at", "due_at", "finished_at", "outcome"]
        read_only_fields = fields


class DutySerializer(BuiltOnce, serializers.ModelSerializer[Duty]):
    class Meta:
        model = Duty
        fields = ["kind", "due_at", "met_at", "warned_at", "breached_at"]
        read_only_fields = fields


class DocumentSerializer(BuiltOnce, serializers.ModelSerializer[Document]):
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
        read_only_fields = fields


class DossierSerializer(BuiltOnce, serializers.ModelSerializer[Dossier]):
    procedure: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    receiving_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    lead: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="parent", slug_field="code", read_only=True, allow_null=True, help_text="Lead dossier (liên thông)"
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
    def get_allowed_events(self, obj: Dossier) -> list[str]:
        return lifecycle.available(obj.status)

    events = EventSerializer(many=True, read_only=True)
    step_runs = StepRunSerializer(many=True, read_only=True)
    duties = DutySerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    sub_dossiers: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="children", slug_field="code", many=True, read_only=True
    )

    allowed_events = serializers.SerializerMethodField(
        help_text="Event types the lifecycle allows in the current status (roles are checked on each action)"
    )

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "allowed_events",
            "sub_dossiers",
            "events",
            "step_runs",
            "duties",
            "documents",
        ]
        read_only_fields = fields


# Request bodies are the command schemas (`motcua.dossiers.commands.schemas`); errors use its `Error`.
from motcua.dossiers.commands.schemas import Error as ErrorResponse  # noqa: E402

__all__ = ["DocumentSerializer", "DossierDetailSerializer", "DossierSerializer", "ErrorResponse", "EventSerializer"]
