"""The inspections command table: every write is one `Command`, run by `execute`.

One declaration (who may, on what, in which state, with what input) drives both the screens
(`offered` → the buttons and forms shown) and the server (`execute` → what is accepted). Each
run appends an `Event`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from rest_framework import serializers

from motcua.core.text import nfc
from motcua.inspections import rules
from motcua.inspections.models import (
    Event,
    Finding,
    Inspection,
    InspectionPlan,
    PlanItem,
    ProgressReport,
    RemediationItem,
    RemediationStatus,
    Severity,
)
from motcua.organizations import access
from motcua.organizations.access import Action

S = RemediationStatus


class InspectionError(Exception):
    """A refusal: Vietnamese message, stable code, optional per-field messages."""

    def __init__(self, message: str, code: str = "invalid", fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


# --- what a command acts on ----------------------------------------------------------------------
# target kinds: "province" (no object), "plan", "item" (plan item), "inspection", "finding", "remediation"

MODELS: dict[str, type[models.Model]] = {
    "plan": InspectionPlan,
    "item": PlanItem,
    "inspection": Inspection,
    "finding": Finding,
    "remediation": RemediationItem,
}


def unit_of(kind: str, obj: Any) -> Any:
    """The unit at which the permission is asked (None = a province-wide action)."""
    return obj.owner_unit if kind == "remediation" else None


# The retry key of the command being run: each command appends exactly one event, which carries it.
_KEY: ContextVar[str | None] = ContextVar("inspections_key", default=None)


def append(type: str, actor: Any, at: datetime, payload: dict[str, Any], **links: Any) -> Event:
    payload = json.loads(json.dumps(payload, default=str))
    return Event.objects.create(
        type=type, actor_id=getattr(actor, "pk", None), at=at, payload=payload, key=_KEY.get(), **links
    )


class Replayed(Exception):
    """The same form was already accepted (a retry): nothing is done again."""

    def __init__(self, event: Event) -> None:
        super().__init__(event.type)
        self.event = event


# How the history names each event (Vietnamese, for the screens).
EVENT_LABELS = {
    "plan_created": "Lập kế hoạch kiểm tra",
    "plan_item_added": "Thêm đơn vị vào kế hoạch",
    "plan_approved": "Phê duyệt kế hoạch",
    "inspection_recorded": "Ghi biên bản kiểm tra",
    "finding_added": "Ghi nhận tồn tại, hạn chế",
    "remediation_added": "Kiến nghị khắc phục",
    "concluded": "Kết luận kiểm tra",
    "progress_reported": "Đơn vị báo cáo kết quả khắc phục",
    "closed": "Xác nhận đã khắc phục, đóng",
    "sent_back": "Trả lại, yêu cầu tiếp tục khắc phục",
}


@dataclass
class Ctx:
    obj: Any
    actor: Any
    data: dict[str, Any]
    now: datetime
    result: Any = None


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    target: str
    action: str
    schema: type[serializers.Serializer[Any]]
    run: Callable[[Ctx], None]
    state: Callable[[Any], str] = field(default=lambda obj: "")  # why not now ("" = allowed)
    done: str = "Đã thực hiện."


TABLE: dict[str, Command] = {}


def command(**kw: Any) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        c = Command(run=fn, **kw)
        TABLE[c.name] = c
        return fn

    return deco


def _text(label: str, required: bool = True, max_length: int = 4000, area: bool = True) -> serializers.CharField:
    return serializers.CharField(
        label=label,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        max_length=max_length,
        style={"base_template": "textarea.html"} if area else {},
    )


DATE_FORMATS = ["iso-8601", "%d/%m/%Y"]
DATE_ERRORS: dict[str, Any] = {
    "invalid": "Ngày không hợp lệ (ngày/tháng/năm).",
    "required": "Nhập ngày.",
    "null": "Nhập ngày.",
}
INT_ERRORS: dict[str, Any] = {
    "invalid": "Nhập một số nguyên.",
    "min_value": "Số nhỏ hơn mức cho phép ({min_value}).",
    "max_value": "Số lớn hơn mức cho phép ({max_value}).",
    "max_string_length": "Số quá lớn.",
    "required": "Nhập số.",
}


# --- plans ---------------------------------------------------------------------------------------


class PlanSchema(serializers.Serializer[Any]):
    year = serializers.IntegerField(error_messages=INT_ERRORS, label="Năm", min_value=2000, max_value=2100)
    name = _text("Tên kế hoạch", max_length=300, area=False)
    decision_number = _text("Số quyết định", required=False, max_length=60, area=False)
    decision_date = serializers.DateField(
        error_messages=DATE_ERRORS,
        input_formats=DATE_FORMATS,
        label="Ngày quyết định",
        required=False,
        allow_null=True,
        default=None,
    )


@command(
    name="create_plan",
    label="Lập kế hoạch kiểm tra",
    target="province",
    action=Action.MANAGE_REFORM,
    schema=PlanSchema,
    done="Đã lập kế hoạch kiểm tra.",
)
def create_plan(c: Ctx) -> None:
    d = c.data
    plan = InspectionPlan.objects.create(
        year=d["year"],
        name=d["name"].strip(),
        decision_number=d.get("decision_number", "").strip(),
        decision_date=d.get("decision_date"),
        created_at=c.now,
    )
    append("plan_created", c.actor, c.now, {"year": plan.year, "name": plan.name}, plan=plan)
    c.result = plan


def _not_approved(plan: InspectionPlan) -> str:
    return "Kế hoạch đã được phê duyệt." if plan.approved else ""


class PlanItemSchema(serializers.Serializer[Any]):
    unit = serializers.CharField(label="Đơn vị được kiểm tra (mã)", max_length=40)
    start_date = serializers.DateField(error_messages=DATE_ERRORS, input_formats=DATE_FORMATS, label="Từ ngày")
    end_date = serializers.DateField(error_messages=DATE_ERRORS, input_formats=DATE_FORMATS, label="Đến ngày")
    topics = _text("Nội dung kiểm tra", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": "Ngày kết thúc trước ngày bắt đầu."})
        return attrs


def _unit(code: str, field_name: str) -> Any:
    from motcua.organizations.models import Unit

    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise InspectionError("Không có đơn vị này.", "unknown_unit", {field_name: "Không có đơn vị này."})
    return unit


@command(
    name="add_plan_item",
    label="Thêm đơn vị vào kế hoạch",
    target="plan",
    action=Action.MANAGE_REFORM,
    schema=PlanItemSchema,
    state=_not_approved,
    done="Đã thêm đơn vị vào kế hoạch.",
)
def add_plan_item(c: Ctx) -> None:
    d, plan = c.data, c.obj
    unit = _unit(d["unit"], "unit")
    if d["start_date"].year != plan.year:
        raise InspectionError(
            "Thời gian kiểm tra phải trong năm của kế hoạch.", "wrong_year", {"start_date": "Chọn ngày trong năm."}
        )
    item = PlanItem.objects.create(
        plan=plan, unit=unit, start_date=d["start_date"], end_date=d["end_date"], topics=d.get("topics", "").strip()
    )
    append(
        "plan_item_added", c.actor, c.now, {"unit": unit.code, "from": item.start_date, "to": item.end_date}, plan=plan
    )
    c.result = item


class EmptySchema(serializers.Serializer[Any]):
    pass


@command(
    name="approve_plan",
    label="Phê duyệt kế hoạch",
    target="plan",
    action=Action.MANAGE_REFORM,
    schema=EmptySchema,
    state=lambda plan: _not_approved(plan) or ("" if plan.items.exists() else "Kế hoạch chưa có đơn vị nào."),
    done="Đã phê duyệt kế hoạch kiểm tra.",
)
def approve_plan(c: Ctx) -> None:
    c.obj.approved_at, c.obj.approved_by = c.now, c.actor if getattr(c.actor, "pk", None) else None
    c.obj.save()
    append("plan_approved", c.actor, c.now, {}, plan=c.obj)


# --- inspection records --------------------------------------------------------------------------


class InspectionSchema(serializers.Serializer[Any]):
    inspected_on = serializers.DateField(error_messages=DATE_ERRORS, input_formats=DATE_FORMATS, label="Ngày kiểm tra")
    team = _text("Thành phần đoàn kiểm tra", required=False)


@command(
    name="record_inspection",
    label="Ghi biên bản kiểm tra",
    target="item",
    action=Action.INSPECT,
    schema=InspectionSchema,
    state=lambda item: "" if item.plan.approved else "Kế hoạch chưa được phê duyệt.",
    done="Đã tạo biên bản kiểm tra.",
)
def record_inspection(c: Ctx) -> None:
    item = c.obj
    ins = Inspection.objects.create(
        plan_item=item,
        unit=item.unit,
        inspected_on=c.data["inspected_on"],
        team=c.data.get("team", "").strip(),
        lead_inspector=c.actor if getattr(c.actor, "pk", None) else None,
        created_at=c.now,
    )
    append("inspection_recorded", c.actor, c.now, {"unit": item.unit.code, "on": ins.inspected_on}, inspection=ins)
    c.result = ins


def _open_record(ins: Inspection) -> str:
    return "Biên bản đã kết luận." if ins.concluded else ""


class FindingSchema(serializers.Serializer[Any]):
    text = _text("Tồn tại, hạn chế phát hiện")
    severity = serializers.ChoiceField(choices=Severity.choices, label="Mức độ", default=Severity.SHORTCOMING)
    criterion_code = _text("Tiêu chí CCHC liên quan (ví dụ 2.3)", required=False, max_length=20, area=False)
    dossiers = _text("Mã các hồ sơ liên quan (cách nhau bởi dấu phẩy)", required=False, max_length=2000, area=False)

    def validate_criterion_code(self, value: str) -> str:
        value = value.strip()
        if value and not all(part.isdigit() for part in value.split(".")):
            raise serializers.ValidationError("Mã tiêu chí gồm các số cách nhau bởi dấu chấm, ví dụ 2.3.")
        return value


@command(
    name="add_finding",
    label="Ghi nhận tồn tại, hạn chế",
    target="inspection",
    action=Action.INSPECT,
    schema=FindingSchema,
    state=_open_record,
    done="Đã ghi nhận tồn tại, hạn chế.",
)
def add_finding(c: Ctx) -> None:
    from motcua.dossiers.models import Dossier

    codes = [x.strip() for x in c.data.get("dossiers", "").replace(";", ",").split(",") if x.strip()]
    found = list(Dossier.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {d.code for d in found})
    if missing:
        msg = "Không tìm thấy hồ sơ: " + ", ".join(missing)
        raise InspectionError(msg, "unknown_dossier", {"dossiers": msg})
    f = Finding.objects.create(
        inspection=c.obj,
        text=c.data["text"].strip(),
        severity=c.data["severity"],
        criterion_code=c.data.get("criterion_code", ""),
    )
    f.dossiers.set(found)
    append(
        "finding_added",
        c.actor,
        c.now,
        {"finding": f.pk, "criterion": f.criterion_code, "dossiers": sorted(codes)},
        inspection=c.obj,
    )
    c.result = f


class RemediationSchema(serializers.Serializer[Any]):
    text = _text("Yêu cầu khắc phục")
    owner_unit = serializers.CharField(label="Đơn vị khắc phục (mã)", max_length=40)
    deadline_days = serializers.IntegerField(
        error_messages=INT_ERRORS,
        label="Thời hạn (ngày làm việc kể từ ngày kết luận)",
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=365,
    )
    deadline_date = serializers.DateField(
        error_messages=DATE_ERRORS,
        input_formats=DATE_FORMATS,
        label="Hoặc hạn cụ thể",
        required=False,
        allow_null=True,
        default=None,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("deadline_days") is None and attrs.get("deadline_date") is None:
            raise serializers.ValidationError({"deadline_days": "Nhập số ngày làm việc hoặc hạn cụ thể."})
        return attrs


def _set_due(item: RemediationItem, concluded_at: datetime) -> None:
    from motcua.calendar.service import calendar_for_unit

    item.due_on = rules.due_on(calendar_for_unit(item.owner_unit), concluded_at, item.deadline_days, item.deadline_date)


@command(
    name="add_remediation",
    label="Kiến nghị khắc phục",
    target="finding",
    action=Action.INSPECT,
    schema=RemediationSchema,
    state=lambda f: _open_record(f.inspection),
    done="Đã thêm kiến nghị khắc phục.",
)
def add_remediation(c: Ctx) -> None:
    unit = _unit(c.data["owner_unit"], "owner_unit")
    item = RemediationItem.objects.create(
        finding=c.obj,
        owner_unit=unit,
        text=c.data["text"].strip(),
        deadline_days=c.data.get("deadline_days"),
        deadline_date=c.data.get("deadline_date"),
    )
    append(
        "remediation_added",
        c.actor,
        c.now,
        {"owner_unit": unit.code, "days": item.deadline_days, "date": item.deadline_date},
        inspection=c.obj.inspection,
        item=item,
    )
    c.result = item


class ConcludeSchema(serializers.Serializer[Any]):
    conclusion = _text("Kết luận kiểm tra", max_length=20000)


@command(
    name="conclude",
    label="Kết luận kiểm tra",
    target="inspection",
    action=Action.INSPECT,
    schema=ConcludeSchema,
    state=_open_record,
    done="Đã kết luận; thời hạn khắc phục bắt đầu tính.",
)
def conclude(c: Ctx) -> None:
    ins = c.obj
    ins.conclusion, ins.concluded_at = c.data["conclusion"].strip(), c.now
    ins.save()
    dues = {}
    for item in RemediationItem.objects.filter(finding__inspection=ins).select_related("owner_unit"):
        _set_due(item, c.now)
        item.save(update_fields=["due_on"])
        dues[item.pk] = item.due_on
    append("concluded", c.actor, c.now, {"due": dues}, inspection=ins)


# --- remediation ---------------------------------------------------------------------------------


def _reportable(item: RemediationItem) -> str:
    if not item.finding.inspection.concluded:
        return "Chưa có kết luận kiểm tra."
    return "" if item.status in (S.OPEN, S.REOPENED, S.REPORTED) else "Kiến nghị đã đóng."


class ProgressSchema(serializers.Serializer[Any]):
    text = _text("Kết quả khắc phục")
    evidence = serializers.FileField(
        label="Tệp minh chứng (PDF, JPEG, PNG)", required=False, allow_null=True, default=None
    )


@command(
    name="report_progress",
    label="Báo cáo kết quả khắc phục",
    target="remediation",
    action=Action.REPORT_REFORM,
    schema=ProgressSchema,
    state=_reportable,
    done="Đã gửi báo cáo khắc phục.",
)
def report_progress(c: Ctx) -> None:
    from motcua.documents import files

    item, upload = c.obj, c.data.get("evidence")
    report = ProgressReport(
        item=item, text=c.data["text"].strip(), by=c.actor if getattr(c.actor, "pk", None) else None, at=c.now
    )
    if upload is not None:
        data = upload.read()
        try:
            checked = files.check(nfc(upload.name or "minh-chung"), data, settings.MAX_UPLOAD_BYTES)
        except files.FileRejected as exc:
            raise InspectionError(str(exc), "file_" + exc.code, {"evidence": str(exc)}) from None
        report.filename, report.content_type = checked.filename[:255], checked.content_type
        report.size, report.sha256, report.data = checked.size, checked.sha256, data
    report.save()
    item.status, item.reported_at = S.REPORTED, c.now
    item.save()
    append(
        "progress_reported",
        c.actor,
        c.now,
        {"report": report.pk, "file": report.filename, "sha256": report.sha256},
        item=item,
    )


class NoteSchema(serializers.Serializer[Any]):
    note = _text("Ý kiến của đoàn kiểm tra", required=False)


def _awaiting(item: RemediationItem) -> str:
    return "" if item.status == S.REPORTED else "Đơn vị chưa báo cáo kết quả khắc phục."


@command(
    name="close",
    label="Xác nhận đã khắc phục, đóng",
    target="remediation",
    action=Action.INSPECT,
    schema=NoteSchema,
    state=_awaiting,
    done="Đã đóng kiến nghị.",
)
def close(c: Ctx) -> None:
    item = c.obj
    item.status, item.closed_at = S.CLOSED, c.now
    item.closed_by = c.actor if getattr(c.actor, "pk", None) else None
    item.save()
    closed_on = timezone.localtime(c.now).date()
    append(
        "closed",
        c.actor,
        c.now,
        {"note": c.data.get("note", ""), "late": rules.closed_late(item.due_on, closed_on)},
        item=item,
    )


class SendBackSchema(serializers.Serializer[Any]):
    note = _text("Lý do trả lại")


@command(
    name="send_back",
    label="Trả lại, yêu cầu tiếp tục khắc phục",
    target="remediation",
    action=Action.INSPECT,
    schema=SendBackSchema,
    state=_awaiting,
    done="Đã trả lại kiến nghị cho đơn vị.",
)
def send_back(c: Ctx) -> None:
    c.obj.status = S.REOPENED
    c.obj.save()
    append("sent_back", c.actor, c.now, {"note": c.data["note"]}, item=c.obj)


# --- running -------------------------------------------------------------------------------------


def refusal(name: str, actor: Any, obj: Any) -> str:
    """Why `actor` may not run `name` on `obj` now ("" = allowed)."""
    cmd = TABLE[name]
    if not access.can(actor, cmd.action, unit_of(cmd.target, obj)):
        return "Bạn không có quyền thực hiện thao tác này."
    return cmd.state(obj) if obj is not None else ""


def offered(actor: Any, target: str, obj: Any = None) -> list[Command]:
    return [c for name, c in TABLE.items() if c.target == target and not refusal(name, actor, obj)]


def _clean(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def execute(
    name: str,
    actor: Any,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
    key: str | None = None,
) -> Any:
    """Run one command in one transaction: lock → permission → state → input → run. Returns what it
    made or changed. With a `key` (the form's), a retry of an accepted run raises `Replayed` instead."""
    if name not in TABLE:
        raise InspectionError("Thao tác không tồn tại.", "unknown_command")
    cmd = TABLE[name]
    now = now or timezone.now()
    key = (key or "")[:100] or None
    if key and (done := Event.objects.filter(key=key).first()) is not None:
        raise Replayed(done)
    token = _KEY.set(key)
    try:
        with transaction.atomic():
            if cmd.target != "province":
                if obj is None or not isinstance(obj, MODELS[cmd.target]):
                    raise InspectionError("Thao tác không áp dụng cho đối tượng này.", "wrong_target")
                obj = MODELS[cmd.target].objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
            if not access.can(actor, cmd.action, unit_of(cmd.target, obj)):
                raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
            if obj is not None and (why := cmd.state(obj)):
                raise InspectionError(why, "illegal_state")
            schema = cmd.schema(data=_clean(data))
            if not schema.is_valid():
                fields = {k: str(v[0]) if isinstance(v, list) else str(v) for k, v in schema.errors.items()}
                raise InspectionError(next(iter(fields.values()), "Dữ liệu không hợp lệ."), "invalid_input", fields)
            ctx = Ctx(obj, actor, dict(schema.validated_data), now)
            cmd.run(ctx)
    except IntegrityError:
        if key and (done := Event.objects.filter(key=key).first()) is not None:
            raise Replayed(done) from None  # a concurrent retry won the race
        raise
    finally:
        _KEY.reset(token)
    return ctx.result if ctx.result is not None else obj
