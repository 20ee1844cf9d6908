"""The assignment command table: every write is one `Command`, run by `execute`.

One declaration per action (who may, on what, in which state, with which input) drives both the
buttons and forms the screens offer (`offered`) and what the server accepts (`execute`). Each run
appends to the append-only `Event` table; a form's nonce makes a retried submission a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers

from motcua.assignments import rules
from motcua.assignments.models import (
    Completion,
    DeadlineKind,
    Decision,
    Directive,
    Event,
    ExtensionRequest,
    Issuer,
    ProgressUpdate,
    Status,
    Task,
)
from motcua.core.text import nfc_deep
from motcua.organizations import access
from motcua.organizations.access import Action

NEW, DIRECTIVE, TASK = "new", "directive", "task"
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AssignmentError(Exception):
    """A refusal: Vietnamese message, stable code, optional per-field messages."""

    def __init__(self, message: str, code: str = "invalid", fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message, self.code, self.fields = message, code, fields or {}


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass
class Ctx:
    target: Any  # None (new directive), a Directive or a Task
    actor: Any
    data: dict[str, Any]
    now: datetime
    upload: Upload | None
    key: str | None
    result: Any = None

    @property
    def today(self) -> date:
        return rules.local_date(self.now)

    def log(self, directive: Directive, task: Task | None, type: str, payload: dict[str, Any]) -> None:
        """Append one event; the first event of a run carries the form's nonce."""
        Event.objects.create(
            directive=directive,
            task=task,
            type=type,
            actor_id=getattr(self.actor, "pk", None),
            at=self.now,
            payload={k: (v.isoformat() if isinstance(v, date) else v) for k, v in payload.items()},
            key=self.key,
        )
        self.key = None

    def store_file(self, row: Any) -> None:
        """Check the optional upload (PDF/JPEG/PNG, size limit) and keep it in the row."""
        if self.upload is None:
            return
        from motcua.documents import files

        try:
            checked = files.check(self.upload.filename, self.upload.data, settings.MAX_UPLOAD_BYTES)
        except files.FileRejected as exc:
            raise AssignmentError(str(exc), "file", {"file": str(exc)}) from None
        row.file_name, row.file_type, row.file_sha256 = checked.filename, checked.content_type, checked.sha256
        row.file_data = self.upload.data


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    target: str  # NEW, DIRECTIVE or TASK
    action: str
    at_lead_unit: bool  # permission asked at the task's lead unit (else province-wide)
    schema: type[serializers.Serializer[Any]]
    run: Callable[[Ctx], None]
    sources: tuple[str, ...] = ()
    guard: Callable[[Any], str] = field(default=lambda obj: "")
    file_label: str = ""
    done: str = "Đã thực hiện."


TABLE: dict[str, Command] = {}


def command(**kw: Any) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        c = Command(run=fn, **kw)
        TABLE[c.name] = c
        return fn

    return deco


def _text(label: str, max_length: int = 4000, required: bool = True) -> serializers.CharField:
    return serializers.CharField(
        label=label,
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        style={"base_template": "textarea.html"},
    )


def _date(label: str, required: bool = True) -> serializers.DateField:
    return serializers.DateField(label=label, input_formats=DATE_FORMATS, required=required, allow_null=not required)


# --- directives ----------------------------------------------------------------------------------


class DirectiveSchema(serializers.Serializer[Any]):
    number = serializers.CharField(label="Số, ký hiệu văn bản", max_length=60)
    issued_on = _date("Ngày ban hành")
    issuer = serializers.ChoiceField(label="Cơ quan, người giao", choices=Issuer.choices)
    signer = serializers.CharField(label="Người ký", max_length=120)
    title = _text("Trích yếu")


@command(
    name="create_directive",
    label="Nhập văn bản giao nhiệm vụ",
    target=NEW,
    action=Action.MANAGE_REFORM,
    at_lead_unit=False,
    schema=DirectiveSchema,
    file_label="Tệp văn bản (PDF, không bắt buộc)",
    done="Đã nhập văn bản giao nhiệm vụ.",
)
def create_directive(c: Ctx) -> None:
    d = c.data
    number = " ".join(d["number"].split())
    if Directive.objects.filter(number__iexact=number).exists():
        raise AssignmentError("Số văn bản này đã được nhập.", "duplicate", {"number": "Số văn bản này đã được nhập."})
    if d["issued_on"] > c.today:
        raise AssignmentError("Ngày ban hành sau ngày hôm nay.", "future", {"issued_on": "Ngày ban hành sau hôm nay."})
    row = Directive(
        number=number,
        issued_on=d["issued_on"],
        issuer=d["issuer"],
        signer=d["signer"].strip(),
        title=d["title"].strip(),
        created_by_id=getattr(c.actor, "pk", None),
        created_at=c.now,
    )
    c.store_file(row)
    row.save()
    c.log(row, None, "directive_created", {"number": number, "issued_on": row.issued_on, "file": row.file_name})
    c.result = row


