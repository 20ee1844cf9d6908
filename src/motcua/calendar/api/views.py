"""Read-only deadline arithmetic over HTTP (`/api/v1/calendar/...`), the same rules as the CLI."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.calendar.engine import TZ, UNITS, explain_vi
from motcua.calendar.service import UnknownCalendar, get_calendar
from motcua.core.api import Error


def _aware(value: datetime) -> datetime:
    """A timestamp without an offset is local time (`MOTCUA_TIME_ZONE`, as in the CLI)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=TZ)


class DueQuery(serializers.Serializer):  # type: ignore[type-arg]
    received = serializers.DateTimeField(help_text=_("Thời điểm nhận hồ sơ (ISO 8601)"), default_timezone=TZ)
    amount = serializers.DecimalField(max_digits=9, decimal_places=4, required=False, help_text=_("Thời hạn N"))
    unit = serializers.ChoiceField(choices=UNITS, help_text=_("Đơn vị thời hạn"))
    cutoff = serializers.TimeField(required=False, help_text=_("Giờ chốt cho thủ tục trong ngày (mặc định 15:00)"))
    pause = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Khoảng tạm dừng START/END (lặp lại được)")
    )
    calendar = serializers.CharField(required=False, default="default", help_text=_("Mã lịch làm việc"))


class DueResult(serializers.Serializer):  # type: ignore[type-arg]
    official_receipt = serializers.DateTimeField()
    due = serializers.DateTimeField()
    explanation = serializers.CharField()


class DayResult(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=["holiday", "day_off", "working_day"])
    name = serializers.CharField()
    legal_basis = serializers.CharField()


def _iso(t: datetime) -> str:
    return t.astimezone(TZ).isoformat(timespec="seconds")


class DueView(APIView):
    """Official receipt and due time (contracts §2); public, read-only."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[DueQuery, OpenApiParameter("pause", str, many=True, description="START/END")],
        responses={200: DueResult, 400: Error, 404: Error},
        operation_id="calendar_due",
    )
    def get(self, request: Request) -> Response:
        data: dict[str, Any] = {k: request.query_params.get(k) for k in ("received", "amount", "unit", "cutoff")}
        data = {k: v for k, v in data.items() if v not in (None, "")}
        data["pause"] = request.query_params.getlist("pause")
        data["calendar"] = request.query_params.get("calendar") or "default"
        q = DueQuery(data=data)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        if v.get("amount") is None and v["unit"] != "same_day":
            raise ValidationError({"amount": [_("Bắt buộc với đơn vị này.")]})
        raw: Decimal = v.get("amount") or Decimal(0)
        amount: int | Decimal = int(raw) if raw == raw.to_integral_value() else raw
        pauses = []
        for text in v.get("pause", []):
            start, _sep, end = text.partition("/")
            try:
                pauses.append((_aware(datetime.fromisoformat(start)), _aware(datetime.fromisoformat(end))))
            except ValueError:
                raise ValidationError({"pause": [f"expected START/END ISO 8601 timestamps, got {text!r}"]}) from None
        try:
            cal = get_calendar(v["calendar"])
        except UnknownCalendar as exc:
            raise NotFound(str(exc)) from None
        received = _aware(v["received"])
        try:
            dl = cal.due(received, amount, v["unit"], v.get("cutoff"))
            due = cal.apply_pauses(dl.due, pauses)
            text = explain_vi(cal, received, amount, v["unit"], v.get("cutoff"), pauses)
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response({"official_receipt": _iso(dl.official_receipt), "due": _iso(due), "explanation": text})


class DaysQuery(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(min_value=1901, max_value=2199)
    calendar = serializers.CharField(required=False, default="default")


class DaysView(APIView):
    """Every non-ordinary day of a year (holidays, days off, swapped working days); public, read-only."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[DaysQuery],
        responses={200: DayResult(many=True), 400: Error, 404: Error},
        operation_id="calendar_days",
    )
    def get(self, request: Request) -> Response:
        q = DaysQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        try:
            cal = get_calendar(q.validated_data["calendar"])
        except UnknownCalendar as exc:
            raise NotFound(str(exc)) from None
        return Response(
            [
                {"date": e.date.isoformat(), "kind": e.kind, "name": e.name, "legal_basis": e.legal_basis}
                for e in cal.days(q.validated_data["year"])
            ]
        )
