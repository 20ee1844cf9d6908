from __future__ import annotations

from rest_framework import serializers

from motcua.organizations.models import Membership, Unit
from motcua.organizations.names import display_name


class UnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "category", "kind", "parent", "active", "valid_from", "valid_to"]


class OfficialRoleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One role of one official in one unit (staff-only data)."""

    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.SerializerMethodField()
    unit = serializers.CharField(source="unit.code", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["username", "full_name", "unit", "role", "active"]

    def get_full_name(self, obj: Membership) -> str:
        return display_name(obj.user)