class AssignSchema(serializers.Serializer[Any]):
    content = _text("Nội dung nhiệm vụ")
    lead_unit = serializers.CharField(label="Đơn vị chủ trì", max_length=40)
    coordinating_units = serializers.CharField(
        label="Đơn vị phối hợp (mã, cách nhau bởi dấu phẩy)",
        max_length=400,
        required=False,
        allow_blank=True,
        default="",
    )
    deadline = _date("Thời hạn (ngày cụ thể)", required=False)
    working_days = serializers.IntegerField(
        label="hoặc số ngày làm việc kể từ ngày ban hành", min_value=1, max_value=365, required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("deadline")) == bool(attrs.get("working_days")):
            msg = "Nhập thời hạn là một ngày cụ thể hoặc số ngày làm việc (chỉ một trong hai)."
            raise serializers.ValidationError({"deadline": msg})
        return attrs


def _unit(code: str, field_name: str) -> Any:
    from motcua.organizations.models import Unit

    unit = Unit.objects.filter(code=code.strip(), active=True).first()
    if unit is None:
        raise AssignmentError(f"Không có đơn vị {code.strip()}.", "unknown_unit", {field_name: "Không có đơn vị này."})
    return unit


@command(
    name="assign_task",
    label="Giao nhiệm vụ",
    target=DIRECTIVE,
    action=Action.MANAGE_REFORM,
    at_lead_unit=False,
    schema=AssignSchema,
    done="Đã giao nhiệm vụ.",
)
def assign_task(c: Ctx) -> None:
    from motcua.calendar.service import calendar_for_unit

    directive, d = c.target, c.data
    lead = _unit(d["lead_unit"], "lead_unit")
    codes = [x.strip() for x in d.get("coordinating_units", "").replace(";", ",").split(",") if x.strip()]
    others = [_unit(code, "coordinating_units") for code in dict.fromkeys(codes)]
    if any(u.pk == lead.pk for u in others):
        raise AssignmentError(
            "Đơn vị chủ trì không đồng thời là đơn vị phối hợp.",
            "same_unit",
            {"coordinating_units": "Bỏ đơn vị chủ trì."},
        )
    if d.get("working_days"):
        kind, days = DeadlineKind.WORKING_DAYS, int(d["working_days"])
        deadline = rules.working_days_deadline(calendar_for_unit(lead), directive.issued_on, days)
    else:
        kind, days, deadline = DeadlineKind.DATE, None, d["deadline"]
        if deadline < directive.issued_on:
            raise AssignmentError(
                "Thời hạn trước ngày ban hành văn bản.", "deadline", {"deadline": "Thời hạn quá sớm."}
            )
    task = Task.objects.create(
        directive=directive,
        content=d["content"].strip(),
        lead_unit=lead,
        deadline_kind=kind,
        deadline_days=days,
        deadline=deadline,
        due_on=deadline,
        assigned_at=c.now,
    )
    task.coordinating_units.set(others)
    c.log(
        directive,
        task,
        "task_assigned",
        {"lead_unit": lead.code, "coordinating": [u.code for u in others], "deadline": deadline, "days": days},
    )
    c.result = task


# --- the lead unit's reports ---------------------------------------------------------------------


class ProgressSchema(serializers.Serializer[Any]):
    text = _text("Nội dung báo cáo tiến độ")
    percent = serializers.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)


@command(
    name="post_progress",
    label="Báo cáo tiến độ",
    target=TASK,
    action=Action.REPORT_REFORM,
    at_lead_unit=True,
    sources=(Status.IN_PROGRESS,),
    schema=ProgressSchema,
    file_label="Tệp minh chứng (không bắt buộc)",
    done="Đã ghi báo cáo tiến độ.",
)
def post_progress(c: Ctx) -> None:
    task = c.target
    row = ProgressUpdate(
        task=task, text=c.data["text"].strip(), percent=c.data["percent"], by_id=getattr(c.actor, "pk", None), at=c.now
    )
    c.store_file(row)
    row.save()
    task.percent = row.percent
    c.log(task.directive, task, "progress_posted", {"percent": row.percent, "file": row.file_name})


