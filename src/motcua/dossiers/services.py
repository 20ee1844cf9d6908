"""Every change to a dossier goes through one function here.

Each service: checks the actor's role over the right unit (`organizations.access`), runs in one
transaction with the dossier row locked (`select_for_update`, optional optimistic `expected_version`),
checks the lifecycle table, appends a hash-chained event (server time, actor, payload), refreshes
the cached state from the events, sends `dossier_state_changed`, enqueues citizen-facing messages in
the same transaction and defers other side effects with `transaction.on_commit`.

`now` defaults to the server clock; tests and imports pass it explicitly (frozen time).
`actor` is the authenticated user, or `SYSTEM` for periodic jobs and gateway callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import LinkedGroup, Procedure, ProcessDefinition, ProcessStep, RequiredComponent
from motcua.documents import files
from motcua.documents.models import Document, Kind
from motcua.dossiers import clock, lifecycle
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash
from motcua.dossiers.derive import CACHED_FIELDS, State, derive
from motcua.dossiers.derive import apply as apply_event
from motcua.dossiers.models import (
    Channel,
    CodeCounter,
    Dossier,
    DossierEvent,
    Duty,
    DutyKind,
    Status,
    StepRun,
)
from motcua.dossiers.signals import dossier_state_changed
from motcua.notifications import outbox
from motcua.organizations import access
from motcua.organizations.models import Role, Unit

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

    def __str__(self) -> str:
        return "system"


SYSTEM: Any = _System()


class DossierError(ValidationError):
    """A refused operation: Vietnamese message for the user plus a stable `code` for programs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)
        self.code = code


