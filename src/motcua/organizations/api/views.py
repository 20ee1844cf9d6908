"""Units are public (citizens pick where to apply); officials are staff-only, scoped by `access`."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from motcua.organizations import access
from motcua.organizations.api.serializers import OfficialRoleSerializer, UnitSerializer
from motcua.organizations.models import Membership, Unit


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, description="province | district | commune"),
            OpenApiParameter("parent", OpenApiTypes.STR, description="agency code of the parent unit"),
        ]
    )
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    serializer_class = UnitSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Unit]:
        qs = Unit.objects.filter(active=True).select_related("parent").order_by("code")
        if level := self.request.query_params.get("level"):
            qs = qs.filter(level=level)
        if parent := self.request.query_params.get("parent"):
            qs = qs.filter(parent__code=parent)
        return qs


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unit", OpenApiTypes.STR, description="agency code; only units you may see")]
    )
)
class OfficialViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Officials' roles in the units the caller may see (`access.visible_units`)."""

    serializer_class = OfficialRoleSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Membership]:
        qs = (
            Membership.objects.filter(unit__in=access.visible_units(self.request.user), active=True)
            .select_related("user", "unit")
            .order_by("unit__code", "user__username", "role")
        )
        if unit := self.request.query_params.get("unit"):
            qs = qs.filter(unit__code=unit)
        return qs