def _pending(task: Task) -> ExtensionRequest | None:
    return task.extensions.filter(decision=Decision.PENDING).first()


class ExtensionSchema(serializers.Serializer[Any]):
    new_deadline = _date("Đề nghị gia hạn đến ngày")
    reason = _text("Lý do đề nghị gia hạn")


@command(
    name="request_extension",
    label="Đề nghị gia hạn",
    target=TASK,
    action=Action.REPORT_REFORM,
    at_lead_unit=True,
    sources=(Status.IN_PROGRESS,),
    guard=lambda t: "Đang có đề nghị gia hạn chờ quyết định." if _pending(t) else "",
    schema=ExtensionSchema,
    done="Đã gửi đề nghị gia hạn.",
)
def request_extension(c: Ctx) -> None:
    task = c.target
    if c.data["new_deadline"] <= task.due_on:
        msg = f"Ngày gia hạn phải sau thời hạn hiện tại ({task.due_on:%d/%m/%Y})."
        raise AssignmentError(msg, "not_later", {"new_deadline": msg})
    ExtensionRequest.objects.create(
        task=task,
        new_deadline=c.data["new_deadline"],
        reason=c.data["reason"].strip(),
        requested_by_id=getattr(c.actor, "pk", None),
        requested_at=c.now,
    )
    c.log(task.directive, task, "extension_requested", {"new_deadline": c.data["new_deadline"]})


class DecideSchema(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        label="Quyết định",
        choices=[(Decision.APPROVED, Decision.APPROVED.label), (Decision.REFUSED, Decision.REFUSED.label)],
    )
    reason = _text("Ý kiến, lý do", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] == Decision.REFUSED and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": "Ghi rõ lý do không đồng ý gia hạn."})
        return attrs


@command(
    name="decide_extension",
    label="Quyết định gia hạn",
    target=TASK,
    action=Action.MANAGE_REFORM,
    at_lead_unit=False,
    sources=(Status.IN_PROGRESS,),
    guard=lambda t: "" if _pending(t) else "Không có đề nghị gia hạn chờ quyết định.",
    schema=DecideSchema,
    done="Đã ghi quyết định gia hạn.",
)
def decide_extension(c: Ctx) -> None:
    task = c.target
    ext = _pending(task)
    assert ext is not None  # the guard ran inside the same transaction
    ext.decision, ext.decision_reason = c.data["decision"], c.data.get("reason", "").strip()
    ext.decided_by_id, ext.decided_at = getattr(c.actor, "pk", None), c.now
    ext.save()
    approved = task.extensions.filter(decision=Decision.APPROVED).values_list("decided_at", "new_deadline")
    task.due_on = rules.effective_deadline(task.deadline, list(approved))
    kind = "extension_approved" if ext.decision == Decision.APPROVED else "extension_refused"
    c.log(task.directive, task, kind, {"new_deadline": ext.new_deadline, "due_on": task.due_on})


class CompleteSchema(serializers.Serializer[Any]):
    result_number = serializers.CharField(label="Số văn bản kết quả", max_length=60)
    result_date = _date("Ngày văn bản kết quả")
    summary = _text("Kết quả thực hiện", required=False)


@command(
    name="complete",
    label="Báo cáo hoàn thành",
    target=TASK,
    action=Action.REPORT_REFORM,
    at_lead_unit=True,
    sources=(Status.IN_PROGRESS,),
    schema=CompleteSchema,
    file_label="Tệp văn bản kết quả (không bắt buộc)",
    done="Đã ghi nhận hoàn thành nhiệm vụ.",
)
def complete(c: Ctx) -> None:
    task, d = c.target, c.data
    if not task.directive.issued_on <= d["result_date"] <= c.today:
        msg = "Ngày văn bản kết quả phải từ ngày giao đến hôm nay."
        raise AssignmentError(msg, "result_date", {"result_date": msg})
    row = Completion(
        task=task,
        completed_at=c.now,
        result_number=" ".join(d["result_number"].split()),
        result_date=d["result_date"],
        summary=d.get("summary", "").strip(),
        by_id=getattr(c.actor, "pk", None),
    )
    c.store_file(row)
    row.save()
    task.extensions.filter(decision=Decision.PENDING).update(decision=Decision.WITHDRAWN, decided_at=c.now)
    task.status, task.percent = Status.COMPLETED, 100
    result = rules.outcome(task.due_on, c.today, c.today)
    c.log(
        task.directive,
        task,
        "completed",
        {"result_number": row.result_number, "result_date": row.result_date, "due_on": task.due_on, "outcome": result},
    )


