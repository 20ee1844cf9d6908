"""What every dossier command shares: the actor types, errors, the locked-row context, and the one
way to append a hash-chained event (plus the duties, outbox messages and files that go with it).

Nothing here decides *whether* an operation is allowed: that is the command table (`table.py`)
run by the pipeline (`pipeline.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Procedure, ProcessStep
from motcua.documents import files
from motcua.documents.models import Document
from motcua.dossiers import clock, lifecycle
from motcua.dossiers.chain import canonical_bytes, event_hash
from motcua.dossiers.derive import State, derive
from motcua.dossiers.derive import apply as apply_event
from motcua.dossiers.models import Dossier, DossierEvent, Duty, Status, StepRun
from motcua.dossiers.signals import dossier_state_changed
from motcua.notifications import outbox
from motcua.organizations.models import Role, Unit
from motcua.organizations.names import display_name
from motcua.trust import keys

if TYPE_CHECKING:
    from motcua.dossiers.commands.table import Command

# Fields analytics rollups count; sent as `before` with `dossier_state_changed`.
COUNTED_FIELDS = (
    "status",
    "unit_id",
    "procedure_id",
    "channel",
    "received_at",
    "due_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "fee_amount",
    "paid_online",
    "digitized",
    "reused",
    "e_result",
    "synced_national",
    "negative_feedback",
    "handled_by_id",
)


class _System:
    """The actor of periodic jobs and trusted callbacks (no role check, no user id)."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True

    def __str__(self) -> str:
        return "system"


SYSTEM: Any = _System()


class DossierError(ValidationError):
    """A refused operation: Vietnamese message for the user plus a stable `code` for programs.

    `conflict` errors (the dossier changed, or its state does not allow the command) answer 409
    in the API; the others are bad input (400).
    """

    CONFLICTS = frozenset({"stale_version", "illegal_transition", "idempotency_conflict"})

    def __init__(self, message: str, code: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, code=code)
        self.code = code
        self.fields = fields or {}

    @property
    def conflict(self) -> bool:
        return self.code in self.CONFLICTS


