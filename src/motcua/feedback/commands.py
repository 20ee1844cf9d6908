"""The feedback command table: every write to a feedback is one `Command`, run by `execute`.

One declaration drives the back-office buttons and forms (`offered`, `schema`) and the server-side
checks (status, permission at the handling unit, input): the screens show a button exactly when
`execute` would accept it. Each run appends events to the hash-chained history (`append`).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from motcua.core.text import nfc
from motcua.feedback import rules
from motcua.feedback.chain import canonical_bytes, event_hash
from motcua.feedback.models import Case, Feedback, FeedbackEvent, Status, Topic
from motcua.organizations import access
from motcua.organizations.access import Action

# Outbox message kind for the national portal's PAKN system (delivered by the national-portal adapter).
PORTAL_CHANNEL = "dvcqg"
PUBLISHED_TEMPLATE = "pakn_answer_published"
SUPPLEMENT_TEMPLATE = "pakn_supplement_request"


class FeedbackError(Exception):
    """A refusal: Vietnamese message, stable code, optional per-field messages."""

    def __init__(self, message: str, code: str = "invalid", fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


def calendar_of(fb: Feedback) -> Any:
    from motcua.calendar.service import calendar_for_unit

    return calendar_for_unit(fb.unit)


# --- the history ---------------------------------------------------------------------------------


def append(fb: Feedback, type: str, actor: Any, at: datetime, payload: dict[str, Any] | None = None) -> FeedbackEvent:
    """Append one event to the chain and move the row's head (inside the caller's transaction)."""
    payload = json.loads(json.dumps(payload or {}, default=str))
    seq = fb.event_count + 1
    actor_id = getattr(actor, "pk", None)
    h = event_hash(
        fb.last_event_hash,
        canonical_bytes(code=fb.code, seq=seq, type=type, actor_id=actor_id, at=at, payload=payload),
    )
    ev = FeedbackEvent.objects.create(
        feedback=fb, seq=seq, type=type, actor_id=actor_id, at=at, payload=payload, hash=h
    )
    fb.event_count, fb.last_event_hash = seq, h
    fb.version += 1
    return ev


def record_step(fb: Feedback, kind: str, start: datetime, done: datetime) -> bool:
    """Add a step to the row's timing (contracts §9.1); returns whether it met its limit."""
    [entry] = rules.evaluate(calendar_of(fb), [rules.Step(kind, start, done)])
    fb.steps = [*fb.steps, entry]
    fb.late = fb.late or not entry["met"]
    return bool(entry["met"])


def refresh_due(fb: Feedback) -> None:
    fb.due_step, fb.due_at = rules.next_due(calendar_of(fb), fb.status, fb.clock_start, fb.answered_at)


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- the table -----------------------------------------------------------------------------------


@dataclass
class Ctx:
    fb: Feedback
    actor: Any
    data: dict[str, Any]
    now: datetime


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    sources: tuple[str, ...]
    action: str
    schema: type[serializers.Serializer[Any]]
    run: Callable[[Ctx], None]
    guard: Callable[[Feedback], str] = field(default=lambda fb: "")
    done: str = "Đã thực hiện."


TABLE: dict[str, Command] = {}


def command(**kw: Any) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        c = Command(run=fn, **kw)
        TABLE[c.name] = c
        return fn

    return deco