# --- running the table ---------------------------------------------------------------------------


def check(name: str, actor: Any, target: Any) -> tuple[str, str]:
    """(code, Vietnamese reason) why `actor` may not run `name` on `target` now; ("", "") when allowed."""
    cmd = TABLE[name]
    kind = NEW if target is None else DIRECTIVE if isinstance(target, Directive) else TASK
    if cmd.target != kind:
        return "wrong_target", "Thao tác không áp dụng cho đối tượng này."
    if cmd.sources and target.status not in cmd.sources:
        return "illegal_transition", "Không thể thực hiện ở trạng thái hiện tại."
    if not access.can(actor, cmd.action, target.lead_unit if cmd.at_lead_unit else None):
        return "forbidden", "Bạn không có quyền thực hiện thao tác này."
    why = cmd.guard(target) if target is not None else ""
    return ("guard", why) if why else ("", "")


def offered(actor: Any, target: Any) -> list[Command]:
    return [c for name, c in TABLE.items() if not check(name, actor, target)[0]]


def _lock(target: Any) -> Any:
    if target is None:
        return None
    if isinstance(target, Task):
        return Task.objects.select_for_update().select_related("directive", "lead_unit").get(pk=target.pk)
    return Directive.objects.select_for_update().get(pk=target.pk)


def execute(
    name: str,
    actor: Any,
    target: Any,
    data: dict[str, Any] | None = None,
    upload: Upload | None = None,
    now: datetime | None = None,
) -> Any:
    """Run one command in one transaction: lock → state → permission → guard → input → run → save.

    Returns the new directive or task (create/assign) or the task acted on. A repeated nonce
    (`data["nonce"]`) returns the earlier result without writing anything.
    """
    if name not in TABLE:
        raise AssignmentError("Thao tác không tồn tại.", "unknown_command")
    cmd = TABLE[name]
    now = now or timezone.now()
    data = nfc_deep(dict(data)) if isinstance(data, dict) else {}
    key = str(data.pop("nonce", "") or "")[:64] or None
    try:
        return _run(cmd, actor, target, data, upload, now, key)
    except IntegrityError:
        # A concurrent twin of this submission won the race (same nonce), or a unique number was
        # taken meanwhile: answer like a retry, or with a message, never with a 500.
        earlier = Event.objects.filter(key=key).select_related("task", "directive").first() if key else None
        if earlier is not None:
            return earlier.task or earlier.directive
        raise AssignmentError("Dữ liệu vừa được thay đổi bởi thao tác khác, vui lòng thử lại.", "conflict") from None


def _run(
    cmd: Command, actor: Any, target: Any, data: dict[str, Any], upload: Upload | None, now: datetime, key: str | None
) -> Any:
    with transaction.atomic():
        if key and (earlier := Event.objects.filter(key=key).select_related("task", "directive").first()):
            return earlier.task or earlier.directive
        target = _lock(target)
        code, why = check(cmd.name, actor, target)
        if code == "forbidden":
            raise PermissionDenied(why)
        if code:
            raise AssignmentError(why, code)
        for fname, fld in cmd.schema().fields.items():  # an empty optional date/number box means "none"
            if data.get(fname) == "" and fld.allow_null:
                data[fname] = None
        schema = cmd.schema(data=data)
        if not schema.is_valid():
            fields = {k: str(v[0]) if isinstance(v, list) else str(v) for k, v in schema.errors.items()}
            if "non_field_errors" in fields:
                fields["form"] = fields.pop("non_field_errors")
            raise AssignmentError(next(iter(fields.values()), "Dữ liệu không hợp lệ."), "invalid_input", fields)
        ctx = Ctx(target, actor, dict(schema.validated_data), now, upload, key)
        cmd.run(ctx)
        if isinstance(target, Task):
            target.version += 1
            target.save()
            return target
    return ctx.result