@dataclass(frozen=True)
class Upload:
    """A file handed to a command (from a form, the API or a test)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Applicant:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


EVENT_LABELS = {
    "submitted": gettext_lazy("nộp hồ sơ"),
    "received": gettext_lazy("tiếp nhận hồ sơ"),
    "refused": gettext_lazy("từ chối tiếp nhận"),
    "supplement_requested": gettext_lazy("yêu cầu bổ sung"),
    "supplement_supplied": gettext_lazy("nhận hồ sơ bổ sung"),
    "closed": gettext_lazy("đóng hồ sơ không bổ sung"),
    "step_started": gettext_lazy("bắt đầu bước xử lý"),
    "step_completed": gettext_lazy("hoàn thành bước xử lý"),
    "fee_requested": gettext_lazy("yêu cầu thực hiện nghĩa vụ tài chính"),
    "fee_confirmed": gettext_lazy("xác nhận đã nộp phí"),
    "clock_paused": gettext_lazy("tạm dừng tính thời gian"),
    "clock_resumed": gettext_lazy("tiếp tục tính thời gian"),
    "stopped": gettext_lazy("dừng giải quyết"),
    "apology_recorded": gettext_lazy("xin lỗi và hẹn lại"),
    "apology_approved": gettext_lazy("duyệt văn bản xin lỗi"),
    "finished": gettext_lazy("hoàn thành giải quyết"),
    "early_return_notice": gettext_lazy("báo trả kết quả sớm"),
    "returned": gettext_lazy("trả kết quả"),
    "withdrawn": gettext_lazy("rút hồ sơ"),
    "document_attached": gettext_lazy("đính kèm tài liệu"),
    "result_recorded": gettext_lazy("cập nhật kết quả"),
    "linked_spawned": gettext_lazy("tạo hồ sơ liên thông"),
    "document_routed": gettext_lazy("chuyển văn bản về đơn vị chủ trì"),
    "due_recomputed": gettext_lazy("tính lại hạn giải quyết"),
    "unit_transferred": gettext_lazy("chuyển đơn vị do sắp xếp tổ chức"),
}


def now_or(now: datetime | None) -> datetime:
    t = now or timezone.now()
    if timezone.is_naive(t):
        raise ValueError("now must be timezone-aware")
    return t


def illegal(d: Dossier | None, type_: str, status: str | None) -> DossierError:
    label = Status(status).label if status else _("chưa có hồ sơ")
    return DossierError(
        _("Không thể thực hiện “%(action)s” khi hồ sơ %(code)s đang ở trạng thái “%(status)s”.")
        % {"action": EVENT_LABELS.get(type_, type_), "code": d.code if d else "", "status": label},
        "illegal_transition",
    )


def lock(dossier: Dossier | int, expected_version: int | None = None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    d = Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "unit", "receiving_unit").get(pk=pk)
    if expected_version is not None and d.version != expected_version:
        raise DossierError(
            _("Hồ sơ %(code)s vừa được người khác cập nhật; vui lòng tải lại và thử lại.") % {"code": d.code},
            "stale_version",
        )
    return d


def events(d: Dossier) -> list[tuple[str, datetime, dict[str, Any]]]:
    if d.event_count == 0:
        return []
    return list(DossierEvent.objects.filter(dossier=d).order_by("seq").values_list("type", "at", "payload"))


def state_of(d: Dossier) -> State:
    return derive(events(d))


def receiving(d: Dossier) -> Unit:
    return d.receiving_unit or d.unit


def calendar(d: Dossier) -> clock.Calendar:
    return clock.calendar_for(d.unit.calendar_name)


def deadline_of(procedure: Procedure) -> clock.Deadline:
    return clock.Deadline(Decimal(procedure.deadline_amount), procedure.deadline_unit, procedure.cutoff)


def apology_deadline(cal: clock.Calendar, due: datetime) -> datetime:
    """End of the working day before the due date: the latest time for an apology and new date (art. 19(6))."""
    day = clock.local_date(due) - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(17), clock.TZ)


# ---- process steps ----------------------------------------------------------------------------


def step_unit(d: Dossier, step: ProcessStep | None) -> Unit:
    """Where a step is done: its own unit; else one-stop (clerk) steps at the receiving unit, others at the competent one."""
    if step is not None and step.unit is not None:
        return step.unit
    if step is not None and step.role == Role.CLERK:
        return receiving(d)
    return d.unit


def definition_steps(d: Dossier) -> list[ProcessStep]:
    if d.process_definition_id is None:
        return []
    return list(
        ProcessStep.objects.filter(definition_id=d.process_definition_id).select_related("unit").order_by("order")
    )


def open_runs(d: Dossier) -> list[StepRun]:
    return list(
        StepRun.objects.filter(dossier=d, finished_at__isnull=True).select_related("unit").order_by("event_seq")
    )


def next_steps(d: Dossier) -> list[ProcessStep]:
    """The steps that may start now: the first not-completed step and those in its parallel group."""
    runs = list(StepRun.objects.filter(dossier=d).values_list("order", "finished_at"))
    done = {order for order, finished in runs if finished is not None}
    running = {order for order, finished in runs if finished is None}
    pending = [s for s in definition_steps(d) if s.order not in done]
    if not pending:
        return []
    first = pending[0]
    group = [s for s in pending if first.parallel_group and s.parallel_group == first.parallel_group]
    return [s for s in (group or [first]) if s.order not in running]


def missing_steps(d: Dossier) -> list[ProcessStep]:
    done = set(StepRun.objects.filter(dossier=d).values_list("order", flat=True))
    return [s for s in definition_steps(d) if s.order not in done]


# ---- the context a command runs in ------------------------------------------------------------


@dataclass
class Ctx:
    """One command on one locked dossier: who, when, and the state derived from its events."""

    command: Command
    actor: Any
    at: datetime
    dossier: Dossier | None = None
    state: State = field(default_factory=State)
    unit: Unit | None = None  # intake commands: the unit in the input
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def d(self) -> Dossier:
        assert self.dossier is not None
        return self.dossier

    def cached(self, key: str, compute: Any) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def open_runs(self) -> list[StepRun]:
        found: list[StepRun] = self.cached("open_runs", lambda: open_runs(self.d))
        return found

    def next_steps(self) -> list[ProcessStep]:
        found: list[ProcessStep] = self.cached("next_steps", lambda: next_steps(self.d))
        return found

    def definition_steps(self) -> list[ProcessStep]:
        found: list[ProcessStep] = self.cached("definition_steps", lambda: definition_steps(self.d))
        return found


# ---- writing ----------------------------------------------------------------------------------


def actor_label(actor: Any) -> str:
    """The name the history shows for an actor (hashed into the event): an official's display name."""
    if actor is None:
        return ""
    if getattr(actor, "pk", None) is None:
        return str(actor)
    return display_name(actor)


def applicant_facts(d: Dossier) -> dict[str, Any]:
    """The applicant as the first event records it (`motcua audit verify` compares the row with it)."""
    return {
        "name": d.applicant_name,
        "id_number": d.applicant_id_number,
        "phone": d.applicant_phone,
        "email": d.applicant_email,
        "address": d.applicant_address,
        "user": d.applicant_user_id,
    }