@dataclass(frozen=True)
class Upload:
    """A file handed to a service (from a form, the API or a test)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Applicant:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


STAFF = (Role.CLERK, Role.SPECIALIST, Role.LEADER)
PROCESSORS = (Role.SPECIALIST, Role.LEADER)

# ---------------------------------------------------------------------------------------------
# Small helpers


def _now(now: datetime | None) -> datetime:
    t = now or timezone.now()
    if timezone.is_naive(t):
        raise ValueError("now must be timezone-aware")
    return t


def _check_role(
    actor: Any, unit: Unit, *roles: str, dossier: Dossier | None = None, applicant_ok: bool = False
) -> None:
    if actor is SYSTEM:
        return
    if (
        applicant_ok
        and dossier is not None
        and dossier.applicant_user_id is not None
        and getattr(actor, "pk", None) == dossier.applicant_user_id
    ):
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Bạn cần đăng nhập để thực hiện thao tác này."))
    access.require_role(actor, unit, *roles)


def _receiving(d: Dossier) -> Unit:
    return d.receiving_unit or d.unit


def _calendar(d: Dossier) -> clock.Calendar:
    return clock.calendar_for(d.unit.calendar_name)


def _deadline(procedure: Procedure) -> clock.Deadline:
    return clock.Deadline(Decimal(procedure.deadline_amount), procedure.deadline_unit, procedure.cutoff)


def _lock(dossier: Dossier | int, expected_version: int | None = None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    d = Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "unit", "receiving_unit").get(pk=pk)
    if expected_version is not None and d.version != expected_version:
        raise DossierError(
            _("Hồ sơ %(code)s vừa được người khác cập nhật; vui lòng tải lại và thử lại.") % {"code": d.code},
            "stale_version",
        )
    return d


def _events(d: Dossier) -> list[tuple[str, datetime, dict[str, Any]]]:
    if d.event_count == 0:
        return []
    return list(DossierEvent.objects.filter(dossier=d).order_by("seq").values_list("type", "at", "payload"))


def _state(d: Dossier) -> State:
    return derive(_events(d))


def _snapshot(d: Dossier) -> dict[str, Any]:
    return {name: getattr(d, name) for name in COUNTED_FIELDS}


def _illegal(d: Dossier | None, type_: str, status: str | None) -> DossierError:
    label = Status(status).label if status else _("chưa có hồ sơ")
    return DossierError(
        _("Không thể thực hiện “%(action)s” khi hồ sơ %(code)s đang ở trạng thái “%(status)s”.")
        % {"action": ACTION_LABELS.get(type_, type_), "code": d.code if d else "", "status": label},
        "illegal_transition",
    )


ACTION_LABELS = {
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
}


def _append(
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
    state = state if state is not None else _state(d)
    status_before = state.status
    if not lifecycle.allowed(status_before, type_):
        raise _illegal(d, type_, status_before)
    apply_event(state, type_, at, payload)
    seq = d.event_count + 1
    actor_id = getattr(actor, "pk", None)
    data = canonical_bytes(dossier_code=d.code, seq=seq, type=type_, actor_id=actor_id, at=at, payload=payload)
    digest = event_hash(d.last_event_hash, data)
    event = DossierEvent(
        dossier=d,
        seq=seq,
        type=type_,
        actor_id=actor_id,
        actor_label=str(actor) if actor is not None else "",
        at=at,
        payload=payload,
        prev_hash=d.last_event_hash,
        hash=digest,
    )
    d.last_event_hash, d.event_count = digest, seq
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


def _notify(d: Dossier, template: str, seq: int, context: dict[str, Any]) -> None:
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
            "unit": _receiving(target).name,
            **context,
        },
        dossier=target,
    )


def _duty(d: Dossier, kind: str, due_at: datetime) -> None:
    Duty.objects.update_or_create(
        dossier=d, kind=kind, defaults={"due_at": due_at, "met_at": None, "warned_at": None, "breached_at": None}
    )


def _meet(d: Dossier, kinds: Iterable[str], at: datetime) -> None:
    Duty.objects.filter(dossier=d, kind__in=list(kinds), met_at__isnull=True).update(met_at=at)


def _store(
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


def _doc_payload(doc: Document) -> dict[str, Any]:
    return {"document": doc.pk, "sha256": doc.sha256, "filename": doc.filename, "kind": doc.kind}


def _require_reason_and_evidence(reason: str, evidence: Upload | None) -> None:
    if not reason or not reason.strip():
        raise DossierError(_("Phải nêu lý do."), "reason_required")
    if evidence is None or not evidence.data:
        raise DossierError(
            _("Phải đính kèm tệp tài liệu chứng minh (căn cứ) cho việc dừng hoặc tạm dừng tính thời gian."),
            "evidence_required",
        )


# ---------------------------------------------------------------------------------------------
# Dossier codes


def allocate_code(prefix: str, day: Any) -> str:
    """Next code `<prefix>-YYMMDD-NNNN` for a unit and local day, atomic on SQLite and PostgreSQL.

    One upsert statement increments the counter row and returns the new value; concurrent
    transactions serialise on that row (PostgreSQL row lock; SQLite's IMMEDIATE write lock).
    """
    table = CodeCounter._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [prefix, day],
        )
        (number,) = cur.fetchone()
    return f"{prefix}-{day:%y%m%d}-{number:04d}"


# ---------------------------------------------------------------------------------------------
# Intake


def _idempotent(key: str | None, create: Callable[[], Dossier]) -> Dossier:
    """Run `create` once per client key: a retry (even a concurrent one) returns the first dossier."""
    if key:
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        if key:
            existing = Dossier.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
        raise


def _allocate_code_and_pin(prefix: str, procedure: Procedure, at: datetime) -> tuple[str, ProcessDefinition | None]:
    """`allocate_code` and `_pinned_definition` in one round trip (intake's hot path).

    The counter upsert is the same statement as `allocate_code` (same row lock, same atomicity);
    its RETURNING clause also selects the pinned process definition (id, version) with the same
    rule as `_pinned_definition`: the highest active version effective on the local receipt day.
    The definition is returned as a partial instance (other fields load on first access).
    """
    day = clock.local_date(at)
    table = CodeCounter._meta.db_table
    pd = ProcessDefinition._meta.db_table
    pick = (
        f"FROM {pd} WHERE procedure_id = %s AND active = %s AND (effective_from IS NULL OR effective_from <= %s) "
        "ORDER BY version DESC LIMIT 1"
    )
    day_param = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 "
            f"RETURNING last, (SELECT id {pick}), (SELECT version {pick})",
            [prefix, day, procedure.pk, True, day_param, procedure.pk, True, day_param],
        )
        number, definition_id, version = cur.fetchone()
    definition = None
    if definition_id is not None:
        definition = ProcessDefinition.from_db(
            connection.alias, ["id", "procedure_id", "version"], [definition_id, procedure.pk, version]
        )
    return f"{prefix}-{day:%y%m%d}-{number:04d}", definition


def _pinned_definition(procedure: Procedure, at: datetime) -> ProcessDefinition | None:
    day = clock.local_date(at)
    candidates = ProcessDefinition.objects.filter(procedure=procedure, active=True).order_by("-version")
    for definition in candidates:
        if definition.effective_from is None or definition.effective_from <= day:
            return definition
    return None


def _new_dossier(
    *,
    procedure: Procedure,
    unit: Unit,
    receiving_unit: Unit | None,
    channel: str,
    applicant: Applicant,
    at: datetime,
    idempotency_key: str | None,
    applicant_user: Any = None,
    code: str | None = None,
    parent: Dossier | None = None,
    linked_group: LinkedGroup | None = None,
) -> Dossier:
    if channel not in Channel.values:
        raise DossierError(_("Hình thức nộp không hợp lệ."), "bad_channel")
    prefix = (receiving_unit or unit).code if linked_group is not None else unit.code
    if code:
        definition = _pinned_definition(procedure, at)
    else:
        code, definition = _allocate_code_and_pin(prefix, procedure, at)
    return Dossier(
        code=code,
        procedure=procedure,
        process_definition=definition,
        unit=unit,
        receiving_unit=receiving_unit or unit,
        channel=channel,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        applicant_user=applicant_user if getattr(applicant_user, "pk", None) else None,
        fee_amount=procedure.fee,
        received_at=at,
        status=Status.SUBMITTED,
        idempotency_key=idempotency_key or None,
        parent=parent,
        linked_group=linked_group,
        last_event_hash=GENESIS,
        event_count=0,
    )


def _received_payload(d: Dossier, received_at: datetime, deadline: clock.Deadline | None = None) -> dict[str, Any]:
    cal = _calendar(d)
    deadline = deadline or _deadline(d.procedure)
    official, due = clock.compute_due(cal, received_at, deadline)
    return {
        "received_at": clock.iso(received_at),
        "official_receipt": clock.iso(official),
        "due_at": clock.iso(due),
        "deadline": deadline.as_payload(),
        "regime": clock.regime_for(official).code,
        "channel": d.channel,
        "process_version": d.process_definition.version if d.process_definition else None,
    }


def _after_receipt(d: Dossier, at: datetime, seq: int) -> None:
    """Duties and the receipt message of a dossier just received (its duties are new: one INSERT)."""
    cal = _calendar(d)
    assert d.due_at is not None
    duties = [
        Duty(dossier=d, kind=DutyKind.RESOLUTION, due_at=d.due_at),
        Duty(dossier=d, kind=DutyKind.APOLOGY, due_at=apology_deadline(cal, d.due_at)),
    ]
    if d.channel != Channel.ONLINE:
        # Decree 118 art. 18: a paper dossier reaches the competent agency the same working day,
        # or the next working morning when received after 15:00.
        official = cal.official_receipt(at)
        if clock.local_date(official) == clock.local_date(at) and official.astimezone(clock.TZ).time() < time(15):
            transfer_due = datetime.combine(clock.local_date(official), time(17), clock.TZ)
        else:
            next_morning = cal.official_receipt(datetime.combine(clock.local_date(at), time(23, 59), clock.TZ))
            transfer_due = cal.advance(next_morning, timedelta(hours=4, minutes=30))
        duties.append(Duty(dossier=d, kind=DutyKind.PAPER_TRANSFER, due_at=transfer_due))
    Duty.objects.bulk_create(duties)
    _notify(d, "receipt", seq, {"due_at": clock.iso(d.due_at), "appointment_at": clock.iso(d.appointment_at)})


def apology_deadline(cal: clock.Calendar, due: datetime) -> datetime:
    """End of the working day before the due date: the latest time for an apology and new date (art. 19(6))."""
    day = clock.local_date(due) - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(17), clock.TZ)


def submit_online(
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: Applicant,
    idempotency_key: str | None = None,
    applicant_user: Any = None,
    receiving_unit: Unit | None = None,
    now: datetime | None = None,
) -> Dossier:
    """A citizen files online: the dossier gets its code at once (status `submitted`); idempotent by key."""
    at = _now(now)
    if procedure.online == "none":
        raise DossierError(_("Thủ tục này không được cung cấp trực tuyến."), "not_online")

    def create() -> Dossier:
        d = _new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=receiving_unit,
            channel=Channel.ONLINE,
            applicant=applicant,
            at=at,
            idempotency_key=idempotency_key,
            applicant_user=applicant_user,
        )
        d.submitted_at = at
        _append(d, "submitted", applicant_user, at, {"procedure": procedure.code, "unit": unit.code}, new=True)
        cal = _calendar(d)
        _duty(d, DutyKind.ONLINE_ACCEPT, clock.add_working_hours(cal, at, 8))
        return d

    return _idempotent(idempotency_key, create)


def receive_dossier(
    actor: Any,
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: Applicant,
    channel: str = Channel.DIRECT,
    receiving_unit: Unit | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Dossier:
    """A clerk receives a complete paper (direct or postal) dossier: code, receipt event, due time, receipt slip."""
    at = _now(now)
    reception = receiving_unit or unit
    _check_role(actor, reception, Role.CLERK, Role.LEADER)
    if channel == Channel.ONLINE:
        raise DossierError(
            _("Hồ sơ trực tuyến được nộp qua cổng dịch vụ công, không tiếp nhận tại quầy."), "bad_channel"
        )

    def create() -> Dossier:
        d = _new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=receiving_unit,
            channel=channel,
            applicant=applicant,
            at=at,
            idempotency_key=idempotency_key,
        )
        event = _append(d, "received", actor, at, _received_payload(d, at), new=True)
        _after_receipt(d, at, event.seq)
        return d

    return _idempotent(idempotency_key, create)


def accept_online(
    actor: Any, dossier: Dossier | int, *, now: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Officially receive an online dossier (the clock starts at its official receipt)."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        event = _append(d, "received", actor, at, _received_payload(d, at))
        _meet(d, [DutyKind.ONLINE_ACCEPT], at)
        _after_receipt(d, at, event.seq)
        return d


def refuse_intake(
    actor: Any,
    dossier: Dossier | int | None = None,
    *,
    reason: str,
    procedure: Procedure | None = None,
    unit: Unit | None = None,
    applicant: Applicant | None = None,
    channel: str = Channel.DIRECT,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Dossier:
    """Refuse a dossier at intake (Phiếu từ chối): an online submission, or a counter visit (recorded as a dossier)."""
    at = _now(now)
    if not reason.strip():
        raise DossierError(_("Phải nêu lý do từ chối."), "reason_required")
    if dossier is not None:
        with transaction.atomic():
            d = _lock(dossier)
            _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
            event = _append(d, "refused", actor, at, {"reason": reason})
            _meet(d, [DutyKind.ONLINE_ACCEPT], at)
            _notify(d, "refusal", event.seq, {"reason": reason})
            return d
    if procedure is None or unit is None:
        raise DossierError(_("Thiếu thủ tục hoặc đơn vị."), "missing_procedure")
    _check_role(actor, unit, Role.CLERK, Role.LEADER)

    def create() -> Dossier:
        d = _new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=None,
            channel=channel,
            applicant=applicant or Applicant(),
            at=at,
            idempotency_key=idempotency_key,
        )
        event = _append(d, "refused", actor, at, {"reason": reason}, new=True)
        _notify(d, "refusal", event.seq, {"reason": reason})
        return d

    return _idempotent(idempotency_key, create)


# ---------------------------------------------------------------------------------------------
# Processing steps


def _definition_steps(d: Dossier) -> list[ProcessStep]:
    if d.process_definition_id is None:
        return []
    return list(ProcessStep.objects.filter(definition_id=d.process_definition_id).order_by("order"))


def _next_steps(d: Dossier) -> list[ProcessStep]:
    """The steps that may start now: the first not-completed step and those in its parallel group."""
    done = set(StepRun.objects.filter(dossier=d, finished_at__isnull=False).values_list("order", flat=True))
    running = set(StepRun.objects.filter(dossier=d, finished_at__isnull=True).values_list("order", flat=True))
    pending = [s for s in _definition_steps(d) if s.order not in done]
    if not pending:
        return []
    first = pending[0]
    group = [s for s in pending if first.parallel_group and s.parallel_group == first.parallel_group]
    return [s for s in (group or [first]) if s.order not in running]


def start_step(
    actor: Any,
    dossier: Dossier | int,
    *,
    order: int | None = None,
    assignee: Any = None,
    name: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StepRun:
    """Start a step of the pinned process (the next one unless `order` names a parallel one)."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        return _start_step(actor, d, order=order, assignee=assignee, name=name, at=at)


def _start_step(
    actor: Any, d: Dossier, *, order: int | None, assignee: Any, name: str, at: datetime, forwarded: bool = False
) -> StepRun:
    cal = _calendar(d)
    step: ProcessStep | None = None
    if d.process_definition_id is not None:
        candidates = _next_steps(d)
        if order is not None:
            candidates = [s for s in candidates if s.order == order]
        if not candidates:
            raise DossierError(
                _("Bước xử lý không đúng quy trình đã phê duyệt của hồ sơ %(code)s.") % {"code": d.code},
                "step_not_in_process",
            )
        step = candidates[0]
        unit = step.unit or d.unit
        roles = (step.role,) if step.role else PROCESSORS
        step_name = step.name
        due = clock.step_due(cal, at, Decimal(step.duration_amount), step.duration_unit)
        step_order = step.order
    else:
        if not name:
            raise DossierError(_("Hồ sơ không có quy trình; phải nêu tên bước."), "step_name_required")
        unit, roles, step_name, due = d.unit, PROCESSORS, name, None
        step_order = StepRun.objects.filter(dossier=d).count() + 1
    if forwarded:
        # Handing over: the sender finished its own step; the receiver must hold the next step's role.
        if assignee is not None:
            _check_role(assignee, unit, *roles)
        who = assignee
    else:
        _check_role(actor, unit, *roles)
        who = assignee or (actor if actor is not SYSTEM else None)
    step_info = {
        "order": step_order,
        "name": step_name,
        "unit": unit.code,
        "assignee": getattr(who, "pk", None),
        "due_at": clock.iso(due),
    }
    event = _append(d, "step_started", actor, at, {"step": step_info, "seq": d.event_count + 1})
    _meet(d, [DutyKind.PAPER_TRANSFER], at)
    return StepRun.objects.create(
        dossier=d,
        step=step,
        order=step_order,
        name=step_name,
        unit=unit,
        role=roles[0] if len(roles) == 1 else "",
        assignee=who if getattr(who, "pk", None) else None,
        started_at=at,
        due_at=due,
        event_seq=event.seq,
    )


def complete_step(
    actor: Any,
    dossier: Dossier | int,
    *,
    order: int | None = None,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StepRun:
    """Finish an open step; its outcome (early / on time / late) is recorded for the control sheet."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        return _complete_step(actor, d, order=order, note=note, at=at)


def _complete_step(actor: Any, d: Dossier, *, order: int | None, note: str, at: datetime) -> StepRun:
    runs = StepRun.objects.filter(dossier=d, finished_at__isnull=True).select_related("unit")
    if order is not None:
        runs = runs.filter(order=order)
    run = runs.order_by("event_seq").first()
    if run is None:
        raise DossierError(_("Không có bước xử lý nào đang mở."), "no_open_step")
    _check_role(actor, run.unit, *((run.role,) if run.role else PROCESSORS))
    outcome = clock.classify_outcome(run.due_at, at) if run.due_at else "on_time"
    _append(
        d,
        "step_completed",
        actor,
        at,
        {"started_seq": run.event_seq, "order": run.order, "outcome": outcome, "note": note},
    )
    run.finished_at, run.outcome = at, outcome
    run.save(update_fields=["finished_at", "outcome"])
    return run


def forward(
    actor: Any,
    dossier: Dossier | int,
    *,
    assignee: Any = None,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StepRun | None:
    """Complete the actor's open step and start the next one of the process (None when none is left)."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _complete_step(actor, d, order=None, note=note, at=at)
        if not _next_steps(d) or StepRun.objects.filter(dossier=d, finished_at__isnull=True).exists():
            return None
        return _start_step(actor, d, order=None, assignee=assignee, name="", at=at, forwarded=True)


# ---------------------------------------------------------------------------------------------
# Supplementation


def request_supplement(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    items: Sequence[str],
    notice: Upload | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ. Under nd118: one request, within 3 working days of receipt."""
    at = _now(now)
    if not reason.strip() or not items:
        raise DossierError(_("Phải nêu lý do và các giấy tờ cần bổ sung."), "reason_required")
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        if d.status == Status.SUBMITTED:
            _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        else:
            _check_role(actor, d.unit, *STAFF)
        state = _state(d)
        regime = clock.regime_by_code(d.regime)
        cal = _calendar(d)
        if d.status != Status.SUBMITTED and lifecycle.allowed(state.status, "supplement_requested"):
            made = int(state.clock_state.get("supplement_requests", 0))
            if regime.max_supplement_requests is not None and made >= regime.max_supplement_requests:
                raise DossierError(
                    _("Hồ sơ %(code)s đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai.")
                    % {"code": d.code},
                    "second_supplement",
                )
            if regime.supplement_notice_working_days is not None:
                limit = clock.add_working_days(cal, d.received_at, regime.supplement_notice_working_days)
                if at > limit:
                    raise DossierError(
                        _("Đã quá %(n)s ngày làm việc kể từ khi tiếp nhận; không được yêu cầu bổ sung hồ sơ.")
                        % {"n": regime.supplement_notice_working_days},
                        "supplement_too_late",
                    )
        payload: dict[str, Any] = {"reason": reason, "items": list(items)}
        if regime.supplement_timeout_days is not None:
            payload["close_after"] = clock.iso(at + timedelta(days=regime.supplement_timeout_days))
        seq = d.event_count + 1
        if notice is not None:
            doc = _store(d, notice, kind=Kind.NOTICE, component="supplement_request", actor=actor, at=at, seq=seq)
            payload["notice"] = _doc_payload(doc)
        event = _append(d, "supplement_requested", actor, at, payload, state=state)
        _meet(d, [DutyKind.ONLINE_ACCEPT], at)
        if regime.supplement_timeout_days is not None:
            _duty(d, DutyKind.SUPPLEMENT_TIMEOUT, at + timedelta(days=regime.supplement_timeout_days))
        _notify(d, "supplement_request", event.seq, {"reason": reason, "items": list(items)})
        return d


def supply_supplement(
    actor: Any,
    dossier: Dossier | int,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The completed dossier arrives: nd118 restarts the full time limit; nd61 extends by the pause."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER, dossier=d, applicant_ok=True)
        state = _state(d)
        payload: dict[str, Any] = {}
        if state.due_at is not None and state.status == Status.SUPPLEMENT:
            cal = _calendar(d)
            paused = datetime.fromisoformat(state.clock_state["paused_since"])
            if clock.regime_by_code(d.regime).supplement_mode == "restart":
                _, due = clock.compute_due(cal, at, clock.Deadline.from_payload(state.clock_state["deadline"]))
                payload["restarted"] = True
            else:
                due = clock.pause_due(cal, state.due_at, paused, at)
                payload["pause"] = [clock.iso(paused), clock.iso(at)]
            payload["due_at"] = clock.iso(due)
            if not state.clock_state.get("extensions"):
                payload["appointment_at"] = clock.iso(due)
        _append(d, "supplement_supplied", actor, at, payload, state=state)
        _meet(d, [DutyKind.SUPPLEMENT_TIMEOUT], at)
        if d.due_at is not None and "due_at" in payload:
            _duty(d, DutyKind.RESOLUTION, d.due_at)
            _duty(d, DutyKind.APOLOGY, apology_deadline(_calendar(d), d.due_at))
        return d


def close_unsupplemented(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    """Close a dossier whose supplement was not completed within the regime's time (nd118: 15 days)."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        state = _state(d)
        regime = clock.regime_by_code(d.regime)
        requested = state.clock_state.get("supplement_requested_at")
        if regime.supplement_timeout_days is None or state.status != Status.SUPPLEMENT or not requested:
            raise _illegal(d, "closed", state.status)
        if at < datetime.fromisoformat(requested) + timedelta(days=regime.supplement_timeout_days):
            raise DossierError(
                _("Chưa hết %(n)s ngày chờ bổ sung; chưa được đóng hồ sơ.") % {"n": regime.supplement_timeout_days},
                "supplement_wait_not_over",
            )
        event = _append(d, "closed", actor, at, {"reason": "supplement_timeout"}, state=state)
        _meet(d, [DutyKind.SUPPLEMENT_TIMEOUT, DutyKind.RESOLUTION, DutyKind.APOLOGY], at)
        _notify(d, "closed", event.seq, {})
        return d


# ---------------------------------------------------------------------------------------------
# Pauses: fees and justified stops of the clock


def request_fee(
    actor: Any,
    dossier: Dossier | int,
    *,
    amount: int,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to fulfil a financial obligation: the clock pauses until it is confirmed."""
    at = _now(now)
    if amount <= 0:
        raise DossierError(_("Số tiền phải lớn hơn 0."), "bad_amount")
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, *STAFF)
        event = _append(
            d, "fee_requested", actor, at, {"amount": int(amount), "note": note}, changes={"fee_amount": int(amount)}
        )
        _notify(d, "fee_request", event.seq, {"amount": int(amount)})
        return d


def _resume_payload(d: Dossier, state: State, at: datetime) -> dict[str, Any]:
    paused = datetime.fromisoformat(state.clock_state["paused_since"])
    assert state.due_at is not None
    due = clock.pause_due(_calendar(d), state.due_at, paused, at)
    payload: dict[str, Any] = {"pause": [clock.iso(paused), clock.iso(at)], "due_at": clock.iso(due)}
    if not state.clock_state.get("extensions"):
        payload["appointment_at"] = clock.iso(due)
    return payload


def confirm_fee(
    actor: Any,
    dossier: Dossier | int,
    *,
    paid_online: bool = False,
    reference: str = "",
    now: datetime | None = None,
) -> Dossier:
    """The obligation is met (clerk at the counter, or SYSTEM for a signed gateway callback): the clock resumes."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        state = _state(d)
        if state.status != Status.AWAITING_FEE:
            raise _illegal(d, "fee_confirmed", state.status)
        payload = {**_resume_payload(d, state, at), "paid_online": paid_online, "reference": reference}
        changes = {"paid_online": True} if paid_online else {}
        _append(d, "fee_confirmed", actor, at, payload, state=state, changes=changes)
        _refresh_due_duties(d)
        return d


def pause_clock(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    evidence: Upload | None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """A justified pause ("dừng tính") of the clock: refused without a reason and an evidence file."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, Role.LEADER)
        _require_reason_and_evidence(reason, evidence)
        assert evidence is not None
        state = _state(d)
        if not lifecycle.allowed(state.status, "clock_paused") or not state.clock_state.get("running"):
            raise _illegal(d, "clock_paused", state.status)
        doc = _store(d, evidence, kind=Kind.EVIDENCE, component="pause", actor=actor, at=at, seq=d.event_count + 1)
        _append(
            d,
            "clock_paused",
            actor,
            at,
            {"reason": reason, "evidence": _doc_payload(doc)},
            state=state,
        )
        return d


def resume_clock(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, d.unit, Role.LEADER, Role.SPECIALIST)
        state = _state(d)
        if state.clock_state.get("reason") != "pause":
            raise _illegal(d, "clock_resumed", state.status)
        _append(d, "clock_resumed", actor, at, _resume_payload(d, state, at), state=state)
        _refresh_due_duties(d)
        return d


def _refresh_due_duties(d: Dossier) -> None:
    if d.due_at is not None:
        Duty.objects.filter(dossier=d, kind=DutyKind.RESOLUTION).update(due_at=d.due_at)
        Duty.objects.filter(dossier=d, kind=DutyKind.APOLOGY, met_at__isnull=True).update(
            due_at=apology_deadline(_calendar(d), d.due_at)
        )


def stop_dossier(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    evidence: Upload | None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Stop handling (Form 05 "Thông báo dừng giải quyết hồ sơ"): needs a reason and an evidence file."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, Role.LEADER)
        _require_reason_and_evidence(reason, evidence)
        assert evidence is not None
        state = _state(d)
        if not lifecycle.allowed(state.status, "stopped"):
            raise _illegal(d, "stopped", state.status)
        doc = _store(d, evidence, kind=Kind.EVIDENCE, component="stop", actor=actor, at=at, seq=d.event_count + 1)
        event = _append(d, "stopped", actor, at, {"reason": reason, "evidence": _doc_payload(doc)}, state=state)
        _close_steps(d, at)
        _meet(d, [k.value for k in DutyKind], at)
        _notify(d, "stop_notice", event.seq, {"reason": reason})
        return d


def withdraw(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> Dossier:
    """The applicant withdraws (asks to stop) before the decision or result: allowed until `finished`."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER, dossier=d, applicant_ok=True)
        _append(d, "withdrawn", actor, at, {"reason": reason})
        _close_steps(d, at)
        _meet(d, [k.value for k in DutyKind], at)
        return d


def _close_steps(d: Dossier, at: datetime) -> None:
    StepRun.objects.filter(dossier=d, finished_at__isnull=True).update(finished_at=at)


# ---------------------------------------------------------------------------------------------
# Late handling: apology and one new return date (Form 04)


def record_apology(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    new_appointment_at: datetime,
    letter: Upload | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The responsible unit apologises with a reason and ONE new return date, at least one working day early."""
    at = _now(now)
    if not reason.strip():
        raise DossierError(_("Phải nêu lý do chậm giải quyết."), "reason_required")
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, *PROCESSORS)
        state = _state(d)
        if not lifecycle.allowed(state.status, "apology_recorded"):
            raise _illegal(d, "apology_recorded", state.status)
        if state.clock_state.get("extensions") or state.pending_apology is not None:
            raise DossierError(
                _("Hồ sơ %(code)s đã được hẹn lại ngày trả kết quả; không được hẹn lại lần thứ hai.")
                % {"code": d.code},
                "second_reschedule",
            )
        assert state.due_at is not None and state.appointment_at is not None
        latest = apology_deadline(_calendar(d), state.due_at)
        if at > latest:
            raise DossierError(
                _("Văn bản xin lỗi và hẹn lại phải gửi chậm nhất 1 ngày làm việc trước hạn (trước %(t)s).")
                % {"t": latest.astimezone(clock.TZ).strftime("%H:%M %d/%m/%Y")},
                "apology_too_late",
            )
        if new_appointment_at <= state.appointment_at:
            raise DossierError(_("Ngày hẹn mới phải sau ngày hẹn hiện tại."), "bad_new_date")
        payload: dict[str, Any] = {"reason": reason, "new_appointment_at": clock.iso(new_appointment_at)}
        if letter is not None:
            doc = _store(d, letter, kind=Kind.NOTICE, component="form04", actor=actor, at=at, seq=d.event_count + 1)
            payload["letter"] = _doc_payload(doc)
        _append(d, "apology_recorded", actor, at, payload, state=state)
        _meet(d, [DutyKind.APOLOGY], at)
        return d


def approve_apology(
    actor: Any, dossier: Dossier | int, *, now: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The leader signs: the one-stop unit's appointment moves, the citizen is told; due_at stays for statistics."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, Role.LEADER)
        state = _state(d)
        if state.pending_apology is None:
            raise DossierError(_("Không có văn bản xin lỗi nào chờ duyệt."), "no_pending_apology")
        pending = state.pending_apology
        payload = {"reason": pending["reason"], "new_appointment_at": pending["new_appointment_at"]}
        event = _append(d, "apology_approved", actor, at, payload, state=state)
        _notify(
            d,
            "apology",
            event.seq,
            {"reason": pending["reason"], "new_appointment_at": pending["new_appointment_at"]},
        )
        return d


# ---------------------------------------------------------------------------------------------
# Results and return


def finish_dossier(
    actor: Any,
    dossier: Dossier | int,
    *,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Processing ends with a result: every step of the pinned process must have been completed."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        _check_role(actor, d.unit, *PROCESSORS)
        if StepRun.objects.filter(dossier=d, finished_at__isnull=True).exists():
            raise DossierError(_("Còn bước xử lý chưa hoàn thành."), "open_steps")
        done = set(StepRun.objects.filter(dossier=d).values_list("order", flat=True))
        missing = [s.name for s in _definition_steps(d) if s.order not in done]
        if missing:
            raise DossierError(
                _("Chưa thực hiện đủ các bước của quy trình: %(steps)s.") % {"steps": ", ".join(missing)},
                "steps_missing",
            )
        state = _state(d)
        outcome = clock.classify_outcome(state.due_at, at) if state.due_at else "on_time"
        changes = {"handled_by": actor} if getattr(actor, "pk", None) else {}
        event = _append(d, "finished", actor, at, {"outcome": outcome, "note": note}, state=state, changes=changes)
        _meet(d, [DutyKind.RESOLUTION, DutyKind.APOLOGY], at)
        _notify(d, "result_ready", event.seq, {"appointment_at": clock.iso(d.appointment_at)})
        return d


def announce_early_return(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    """Tell the applicant beforehand that the result can be collected before the appointment (art. 22(5))."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        state = _state(d)
        if state.early_return_notice:
            raise DossierError(_("Đã thông báo trả kết quả sớm cho người nộp hồ sơ."), "early_return_already_announced")
        event = _append(d, "early_return_notice", actor, at, {}, state=state)
        _notify(d, "early_return", event.seq, {"appointment_at": clock.iso(d.appointment_at)})
        return d


def return_result(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    """Hand the result to the applicant; before the appointment day this needs a prior early-return notice."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), Role.CLERK, Role.LEADER)
        state = _state(d)
        if (
            state.status == Status.FINISHED
            and state.appointment_at is not None
            and clock.local_date(at) < clock.local_date(state.appointment_at)
            and not state.early_return_notice
        ):
            raise DossierError(
                _("Trả kết quả trước ngày hẹn phải được thông báo trước cho người nộp hồ sơ."),
                "early_return_not_announced",
            )
        _append(d, "returned", actor, at, {}, state=state)
        return d


def attach_document(
    actor: Any,
    dossier: Dossier | int,
    *,
    upload: Upload,
    component: str,
    digitized: bool = False,
    reused: bool = False,
    now: datetime | None = None,
) -> Document:
    """Attach a file for a published component of the procedure (PDF/JPEG/PNG, size-limited, SHA-256 kept)."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, _receiving(d), *STAFF, dossier=d, applicant_ok=True)
        published = published_components(d.procedure)
        if component not in published:
            raise DossierError(
                _("Giấy tờ “%(c)s” không có trong thành phần hồ sơ đã công bố của thủ tục.") % {"c": component},
                "component_not_published",
            )
        state = _state(d)
        if not lifecycle.allowed(state.status, "document_attached"):
            raise _illegal(d, "document_attached", state.status)
        doc = _store(
            d,
            upload,
            kind=Kind.COMPONENT,
            component=component,
            actor=actor,
            at=at,
            seq=d.event_count + 1,
            digitized=digitized,
            reused=reused,
        )
        payload = {**_doc_payload(doc), "component": component, "digitized": digitized, "reused": reused}
        flags = {"digitized": True} if digitized else {}
        if reused:
            flags["reused"] = True
        _append(d, "document_attached", actor, at, payload, state=state, changes=flags)
        return doc


def record_result(
    actor: Any,
    dossier: Dossier | int,
    *,
    upload: Upload,
    result_code: str,
    now: datetime | None = None,
) -> Document:
    """Store the electronic result with its code (holder identifier + result type); marks `e_result`."""
    at = _now(now)
    if not result_code.strip():
        raise DossierError(_("Phải có mã số kết quả."), "result_code_required")
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, d.unit, *PROCESSORS)
        state = _state(d)
        if not lifecycle.allowed(state.status, "result_recorded"):
            raise _illegal(d, "result_recorded", state.status)
        doc = _store(
            d,
            upload,
            kind=Kind.RESULT,
            component="result",
            actor=actor,
            at=at,
            seq=d.event_count + 1,
            result_code=result_code,
        )
        payload = {**_doc_payload(doc), "result_code": result_code}
        _append(d, "result_recorded", actor, at, payload, state=state, changes={"e_result": True})
        return doc


def published_components(procedure: Procedure) -> set[str]:
    """Identifiers of the procedure's published components: the component's order ("1", "2", ...) or its code."""
    codes: set[str] = set()
    for order, extra in RequiredComponent.objects.filter(procedure=procedure).values_list("order", "extra"):
        codes.add(str(order))
        if isinstance(extra, dict) and extra.get("code"):
            codes.add(str(extra["code"]))
    for item in (procedure.extra or {}).get("components", []) or []:
        if isinstance(item, dict) and item.get("code"):
            codes.add(str(item["code"]))
        elif isinstance(item, str):
            codes.add(item)
    return codes


# ---------------------------------------------------------------------------------------------
# Liên thông


def receive_linked(
    actor: Any,
    *,
    group: LinkedGroup,
    receiving_unit: Unit,
    units: dict[str, Unit],
    applicant: Applicant,
    channel: str = Channel.DIRECT,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Dossier:
    """Receive a linked-procedure group: the lead dossier (first member) plus one sub-dossier per other member.

    `units` maps each member procedure's code to the participating unit that handles it. One code for
    the citizen (the lead's, with the receiving one-stop unit's identifier); sub-dossiers get `<code>-<n>`,
    each with its own clock (the unit's time slice).
    """
    at = _now(now)
    _check_role(actor, receiving_unit, Role.CLERK, Role.LEADER)
    # Stages in order; a `one_of` member is included only when the applicant's case chose it (in `units`).
    members = [
        m
        for m in group.members.select_related("procedure").order_by("order", "position")
        if m.mode != "one_of" or m.procedure.code in units
    ]
    if len(members) < 2:
        raise DossierError(_("Nhóm liên thông phải có ít nhất hai thủ tục."), "bad_group")
    missing = [m.procedure.code for m in members if m.procedure.code not in units]
    if missing:
        raise DossierError(
            _("Thiếu đơn vị thực hiện cho thủ tục: %(codes)s.") % {"codes": ", ".join(missing)}, "missing_unit"
        )

    def create() -> Dossier:
        lead = members[0].procedure
        parent = _new_dossier(
            procedure=lead,
            unit=units[lead.code],
            receiving_unit=receiving_unit,
            channel=channel,
            applicant=applicant,
            at=at,
            idempotency_key=idempotency_key,
            linked_group=group,
        )
        event = _append(parent, "received", actor, at, _received_payload(parent, at), new=True)
        for n, member in enumerate(members[1:], start=1):
            child = _new_dossier(
                procedure=member.procedure,
                unit=units[member.procedure.code],
                receiving_unit=receiving_unit,
                channel=channel,
                applicant=applicant,
                at=at,
                idempotency_key=None,
                code=f"{parent.code}-{n}",
                parent=parent,
                linked_group=group,
            )
            # The member's step deadline is this unit's time slice; otherwise the procedure's own deadline.
            slice_ = (
                clock.Deadline(Decimal(member.step_amount), member.step_unit)
                if member.step_amount and member.step_unit
                else None
            )
            _append(child, "received", actor, at, _received_payload(child, at, slice_), new=True)
            child_due = child.due_at
            if child_due is not None:
                _duty(child, DutyKind.RESOLUTION, child_due)
            _append(
                parent,
                "linked_spawned",
                actor,
                at,
                {
                    "child": child.code,
                    "unit": child.unit.code,
                    "procedure": member.procedure.code,
                    "due_at": clock.iso(child_due),
                },
            )
        _after_receipt(parent, at, event.seq)
        return parent

    return _idempotent(idempotency_key, create)


def route_to_lead(
    actor: Any,
    dossier: Dossier | int,
    *,
    kind: str,
    upload: Upload,
    note: str = "",
    now: datetime | None = None,
) -> Document:
    """A participant's guidance, supplement, apology or refusal document goes to the lead unit for the citizen."""
    at = _now(now)
    if kind not in ("guidance", "supplement", "apology", "refusal"):
        raise DossierError(_("Loại văn bản không hợp lệ."), "bad_kind")
    with transaction.atomic():
        child = _lock(dossier)
        if child.parent_id is None:
            raise DossierError(_("Hồ sơ không thuộc nhóm liên thông."), "not_linked")
        _check_role(actor, child.unit, *STAFF)
        parent = _lock(child.parent_id)
        doc = _store(
            parent,
            upload,
            kind=Kind.NOTICE,
            component=kind,
            actor=actor,
            at=at,
            seq=parent.event_count + 1,
            from_unit=child.unit,
        )
        event = _append(
            parent,
            "document_routed",
            actor,
            at,
            {**_doc_payload(doc), "from": child.code, "from_unit": child.unit.code, "routed_kind": kind, "note": note},
        )
        _notify(parent, f"linked_{kind}", event.seq, {"from_unit": child.unit.name, "note": note})
        return doc


# ---------------------------------------------------------------------------------------------
# Calendar changes


def recompute_due(actor: Any, dossier: Dossier | int, *, reason: str, now: datetime | None = None) -> bool:
    """Re-derive the due time of an open dossier with the current calendar; appends an event when it moved."""
    at = _now(now)
    with transaction.atomic():
        d = _lock(dossier)
        _check_role(actor, d.unit, Role.LEADER, Role.UNIT_ADMIN)
        events = _events(d)
        state = derive(events)
        if state.status not in lifecycle.OPEN or state.due_at is None:
            return False
        deadline = clock.Deadline.from_payload(state.clock_state["deadline"])
        replayed = clock.replay(_calendar(d), deadline, events)
        if replayed.due_at == state.due_at:
            return False
        payload: dict[str, Any] = {
            "reason": reason,
            "due_at": clock.iso(replayed.due_at),
            "previous": clock.iso(state.due_at),
        }
        if not state.clock_state.get("extensions"):
            payload["appointment_at"] = clock.iso(replayed.due_at)
        _append(d, "due_recomputed", actor, at, payload, state=state)
        _refresh_due_duties(d)
        return True


def on_calendar_changed(name: str, dates: Iterable[Any] = (), now: datetime | None = None) -> int:
    """Receiver of `calendar_changed`: every open dossier counted in that calendar gets its due time re-derived."""
    moved = 0
    candidates = Dossier.objects.filter(status__in=sorted(lifecycle.OPEN), unit__calendar_name=name)
    changed = sorted(dates or ())
    if changed:
        # A day after a dossier's due date cannot move it (counting stops at the due day).
        candidates = candidates.filter(due_at__gte=datetime.combine(changed[0], time(0), clock.TZ))
    open_ids = list(candidates.values_list("id", flat=True))
    for pk in open_ids:
        if recompute_due(SYSTEM, pk, reason=f"calendar_changed:{name}", now=now):
            moved += 1
    return moved


# ---------------------------------------------------------------------------------------------
# Read helpers for views and the API


def events_of(d: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=d).order_by("seq"))


def state_of(d: Dossier) -> State:
    """The state re-derived from the events (for UIs that need more than the cached columns)."""
    return _state(d)


def cached_matches(d: Dossier) -> bool:
    state = _state(d)
    return all(getattr(d, f) == v for f, v in state.cached().items())


__all__ = [
    "CACHED_FIELDS",
    "SYSTEM",
    "Applicant",
    "DossierError",
    "Upload",
    "accept_online",
    "allocate_code",
    "announce_early_return",
    "approve_apology",
    "attach_document",
    "close_unsupplemented",
    "complete_step",
    "confirm_fee",
    "finish_dossier",
    "forward",
    "on_calendar_changed",
    "pause_clock",
    "published_components",
    "receive_dossier",
    "receive_linked",
    "recompute_due",
    "record_apology",
    "record_result",
    "refuse_intake",
    "request_fee",
    "request_supplement",
    "resume_clock",
    "return_result",
    "route_to_lead",
    "start_step",
    "stop_dossier",
    "submit_online",
    "supply_supplement",
    "withdraw",
]
