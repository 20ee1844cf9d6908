from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalog.models import (
    Fee,
    Field,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureResult,
    ProcessStep,
    RequiredComponent,
)
from motcua.catalog.process import current_definition
from motcua.catalog.queries import current_version


class FieldSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Field
        fields = ["code", "name"]


# Integer fields are declared explicitly: from the model they would carry the database's integer
# range, which differs between SQLite and PostgreSQL and would make the OpenAPI document drift.


class ComponentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    copies = serializers.IntegerField(read_only=True)

    class Meta:
        model = RequiredComponent
        fields = ["id", "order", "name", "copies", "mandatory", "kind", "form_template", "digitisation_required"]


class ResultSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ProcedureResult
        fields = ["name", "code"]


class FeeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    amount = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Fee
        fields = ["name", "amount", "rule"]


class DeadlineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    unit = serializers.CharField()
    cutoff = serializers.TimeField(allow_null=True, format="%H:%M")


class StepSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    order = serializers.IntegerField(read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True)

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "unit", "role", "duration_amount", "duration_unit", "parallel_group"]


class ProcedureListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    fee = serializers.IntegerField(read_only=True)
    field = serializers.CharField(source="field.code", read_only=True, allow_null=True)
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "levels", "deadline", "online", "fee", "fee_rule", "active"]

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, obj: Procedure) -> dict[str, Any] | None:
        if not obj.deadline_unit:
            return None
        return DeadlineSerializer({"amount": obj.deadline_amount, "unit": obj.deadline_unit, "cutoff": obj.cutoff}).data


class ProcedureDetailSerializer(ProcedureListSerializer):
    components = ComponentSerializer(many=True, read_only=True)
    results = ResultSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()
    process = serializers.SerializerMethodField()

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "fee_known",
            "decision",
            "components",
            "results",
            "fees",
            "process",
        ]

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_decision(self, obj: Procedure) -> str:
        version = current_version(obj)
        return version.decision_number if version else ""

    @extend_schema_field(StepSerializer(many=True))
    def get_process(self, obj: Procedure) -> list[dict[str, Any]]:
        definition = current_definition(obj)
        if definition is None:
            return []
        return list(StepSerializer(definition.steps.select_related("unit").order_by("order"), many=True).data)


class MemberSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    order = serializers.IntegerField(read_only=True)
    procedure = serializers.CharField(source="procedure.code", read_only=True, allow_null=True)

    class Meta:
        model = LinkedGroupMember
        fields = ["procedure", "order", "mode", "step_amount", "step_unit"]


class LinkedGroupSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = LinkedGroup
        fields = ["code", "name", "members"]