def _snapshot(d: Dossier) -> dict[str, Any]:
    return {name: getattr(d, name) for name in COUNTED_FIELDS}


def append(
    d: Dossier,
    type_: str,
    actor: Any,
    at: datetime,
    payload: dict[str, Any],
    *,
    state: State | None = None,
    changes: dict[str, Any] | None = None,
    new: bool = False,
) -> DossierEvent:
    """Append one event to a locked (or new) dossier, refresh its cached state and notify listeners.

    `changes` are other columns the same operation sets (fee, flags); they are saved with the
    cached state so `dossier_state_changed` receivers see the final row.
    """
    before = None if new else _snapshot(d)
    state = state if state is not None else state_of(d)
    if not lifecycle.allowed(state.status, type_):
        raise illegal(d, type_, state.status)
    if d.event_count == 0:
        # The first event carries who the applicant is: the row's columns are checked against it.
        payload = {**payload, "applicant": applicant_facts(d)}
    apply_event(state, type_, at, payload)
    seq = d.event_count + 1
    actor_id = getattr(actor, "pk", None)
    label = actor_label(actor)
    data = canonical_bytes(
        dossier_code=d.code, seq=seq, type=type_, actor_id=actor_id, at=at, payload=payload, actor_label=label
    )
    digest = event_hash(d.last_event_hash, data)
    event = DossierEvent(
        dossier=d,
        seq=seq,
        type=type_,
        actor_id=actor_id,
        actor_label=label,
        at=at,
        payload=payload,
        prev_hash=d.last_event_hash,
        hash=digest,
    )
    d.last_event_hash, d.event_count = digest, seq
    d.head_seal = keys.seal(d.code, seq, digest)
    for name, value in {**(changes or {}), **state.cached()}.items():
        setattr(d, name, value)
    if new:
        d.save(force_insert=True)
    else:
        d.version += 1
        d.save()
    event.dossier = d
    event.save(force_insert=True)
    dossier_state_changed.send(sender=Dossier, dossier=d, before=before)
    return event


def notify(d: Dossier, template: str, seq: int, context: dict[str, Any]) -> None:
    """Enqueue a citizen-facing message (same transaction). Liên thông sub-dossiers speak through the lead unit."""
    target = d.parent if d.parent_id else d
    assert target is not None
    if target.applicant_email:
        channel, recipient = "email", target.applicant_email
    elif target.applicant_phone:
        channel, recipient = "sms", target.applicant_phone
    else:
        return
    outbox.enqueue(
        key=f"{d.code}:{seq}:{template}",
        channel=channel,
        recipient=recipient,
        template=template,
        context={
            "code": target.code,
            "sub_code": d.code if target is not d else "",
            "procedure": d.procedure.name,
            "unit": receiving(target).name,
            **context,
        },
        dossier=target,
    )


def set_duty(d: Dossier, kind: str, due_at: datetime) -> None:
    Duty.objects.update_or_create(
        dossier=d, kind=kind, defaults={"due_at": due_at, "met_at": None, "warned_at": None, "breached_at": None}
    )


def meet(d: Dossier, kinds: Iterable[str], at: datetime) -> None:
    Duty.objects.filter(dossier=d, kind__in=list(kinds), met_at__isnull=True).update(met_at=at)


def store(
    d: Dossier,
    upload: Upload,
    *,
    kind: str,
    component: str,
    actor: Any,
    at: datetime,
    seq: int,
    digitized: bool = False,
    reused: bool = False,
    result_code: str = "",
    from_unit: Unit | None = None,
) -> Document:
    try:
        checked = files.check(upload.name, upload.data, settings.MAX_UPLOAD_BYTES)
    except files.FileRejected as exc:
        raise DossierError(str(exc), f"file_{exc.code}") from exc
    doc = Document(
        dossier=d,
        kind=kind,
        component=component,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        digitized=digitized,
        reused=reused,
        result_code=result_code,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=at,
        event_seq=seq,
        from_unit=from_unit,
    )
    # Content-addressed name: a rolled-back transaction leaves at most an unreferenced file behind.
    doc.file.save(f"{checked.sha256[:16]}-{checked.filename}", ContentFile(upload.data), save=False)
    doc.save()
    return doc


def doc_payload(doc: Document) -> dict[str, Any]:
    return {"document": doc.pk, "sha256": doc.sha256, "filename": doc.filename, "kind": doc.kind}


def close_steps(d: Dossier, at: datetime) -> None:
    StepRun.objects.filter(dossier=d, finished_at__isnull=True).update(finished_at=at)
