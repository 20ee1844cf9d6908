"""Read-only analytics over HTTP (`/api/v1/analytics/...`): the same documents as the CLI (§5, §6)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.analytics.report import GROUPINGS, Scope, resolution_report, unit_and_descendants
from motcua.analytics.rules import EARLIEST, LATEST
from motcua.core.api import Error
from motcua.core.replica import replica_reads


class PeriodQuery(serializers.Serializer):  # type: ignore[type-arg]
    to = serializers.DateField(help_text=_("Đến ngày (YYYY-MM-DD)"))
    unit = serializers.CharField(required=False, help_text=_("Mã đơn vị (gồm các đơn vị trực thuộc)"))

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        # The query parameter `from` is a Python keyword: declared here, read as `start`.
        return {
            "from": serializers.DateField(source="start", help_text=_("Từ ngày (YYYY-MM-DD)")),
            **super().get_fields(),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["start"] > attrs["to"]:
            raise ValidationError({"from": [_("Ngày bắt đầu sau ngày kết thúc.")]})
        for name, day in (("from", attrs["start"]), ("to", attrs["to"])):
            if not EARLIEST <= day <= LATEST:
                raise ValidationError(
                    {name: [_("Ngày phải trong khoảng %(a)s – %(b)s.") % {"a": EARLIEST, "b": LATEST}]}
                )
        return attrs


class ResolutionQuery(PeriodQuery):
    by = serializers.ChoiceField(choices=GROUPINGS, default="unit", help_text=_("Nhóm theo"))


def _parse(request: Request, serializer: type[PeriodQuery]) -> tuple[dict[str, Any], Scope]:
    from motcua.dossiers.visibility import unit_ids

    data = {k: v for k, v in request.query_params.items() if v != ""}
    q = serializer(data=data)
    q.is_valid(raise_exception=True)
    v = dict(q.validated_data)
    allowed = unit_ids(request.user)
    ids = allowed
    if v.get("unit"):
        try:
            wanted = unit_and_descendants(v["unit"])
        except LookupError:
            raise NotFound(_("Không có đơn vị này.")) from None
        if allowed is not None and not wanted <= allowed:
            raise PermissionDenied(_("Bạn không có quyền xem dữ liệu của đơn vị này."))
        ids = wanted
    return v, Scope(unit_ids=ids)


REPORT = {200: OpenApiTypes.OBJECT, 400: Error, 404: OpenApiResponse(Error, description="No such unit.")}


class ResolutionView(APIView):
    """Biểu 06a resolution report (contracts §5), scoped to the caller's units."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ResolutionQuery], responses=REPORT, operation_id="analytics_resolution")
    @replica_reads
    def get(self, request: Request) -> Response:
        v, scope = _parse(request, ResolutionQuery)
        return Response(resolution_report(v["start"], v["to"], v["by"], scope))


class Index766View(APIView):
    """The 766 service index (contracts §6), scoped to the caller's units."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[PeriodQuery], responses=REPORT, operation_id="analytics_index_766")
    @replica_reads
    def get(self, request: Request) -> Response:
        from motcua.analytics.index766 import index_766

        v, scope = _parse(request, PeriodQuery)
        return Response(index_766(v["start"], v["to"], scope, unit_code=v.get("unit")))
