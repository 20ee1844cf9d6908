"""The public procedure catalogue (no login: citizens browse it), with accent-insensitive search."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from motcua.catalog.api.serializers import (
    FieldSerializer,
    LinkedGroupSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
)
from motcua.catalog.models import Field, LinkedGroup, Procedure
from motcua.catalog.queries import search_procedures


class FieldViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = Field.objects.order_by("code")
    serializer_class = FieldSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="words of the name or code, with or without accents"),
            OpenApiParameter("field", OpenApiTypes.STR, description="field code, e.g. HT"),
            OpenApiParameter("level", OpenApiTypes.STR, description="province | commune"),
            OpenApiParameter("online", OpenApiTypes.STR, description="full | partial | none"),
        ]
    )
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureListSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        qs = Procedure.objects.filter(active=True).select_related("field").order_by("code")
        if self.action == "retrieve":
            return qs.prefetch_related("components", "results", "fees")
        params = self.request.query_params
        if q := params.get("q", "").strip():
            qs = search_procedures(q, qs)
        if field := params.get("field"):
            qs = qs.filter(field__code=field)
        if level := params.get("level"):
            qs = qs.filter(pk__in=_with_level(qs, level))
        if online := params.get("online"):
            qs = qs.filter(online=online)
        return qs


def _with_level(qs: QuerySet[Procedure], level: str) -> list[int]:
    """JSON-list containment differs across databases; the catalogue is small, so filter in Python."""
    return [pk for pk, levels in qs.values_list("pk", "levels") if level in (levels or [])]


class LinkedGroupViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = LinkedGroup.objects.prefetch_related("members__procedure").order_by("code")
    serializer_class = LinkedGroupSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
