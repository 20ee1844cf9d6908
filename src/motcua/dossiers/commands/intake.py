"""Intake: counter and postal receipt, online submission and its acceptance or refusal, liên thông groups."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import LinkedGroup, Procedure, ProcessDefinition
from motcua.documents.models import Kind
from motcua.dossiers import clock
from motcua.dossiers.chain import GENESIS
from motcua.dossiers.commands import schemas
from motcua.dossiers.commands.kernel import (
    Applicant,
    Ctx,
    DossierError,
    Upload,
    apology_deadline,
    append,
    calendar,
    deadline_of,
    doc_payload,
    meet,
    notify,
    receiving,
    set_duty,
    store,
)
from motcua.dossiers.commands.table import CLERK_AT_RECEIVING, SPECIALIST, THE_APPLICANT, Command, register
from motcua.dossiers.models import Channel, CodeCounter, Dossier, Duty, DutyKind, Status
from motcua.organizations.models import Unit


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


def _allocate_code_and_pin(prefix: str, procedure: Procedure, at: datetime) -> tuple[str, ProcessDefinition | None]:
    """`allocate_code` and `pinned_definition` in one round trip (intake's hot path).

    The counter upsert is the same statement as `allocate_code`; its RETURNING clause also selects
    the pinned process definition with the same rule as `pinned_definition`.
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


def pinned_definition(procedure: Procedure, at: datetime) -> ProcessDefinition | None:
    day = clock.local_date(at)
    for definition in ProcessDefinition.objects.filter(procedure=procedure, active=True).order_by("-version"):
        if definition.effective_from is None or definition.effective_from <= day:
            return definition
    return None


# ---- resolving the input's references ---------------------------------------------------------


def procedure_ref(value: Any) -> Procedure:
    if isinstance(value, Procedure):
        return value
    procedure = Procedure.objects.filter(code=value).first()
    if procedure is None:
        raise DossierError(
            _("Không có thủ tục %(c)s.") % {"c": value},
            "unknown_procedure",
            {"procedure": [_("Không có thủ tục này.")]},
        )
    return procedure


def unit_ref(value: Any, key: str = "unit") -> Unit:
    if isinstance(value, Unit):
        return value
    unit = Unit.objects.filter(code=value).first()
    if unit is None:
        raise DossierError(
            _("Không có đơn vị %(c)s.") % {"c": value}, "unknown_unit", {key: [_("Không có đơn vị này.")]}
        )
    return unit


def applicant_of(data: dict[str, Any]) -> Applicant:
    return Applicant(
        name=data.get("applicant_name", ""),
        id_number=data.get("applicant_id_number", ""),
        phone=data.get("applicant_phone", ""),
        email=data.get("applicant_email", ""),
        address=data.get("applicant_address", ""),
    )


def check_offered(procedure: Procedure, unit: Unit) -> None:
    """A procedure is received only where it is offered: active, and published for the unit's level."""
    if not procedure.active:
        raise DossierError(_("Thủ tục %(c)s đã bãi bỏ, không tiếp nhận.") % {"c": procedure.code}, "procedure_inactive")
    if unit.valid_to is not None and unit.valid_to < timezone.localdate():  # restructuring: the unit has ended
        successor = unit.successor_links.filter(primary=True).select_related("successor").first()
        raise DossierError(
            _("Đơn vị %(u)s đã chấm dứt hoạt động từ ngày %(d)s; hồ sơ nộp tại %(s)s.")
            % {
                "u": unit.code,
                "d": (unit.valid_to + timedelta(days=1)).strftime("%d/%m/%Y"),
                "s": successor.successor.code if successor else _("đơn vị kế thừa"),
            },
            "unit_ended",
            {"unit": [_("Đơn vị đã chấm dứt hoạt động.")]},
        )
    levels = set(procedure.levels or [])
    if levels and unit.level not in levels:
        raise DossierError(
            _("Thủ tục %(c)s không thuộc thẩm quyền cấp %(level)s (%(unit)s).")
            % {"c": procedure.code, "level": unit.get_level_display(), "unit": unit.code},
            "procedure_not_offered",
            {"unit": [_("Thủ tục không thực hiện ở cấp này.")]},
        )


def new_dossier(
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
        definition = pinned_definition(procedure, at)
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


def received_payload(d: Dossier, received_at: datetime, deadline: clock.Deadline | None = None) -> dict[str, Any]:
    """The receipt event: official receipt, regime and due time (none when the procedure publishes no deadline)."""
    cal = calendar(d)
    if deadline is None and d.procedure.deadline_unit:
        deadline = deadline_of(d.procedure)
    if deadline is not None:
        official, due = clock.compute_due(cal, received_at, deadline)
    else:
        official, due = cal.official_receipt(received_at), None
    return {
        "received_at": clock.iso(received_at),
        "official_receipt": clock.iso(official),
        "due_at": clock.iso(due),
        "deadline": deadline.as_payload() if deadline is not None else None,
        "regime": clock.regime_for(official).code,
        "channel": d.channel,
        "process_version": d.process_definition.version if d.process_definition else None,
    }


def after_receipt(d: Dossier, at: datetime, seq: int) -> None:
    """Duties and the receipt message of a dossier just received (its duties are new: one INSERT)."""
    cal = calendar(d)
    duties = []
    if d.due_at is not None:
        duties += [
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
    notify(d, "receipt", seq, {"due_at": clock.iso(d.due_at), "appointment_at": clock.iso(d.appointment_at)})


def fingerprint(data: dict[str, Any]) -> str:
    """A digest of what was asked (the public input, scans by their SHA-256): a retry must ask the same."""

    def plain(value: Any) -> Any:
        if isinstance(value, (Procedure, Unit, LinkedGroup)):
            return value.code
        if isinstance(value, Upload):
            return hashlib.sha256(value.data).hexdigest()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items())}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)

    public = {k: v for k, v in data.items() if k not in ("idempotency_key", "applicant_user")}
    return hashlib.sha256(json.dumps(plain(public), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _same_request(existing: Dossier, ctx: Ctx, unit: Unit | None, digest: str) -> Dossier:
    """A retry gets the first dossier only when it is the same caller, at the same unit, asking the same;
    anything else is refused without a word about the dossier (keys never leak another unit's data)."""
    first = existing.events.order_by("seq").values_list("actor_id", "payload").first()
    owner, payload = first if first else (None, {})
    same = (
        owner == getattr(ctx.actor, "pk", None)
        and (unit is None or (existing.receiving_unit_id or existing.unit_id) == unit.pk)
        and (payload or {}).get("request") in (None, digest)
    )
    if not same:
        raise DossierError(
            _("Mã chống gửi trùng (idempotency key) này đã được dùng cho một yêu cầu khác."), "idempotency_conflict"
        )
    return existing


def _request(data: dict[str, Any], digest: str) -> dict[str, str]:
    """Keyed intakes record what was asked, so that a retry asking something else is refused."""
    return {"request": digest} if data.get("idempotency_key") else {}


def idempotent(
    key: str | None, create: Any, ctx: Ctx | None = None, unit: Unit | None = None, digest: str = ""
) -> Dossier:
    """Run `create` once per client key: a retry (even a concurrent one) returns the first dossier."""

    def replay(existing: Dossier) -> Dossier:
        return existing if ctx is None else _same_request(existing, ctx, unit, digest)

    if key:
        existing = Dossier.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return replay(existing)
    try:
        with transaction.atomic():
            result: Dossier = create()
            return result
    except IntegrityError:
        if key:
            existing = Dossier.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return replay(existing)
        raise


def _resolve_receive(values: dict[str, Any]) -> Unit:
    values["procedure"] = procedure_ref(values["procedure"])
    values["unit"] = unit_ref(values["unit"])
    if values.get("receiving_unit"):
        values["receiving_unit"] = unit_ref(values["receiving_unit"], "receiving_unit")
    result: Unit = values.get("receiving_unit") or values["unit"]
    return result


def _resolve_linked(values: dict[str, Any]) -> Unit:
    group = (
        LinkedGroup.objects.filter(code=values["group"]).first()
        if isinstance(values["group"], str)
        else values["group"]
    )
    if group is None:
        raise DossierError(
            _("Không có nhóm liên thông %(c)s.") % {"c": values["group"]},
            "unknown_group",
            {"group": [_("Không có nhóm liên thông này.")]},
        )
    values["group"] = group
    values["units"] = {code: unit_ref(u, "units") for code, u in values["units"].items()}
    values["receiving_unit"] = unit_ref(values["receiving_unit"], "receiving_unit")
    result: Unit = values["receiving_unit"]
    return result


# ---- commands ---------------------------------------------------------------------------------


def _attach_scans(ctx: Ctx, d: Dossier, scans: list[dict[str, Any]]) -> None:
    """Scans taken at the counter belong to the receipt's transaction: a retried intake never doubles them."""
    from motcua.dossiers.commands.results import attach

    for scan in scans:
        attach(ctx, d, scan["upload"], scan["component"], scan.get("digitized", True), scan.get("reused", False))


def _receive(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    procedure, unit = data["procedure"], data["unit"]
    reception = data.get("receiving_unit") or unit
    if data["channel"] == Channel.ONLINE:
        raise DossierError(
            _("Hồ sơ trực tuyến được nộp qua cổng dịch vụ công, không tiếp nhận tại quầy."), "bad_channel"
        )
    check_offered(procedure, unit)

    def create() -> Dossier:
        d = new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=reception if reception != unit else None,
            channel=data["channel"],
            applicant=applicant_of(data),
            at=ctx.at,
            idempotency_key=data.get("idempotency_key") or None,
        )
        payload = received_payload(d, ctx.at)
        if data.get("postal_tracking"):
            payload["postal_tracking"] = data["postal_tracking"]
        event = append(d, "received", ctx.actor, ctx.at, {**payload, **_request(data, digest)}, new=True)
        after_receipt(d, ctx.at, event.seq)
        _attach_scans(ctx, d, data.get("scans") or [])
        return d

    digest = fingerprint(data)
    return idempotent(data.get("idempotency_key") or None, create, ctx, reception, digest)


def _refuse_new(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    procedure, unit = data["procedure"], data["unit"]

    def create() -> Dossier:
        d = new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=None,
            channel=data["channel"],
            applicant=applicant_of(data),
            at=ctx.at,
            idempotency_key=data.get("idempotency_key") or None,
        )
        event = append(d, "refused", ctx.actor, ctx.at, {"reason": data["reason"], **_request(data, digest)}, new=True)
        notify(d, "refusal", event.seq, {"reason": data["reason"]})
        return d

    digest = fingerprint(data)
    return idempotent(data.get("idempotency_key") or None, create, ctx, unit, digest)


def _submit_online(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    procedure, unit = data["procedure"], data["unit"]
    if procedure.online == "none":
        raise DossierError(_("Thủ tục này không được cung cấp trực tuyến."), "not_online")
    check_offered(procedure, unit)

    def create() -> Dossier:
        d = new_dossier(
            procedure=procedure,
            unit=unit,
            receiving_unit=data.get("receiving_unit"),
            channel=Channel.ONLINE,
            applicant=applicant_of(data),
            at=ctx.at,
            idempotency_key=data.get("idempotency_key") or None,
            applicant_user=data.get("applicant_user"),
        )
        d.submitted_at = ctx.at
        append(
            d,
            "submitted",
            data.get("applicant_user"),
            ctx.at,
            {"procedure": procedure.code, "unit": unit.code, **_request(data, digest)},
            new=True,
        )
        set_duty(d, DutyKind.ONLINE_ACCEPT, clock.add_working_hours(calendar(d), ctx.at, 8))
        return d

    digest = fingerprint(data)
    return idempotent(data.get("idempotency_key") or None, create, ctx, data.get("receiving_unit") or unit, digest)


def _accept(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    event = append(d, "received", ctx.actor, ctx.at, received_payload(d, ctx.at), state=ctx.state)
    meet(d, [DutyKind.ONLINE_ACCEPT], ctx.at)
    after_receipt(d, ctx.at, event.seq)
    return d


def _refuse(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    event = append(d, "refused", ctx.actor, ctx.at, {"reason": data["reason"]}, state=ctx.state)
    meet(d, [DutyKind.ONLINE_ACCEPT], ctx.at)
    notify(d, "refusal", event.seq, {"reason": data["reason"]})
    return d


def _receive_linked(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    """The lead dossier (first member) plus one sub-dossier per other member, each with its unit's time slice."""
    group: LinkedGroup = data["group"]
    units: dict[str, Unit] = data["units"]
    reception: Unit = data["receiving_unit"]
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
    # The lead procedure is received where it is offered; participants are fixed by the group itself.
    check_offered(members[0].procedure, units[members[0].procedure.code])
    applicant = applicant_of(data)

    def create() -> Dossier:
        lead = members[0].procedure
        parent = new_dossier(
            procedure=lead,
            unit=units[lead.code],
            receiving_unit=reception,
            channel=data["channel"],
            applicant=applicant,
            at=ctx.at,
            idempotency_key=data.get("idempotency_key") or None,
            linked_group=group,
        )
        payload = {**received_payload(parent, ctx.at), **_request(data, digest)}
        event = append(parent, "received", ctx.actor, ctx.at, payload, new=True)
        for n, member in enumerate(members[1:], start=1):
            child = new_dossier(
                procedure=member.procedure,
                unit=units[member.procedure.code],
                receiving_unit=reception,
                channel=data["channel"],
                applicant=applicant,
                at=ctx.at,
                idempotency_key=None,
                code=f"{parent.code}-{n}",
                parent=parent,
                linked_group=group,
            )
            slice_ = (
                clock.Deadline(Decimal(member.step_amount), member.step_unit)
                if member.step_amount and member.step_unit
                else None
            )
            append(child, "received", ctx.actor, ctx.at, received_payload(child, ctx.at, slice_), new=True)
            if child.due_at is not None:
                set_duty(child, DutyKind.RESOLUTION, child.due_at)
            append(
                parent,
                "linked_spawned",
                ctx.actor,
                ctx.at,
                {
                    "child": child.code,
                    "unit": child.unit.code,
                    "procedure": member.procedure.code,
                    "due_at": clock.iso(child.due_at),
                },
            )
        after_receipt(parent, ctx.at, event.seq)
        return parent

    digest = fingerprint(data)
    return idempotent(data.get("idempotency_key") or None, create, ctx, reception, digest)


def _route_to_lead(ctx: Ctx, data: dict[str, Any]) -> Any:
    """A participant's guidance, supplement, apology or refusal document goes to the lead unit for the citizen."""
    from motcua.dossiers.commands.kernel import lock

    child = ctx.d
    parent = lock(child.parent_id)  # type: ignore[arg-type]
    upload: Upload = data["file"]
    doc = store(
        parent,
        upload,
        kind=Kind.NOTICE,
        component=data["kind"],
        actor=ctx.actor,
        at=ctx.at,
        seq=parent.event_count + 1,
        from_unit=child.unit,
    )
    event = append(
        parent,
        "document_routed",
        ctx.actor,
        ctx.at,
        {
            **doc_payload(doc),
            "from": child.code,
            "from_unit": child.unit.code,
            "routed_kind": data["kind"],
            "note": data["note"],
        },
    )
    notify(parent, f"linked_{data['kind']}", event.seq, {"from_unit": child.unit.name, "note": data["note"]})
    return doc


def _is_linked_child(ctx: Ctx) -> None:
    if ctx.d.parent_id is None:
        raise DossierError(_("Hồ sơ không thuộc nhóm liên thông."), "not_linked")


register(
    Command(
        "receive",
        gettext_lazy("Tiếp nhận hồ sơ tại quầy hoặc qua bưu chính"),
        gettext_lazy("Tiếp nhận"),
        "received",
        (CLERK_AT_RECEIVING,),
        schemas.Receive,
        _receive,
        "Receive a paper dossier at the counter or by post (direct or postal).",
        creates=True,
        resolve=_resolve_receive,
        done=gettext_lazy("Đã tiếp nhận hồ sơ."),
    ),
    Command(
        "refuse_new",
        gettext_lazy("Từ chối tiếp nhận tại quầy"),
        gettext_lazy("Từ chối"),
        "refused",
        (CLERK_AT_RECEIVING,),
        schemas.RefuseNew,
        _refuse_new,
        "Refuse a counter visit at intake (recorded as a refused dossier).",
        creates=True,
        resolve=_resolve_receive,
    ),
    Command(
        "submit_online",
        gettext_lazy("Nộp hồ sơ trực tuyến"),
        gettext_lazy("Nộp"),
        "submitted",
        (THE_APPLICANT,),
        schemas.SubmitOnline,
        _submit_online,
        "File a dossier online as the signed-in applicant (status `submitted`).",
        creates=True,
        resolve=_resolve_receive,
    ),
    Command(
        "receive_linked",
        gettext_lazy("Tiếp nhận nhóm thủ tục liên thông"),
        gettext_lazy("Tiếp nhận liên thông"),
        "received",
        (CLERK_AT_RECEIVING,),
        schemas.ReceiveLinked,
        _receive_linked,
        "Receive a liên thông group: the lead dossier and one sub-dossier per participating unit.",
        creates=True,
        resolve=_resolve_linked,
    ),
    Command(
        "accept",
        gettext_lazy("Tiếp nhận hồ sơ trực tuyến"),
        gettext_lazy("Tiếp nhận"),
        "received",
        (CLERK_AT_RECEIVING,),
        schemas.Nothing,
        _accept,
        "Officially receive an online dossier (its clock starts).",
        done=gettext_lazy("Đã tiếp nhận hồ sơ."),
    ),
    Command(
        "refuse",
        gettext_lazy("Từ chối tiếp nhận"),
        gettext_lazy("Từ chối"),
        "refused",
        (CLERK_AT_RECEIVING,),
        schemas.Reason,
        _refuse,
        "Refuse an online submission at intake, with its one reason.",
        danger=True,
        done=gettext_lazy("Đã từ chối tiếp nhận; người nộp được thông báo lý do."),
    ),
    Command(
        "route_to_lead",
        gettext_lazy("Chuyển văn bản về đơn vị chủ trì liên thông"),
        gettext_lazy("Chuyển văn bản"),
        "document_routed",
        (SPECIALIST,),
        schemas.Route,
        _route_to_lead,
        "Route a participant's document to the lead unit (liên thông).",
        guards=(_is_linked_child,),
        done=gettext_lazy("Đã chuyển văn bản về đơn vị chủ trì."),
    ),
)

__all__ = ["Upload", "allocate_code", "applicant_of", "check_offered", "procedure_ref", "receiving", "unit_ref"]