class ClassifySchema(serializers.Serializer[Any]):
    case = serializers.ChoiceField(choices=Case.choices, label="Phân loại")
    topic = serializers.ChoiceField(choices=Topic.choices, label="Nội dung về", default=Topic.OTHER)
    target_unit = serializers.CharField(
        label="Chuyển đến đơn vị (mã)", required=False, allow_blank=True, default="", max_length=64
    )
    reason = serializers.CharField(
        label="Lý do, ghi chú",
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        style={"base_template": "textarea.html"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["case"] == Case.NOT_ACCEPTED and not attrs.get("reason", "").strip():
            raise serializers.ValidationError({"reason": "Ghi rõ lý do không tiếp nhận."})
        if attrs["case"] in (Case.OFFICIAL_CONDUCT, Case.OUTSIDE_AUTHORITY) and not attrs.get("target_unit"):
            raise serializers.ValidationError({"target_unit": "Chọn đơn vị có thẩm quyền để chuyển."})
        return attrs


@command(
    name="classify",
    label="Phân loại, xử lý bước đầu",
    sources=(Status.RECEIVED, Status.FORWARDED),
    action=Action.HANDLE_FEEDBACK,
    schema=ClassifySchema,
    done="Đã phân loại phản ánh, kiến nghị.",
)
def classify(c: Ctx) -> None:
    from motcua.organizations.models import Unit

    fb, case = c.fb, c.data["case"]
    fb.case, fb.topic = case, c.data.get("topic") or fb.topic
    if case == Case.NOT_ACCEPTED:
        met = record_step(fb, "reject", fb.clock_start, c.now)
        fb.status, fb.rejected_at, fb.reason = Status.REJECTED, c.now, c.data["reason"].strip()
        append(fb, "rejected", c.actor, c.now, {"case": case, "reason": fb.reason, "met": met})
    elif case == Case.WITHIN_AUTHORITY:
        fb.status = Status.PROCESSING
        append(fb, "accepted", c.actor, c.now, {"case": case, "topic": fb.topic})
    else:
        target = Unit.objects.filter(code=c.data["target_unit"].strip()).first()
        if target is None:
            raise FeedbackError("Không có đơn vị này.", "unknown_unit", {"target_unit": "Không có đơn vị này."})
        if target.pk == fb.unit_id:
            raise FeedbackError(
                "Không thể chuyển cho chính đơn vị đang xử lý.", "same_unit", {"target_unit": "Chọn đơn vị khác."}
            )
        met = record_step(fb, "forward", fb.clock_start, c.now)
        source = fb.unit.code
        fb.unit, fb.status, fb.forwarded_at, fb.clock_start = target, Status.FORWARDED, c.now, c.now
        fb.assignee = None
        append(
            fb,
            "forwarded",
            c.actor,
            c.now,
            {"case": case, "from": source, "to": target.code, "reason": c.data.get("reason", ""), "met": met},
        )


class SupplementSchema(serializers.Serializer[Any]):
    message = serializers.CharField(
        label="Nội dung cần bổ sung", max_length=4000, style={"base_template": "textarea.html"}
    )


def _notify_submitter(fb: Feedback, key: str, template: str, context: dict[str, Any]) -> None:
    from motcua.notifications.outbox import enqueue

    if fb.submitter_email:
        enqueue(key=f"{key}:email", channel="email", recipient=fb.submitter_email, template=template, context=context)
    elif fb.submitter_phone:
        enqueue(key=f"{key}:sms", channel="sms", recipient=fb.submitter_phone, template=template, context=context)


@command(
    name="request_supplement",
    label="Yêu cầu bổ sung thông tin",
    sources=(Status.RECEIVED, Status.FORWARDED, Status.PROCESSING),
    action=Action.HANDLE_FEEDBACK,
    schema=SupplementSchema,
    guard=lambda fb: "Đã yêu cầu bổ sung một lần." if fb.supplement_requested_at else "",
    done="Đã gửi yêu cầu bổ sung cho người gửi.",
)
def request_supplement(c: Ctx) -> None:
    fb = c.fb
    met = record_step(fb, "supplement", fb.clock_start, c.now)
    fb.status, fb.supplement_requested_at = Status.SUPPLEMENT, c.now
    append(fb, "supplement_requested", c.actor, c.now, {"message": c.data["message"], "met": met})
    if fb.channel != "portal":
        _notify_submitter(
            fb,
            f"feedback:{fb.code}:supplement",
            SUPPLEMENT_TEMPLATE,
            {"feedback_code": fb.code, "message": c.data["message"], "submitter_name": fb.submitter_name},
        )
    else:
        _to_portal(fb, "supplement", {"message": c.data["message"]})


class SupplementedSchema(serializers.Serializer[Any]):
    content = serializers.CharField(
        label="Thông tin người gửi đã bổ sung", max_length=20000, style={"base_template": "textarea.html"}
    )


@command(
    name="record_supplement",
    label="Ghi nhận thông tin bổ sung",
    sources=(Status.SUPPLEMENT,),
    action=Action.HANDLE_FEEDBACK,
    schema=SupplementedSchema,
    done="Đã ghi nhận thông tin bổ sung.",
)
def record_supplement(c: Ctx) -> None:
    fb = c.fb
    fb.content = f"{fb.content}\n\n[Bổ sung] {c.data['content'].strip()}"
    fb.status = Status.PROCESSING
    append(fb, "supplemented", c.actor, c.now, {"content": c.data["content"]})


class AnswerSchema(serializers.Serializer[Any]):
    answer = serializers.CharField(label="Nội dung trả lời", max_length=20000, style={"base_template": "textarea.html"})


@command(
    name="draft_answer",
    label="Soạn trả lời, trình lãnh đạo",
    sources=(Status.PROCESSING,),
    action=Action.HANDLE_FEEDBACK,
    schema=AnswerSchema,
    done="Đã trình dự thảo trả lời.",
)
def draft_answer(c: Ctx) -> None:
    fb = c.fb
    fb.answer, fb.status = c.data["answer"].strip(), Status.AWAITING_APPROVAL
    if fb.assignee_id is None and getattr(c.actor, "pk", None):
        fb.assignee = c.actor
    append(fb, "answer_drafted", c.actor, c.now, {"answer": fb.answer})


class NoteSchema(serializers.Serializer[Any]):
    note = serializers.CharField(
        label="Ý kiến của lãnh đạo",
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        style={"base_template": "textarea.html"},
    )


@command(
    name="return_answer",
    label="Trả lại để sửa",
    sources=(Status.AWAITING_APPROVAL,),
    action=Action.APPROVE_FEEDBACK,
    schema=NoteSchema,
    done="Đã trả lại dự thảo.",
)
def return_answer(c: Ctx) -> None:
    c.fb.status = Status.PROCESSING
    append(c.fb, "answer_returned", c.actor, c.now, {"note": c.data.get("note", "")})


def personal_values(fb: Feedback) -> list[str]:
    return [fb.submitter_name, fb.submitter_phone, fb.submitter_email, fb.submitter_address]


@command(
    name="approve_answer",
    label="Duyệt trả lời (chờ công khai)",
    sources=(Status.AWAITING_APPROVAL,),
    action=Action.APPROVE_FEEDBACK,
    schema=NoteSchema,
    done="Đã duyệt trả lời; phản ánh chờ công khai.",
)
def approve_answer(c: Ctx) -> None:
    fb = c.fb
    met = record_step(fb, "answer", fb.clock_start, c.now)
    fb.status, fb.answered_at = Status.ANSWERED, c.now
    fb.answer_public = rules.redact(fb.answer, personal_values(fb))
    fb.content_public = rules.redact(fb.content, personal_values(fb))
    fb.title_public = rules.redact(fb.title, personal_values(fb))[:300]
    append(fb, "answer_approved", c.actor, c.now, {"note": c.data.get("note", ""), "met": met})


class EmptySchema(serializers.Serializer[Any]):
    pass


def _to_portal(fb: Feedback, kind: str, extra: dict[str, Any]) -> None:
    """A message for the national portal's PAKN system (only feedback that came from it)."""
    from motcua.notifications.outbox import enqueue

    if fb.channel != "portal":
        return
    # `type`/`message_id`/`seq` as the adapter's protocol has them; seq = the feedback's event number
    # (the simulator's receiver keys feedback by its own code, so it never meets a dossier's sequence).
    document = {
        "type": f"feedback.{kind}",
        "message_id": f"feedback:{fb.code}:{kind}",
        "seq": fb.event_count,
        "kind": kind,
        "code": fb.code,
        "external_id": fb.external_id,
        "unit": fb.unit.code,
        **extra,
    }
    enqueue(
        key=f"feedback:{fb.code}:{kind}:portal",
        channel=PORTAL_CHANNEL,
        recipient=fb.external_id or fb.code,
        template=PUBLISHED_TEMPLATE if kind == "published" else f"pakn_{kind}",
        context=document,  # channel `dvcqg` sends the context itself as the signed JSON message
    )


@command(
    name="publish",
    label="Công khai kết quả trả lời",
    sources=(Status.ANSWERED,),
    action=Action.APPROVE_FEEDBACK,
    schema=EmptySchema,
    done="Đã công khai kết quả trả lời.",
)
def publish(c: Ctx) -> None:
    fb = c.fb
    assert fb.answered_at is not None
    met = record_step(fb, "publish", fb.answered_at, c.now)
    fb.status, fb.published_at = Status.PUBLISHED, c.now
    append(fb, "published", c.actor, c.now, {"met": met})
    _to_portal(
        fb,
        "published",
        {"answer": fb.answer_public, "published_at": c.now.isoformat(), "answered_at": fb.answered_at.isoformat()},
    )
    from motcua import config

    _notify_submitter(
        fb,
        f"feedback:{fb.code}:published",
        PUBLISHED_TEMPLATE,
        {
            "feedback_code": fb.code,
            "submitter_name": fb.submitter_name,
            "answer": fb.answer_public,
            "rating_url": f"{config.public_url()}/phan-anh/danh-gia/{fb.rating_token}/",
        },
    )


# --- running ------------------------------------------------------------------------------------


def refusal(name: str, actor: Any, fb: Feedback) -> str:
    """Why `actor` may not run `name` on `fb` now ("" = allowed)."""
    cmd = TABLE[name]
    if fb.status not in cmd.sources:
        return "Không thể thực hiện ở trạng thái hiện tại."
    if not access.can(actor, cmd.action, fb.unit):
        return "Bạn không có quyền thực hiện thao tác này."
    return cmd.guard(fb)


def offered(actor: Any, fb: Feedback) -> list[Command]:
    return [c for name, c in TABLE.items() if not refusal(name, actor, fb)]


def execute(
    name: str, actor: Any, fb: Feedback, data: dict[str, Any] | None = None, now: datetime | None = None
) -> Feedback:
    """Run one command in one transaction: lock → status → permission → guard → input → run → save."""
    if name not in TABLE:
        raise FeedbackError("Thao tác không tồn tại.", "unknown_command")
    cmd = TABLE[name]
    now = now or timezone.now()
    with transaction.atomic():
        fb = Feedback.objects.select_for_update().select_related("unit").get(pk=fb.pk)
        if fb.status not in cmd.sources:
            raise FeedbackError("Không thể thực hiện ở trạng thái hiện tại.", "illegal_transition")
        if not access.can(actor, cmd.action, fb.unit):
            raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
        if why := cmd.guard(fb):
            raise FeedbackError(why, "guard")
        schema = cmd.schema(data=data if isinstance(data, dict) else {})
        if not schema.is_valid():
            fields = {k: str(v[0]) if isinstance(v, list) else str(v) for k, v in schema.errors.items()}
            raise FeedbackError(next(iter(fields.values()), "Dữ liệu không hợp lệ."), "invalid_input", fields)
        cmd.run(Ctx(fb, actor, dict(schema.validated_data), now))
        refresh_due(fb)
        fb.save()
    return fb


def rate(token: str, rating: int, now: datetime | None = None) -> Feedback:
    """The submitter's rating (1–5) of a published answer, once, through the secret link."""
    now = now or timezone.now()
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise FeedbackError("Mức đánh giá phải từ 1 đến 5.", "invalid_input", {"rating": "Chọn từ 1 đến 5."})
    with transaction.atomic():
        fb = Feedback.objects.select_for_update().filter(rating_token=token).first()
        if fb is None:
            raise FeedbackError("Không tìm thấy phản ánh.", "not_found")
        if fb.status != Status.PUBLISHED:
            raise FeedbackError("Kết quả trả lời chưa được công khai.", "illegal_transition")
        if fb.rating is not None:
            raise FeedbackError("Phản ánh này đã được đánh giá.", "already_rated")
        fb.rating, fb.rated_at = rating, now
        append(fb, "rated", None, now, {"rating": rating})
        fb.save()
    return fb


def supplement_by_submitter(fb: Feedback, content: str, now: datetime | None = None) -> Feedback:
    """The submitter's own answer to a supplement request (through the national portal).

    The same step as `record_supplement` (its run function), with the submitter as the actor: no
    official's permission applies, only the status. A repeat of the same answer returns the feedback.
    """
    now = now or timezone.now()
    schema = SupplementedSchema(data={"content": nfc(content) if isinstance(content, str) else content})
    if not schema.is_valid():
        raise FeedbackError("Hãy nhập thông tin bổ sung.", "invalid_input", {"content": "Hãy nhập thông tin bổ sung."})
    data = dict(schema.validated_data)
    with transaction.atomic():
        fb = Feedback.objects.select_for_update().select_related("unit").get(pk=fb.pk)
        if fb.status != Status.SUPPLEMENT:
            last = fb.events.order_by("-seq").values_list("type", "payload").first()
            if last == ("supplemented", {"content": data["content"]}):
                return fb  # the portal retried a delivered answer
            raise FeedbackError("Phản ánh không ở trạng thái chờ bổ sung.", "illegal_transition")
        TABLE["record_supplement"].run(Ctx(fb, None, data, now))
        refresh_due(fb)
        fb.save()
    return fb
