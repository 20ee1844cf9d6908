"""The dossier operations as Python functions, for code that holds rows rather than request data.

Each function is a thin call of one command of the command table (`motcua.dossiers.commands`):
the same schema, authorisation, lifecycle, guards and effects as the back office and the API.
`now` defaults to the server clock; tests and imports pass it explicitly. `actor` is the
authenticated user, or `SYSTEM` for periodic jobs and gateway callbacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import transaction

from motcua.catalog.models import LinkedGroup, Procedure
from motcua.documents.models import Document
from motcua.dossiers import clock, lifecycle
from motcua.dossiers.commands import execute
from motcua.dossiers.commands.intake import allocate_code
from motcua.dossiers.commands.kernel import (
    EVENT_LABELS,
    SYSTEM,
    Applicant,
    DossierError,
    Upload,
    apology_deadline,
    append,
    calendar,
    events,
    lock,
    now_or,
    state_of,
)
from motcua.dossiers.commands.pauses import refresh_due_duties
from motcua.dossiers.commands.pipeline import as_file
from motcua.dossiers.commands.results import published_components
from motcua.dossiers.derive import CACHED_FIELDS, derive
from motcua.dossiers.models import Channel, Dossier, DossierEvent, StepRun
from motcua.organizations import access
from motcua.organizations.models import Unit

ACTION_LABELS = EVENT_LABELS


def _applicant(a: Applicant | None) -> dict[str, str]:
    a = a or Applicant()
    return {
        "applicant_name": a.name,
        "applicant_id_number": a.id_number,
        "applicant_phone": a.phone,
        "applicant_email": a.email,
        "applicant_address": a.address,
    }


def _v(expected_version: int | None) -> dict[str, Any]:
    return {"expected_version": expected_version}


# ---- intake -------------------------------------------------------------------------------------


def receive_dossier(
    actor: Any,
    *,
    procedure: Procedure,
    unit: Unit,
    applicant: Applicant,
    channel: str = Channel.DIRECT,
    receiving_unit: Unit | None = None,
    idempotency_key: str | None = None,
    postal_tracking: str = "",
    scans: Sequence[dict[str, Any]] = (),
    now: datetime | None = None,
) -> Dossier:
    """A clerk receives a complete paper (direct or postal) dossier: code, receipt event, due time, duties."""
    data = {
        **_applicant(applicant),
        "procedure": procedure.code,
        "unit": unit.code,
        "receiving_unit": receiving_unit.code if receiving_unit else "",
        "channel": channel,
        "idempotency_key": idempotency_key or "",
        "postal_tracking": postal_tracking,
    }
    extra = {"procedure": procedure, "unit": unit, "receiving_unit": receiving_unit, "scans": list(scans)}
    result: Dossier = execute("receive", actor, data=data, now=now, extra=extra)
    return result


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
    data = {
        **_applicant(applicant),
        "procedure": procedure.code,
        "unit": unit.code,
        "idempotency_key": idempotency_key or "",
    }
    actor = applicant_user if getattr(applicant_user, "pk", None) else SYSTEM
    extra = {"procedure": procedure, "unit": unit, "receiving_unit": receiving_unit, "applicant_user": applicant_user}
    result: Dossier = execute("submit_online", actor, data=data, now=now, extra=extra)
    return result


def accept_online(
    actor: Any, dossier: Dossier | int, *, now: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """Officially receive an online dossier (the clock starts at its official receipt)."""
    result: Dossier = execute("accept", actor, dossier, _v(expected_version), now=now)
    return result


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
    """Refuse at intake (Phiếu từ chối): an online submission, or a counter visit (recorded as a dossier)."""
    if dossier is not None:
        result: Dossier = execute("refuse", actor, dossier, {"reason": reason}, now=now)
        return result
    if procedure is None or unit is None:
        raise DossierError("Thiếu thủ tục hoặc đơn vị.", "missing_procedure")
    data = {
        **_applicant(applicant),
        "procedure": procedure.code,
        "unit": unit.code,
        "channel": channel,
        "reason": reason,
        "idempotency_key": idempotency_key or "",
    }
    created: Dossier = execute("refuse_new", actor, data=data, now=now, extra={"procedure": procedure, "unit": unit})
    return created


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
    """Receive a liên thông group: the lead dossier (first member) plus one sub-dossier per other member."""
    data = {
        **_applicant(applicant),
        "group": group.code,
        "receiving_unit": receiving_unit.code,
        "units": {code: u.code for code, u in units.items()},
        "channel": channel,
        "idempotency_key": idempotency_key or "",
    }
    extra = {"group": group, "receiving_unit": receiving_unit, "units": dict(units)}
    result: Dossier = execute("receive_linked", actor, data=data, now=now, extra=extra)
    return result


# ---- processing ---------------------------------------------------------------------------------


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
    data = {"order": order, "assignee": getattr(assignee, "pk", None), "name": name, **_v(expected_version)}
    result: StepRun = execute("start_step", actor, dossier, data, now=now)
    return result


def complete_step(
    actor: Any,
    dossier: Dossier | int,
    *,
    order: int | None = None,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> StepRun:
    result: StepRun = execute(
        "complete_step", actor, dossier, {"order": order, "note": note, **_v(expected_version)}, now=now
    )
    return result


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
    data = {"assignee": getattr(assignee, "pk", None), "note": note, **_v(expected_version)}
    result: StepRun | None = execute("forward", actor, dossier, data, now=now)
    return result


# ---- supplements, fees, pauses, ends ------------------------------------------------------------


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
    data = {"reason": reason, "items": list(items), "notice": as_file(notice), **_v(expected_version)}
    result: Dossier = execute("request_supplement", actor, dossier, data, now=now)
    return result


def supply_supplement(
    actor: Any, dossier: Dossier | int, *, now: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    result: Dossier = execute("supply_supplement", actor, dossier, _v(expected_version), now=now)
    return result


def close_unsupplemented(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    result: Dossier = execute("close", actor, dossier, {}, now=now)
    return result


def request_fee(
    actor: Any,
    dossier: Dossier | int,
    *,
    amount: int,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    result: Dossier = execute(
        "request_fee", actor, dossier, {"amount": amount, "note": note, **_v(expected_version)}, now=now
    )
    return result


def confirm_fee(
    actor: Any, dossier: Dossier | int, *, paid_online: bool = False, reference: str = "", now: datetime | None = None
) -> Dossier:
    result: Dossier = execute(
        "confirm_fee", actor, dossier, {"paid_online": paid_online, "reference": reference}, now=now
    )
    return result


def pause_clock(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    evidence: Upload | None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    data = {"reason": reason, "evidence": as_file(evidence), **_v(expected_version)}
    result: Dossier = execute("pause", actor, dossier, data, now=now)
    return result


def resume_clock(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    result: Dossier = execute("resume", actor, dossier, {}, now=now)
    return result


def stop_dossier(
    actor: Any,
    dossier: Dossier | int,
    *,
    reason: str,
    evidence: Upload | None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    data = {"reason": reason, "evidence": as_file(evidence), **_v(expected_version)}
    result: Dossier = execute("stop", actor, dossier, data, now=now)
    return result


def withdraw(actor: Any, dossier: Dossier | int, *, reason: str = "", now: datetime | None = None) -> Dossier:
    result: Dossier = execute("withdraw", actor, dossier, {"reason": reason}, now=now)
    return result


# ---- apology, results, return -------------------------------------------------------------------


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
    data = {
        "reason": reason,
        "new_appointment_at": new_appointment_at,
        "letter": as_file(letter),
        **_v(expected_version),
    }
    result: Dossier = execute("record_apology", actor, dossier, data, now=now)
    return result


def approve_apology(
    actor: Any, dossier: Dossier | int, *, now: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    result: Dossier = execute("approve_apology", actor, dossier, _v(expected_version), now=now)
    return result


def finish_dossier(
    actor: Any,
    dossier: Dossier | int,
    *,
    note: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    result: Dossier = execute("finish", actor, dossier, {"note": note, **_v(expected_version)}, now=now)
    return result


def announce_early_return(actor: Any, dossier: Dossier | int, *, now: datetime | None = None) -> Dossier:
    result: Dossier = execute("announce_early", actor, dossier, {}, now=now)
    return result


def return_result(
    actor: Any,
    dossier: Dossier | int,
    *,
    method: str = "counter",
    tracking_number: str = "",
    now: datetime | None = None,
) -> Dossier:
    data = {"method": method, "tracking_number": tracking_number}
    result: Dossier = execute("return_result", actor, dossier, data, now=now)
    return result


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
    data = {"file": as_file(upload), "component": component, "digitized": digitized, "reused": reused}
    result: Document = execute("attach_document", actor, dossier, data, now=now)
    return result


def record_result(
    actor: Any, dossier: Dossier | int, *, upload: Upload, result_code: str, now: datetime | None = None
) -> Document:
    data = {"file": as_file(upload), "result_code": result_code}
    result: Document = execute("record_result", actor, dossier, data, now=now)
    return result


def route_to_lead(
    actor: Any, dossier: Dossier | int, *, kind: str, upload: Upload, note: str = "", now: datetime | None = None
) -> Document:
    data = {"kind": kind, "file": as_file(upload), "note": note}
    result: Document = execute("route_to_lead", actor, dossier, data, now=now)
    return result


# ---- calendar changes (system) ------------------------------------------------------------------


def recompute_due(actor: Any, dossier: Dossier | int, *, reason: str, now: datetime | None = None) -> bool:
    """Re-derive the due time of an open dossier with the current calendar; appends an event when it moved."""
    at = now_or(now)
    with transaction.atomic():
        d = lock(dossier)
        if actor is not SYSTEM:
            access.require(actor, access.Action.MANAGE_UNIT, d.unit)
        evs = events(d)
        state = derive(evs)
        if state.status not in lifecycle.OPEN or state.due_at is None:
            return False
        deadline = clock.Deadline.from_payload(state.clock_state["deadline"])
        replayed = clock.replay(calendar(d), deadline, evs)
        if replayed.due_at == state.due_at:
            return False
        payload: dict[str, Any] = {
            "reason": reason,
            "due_at": clock.iso(replayed.due_at),
            "previous": clock.iso(state.due_at),
        }
        if not state.clock_state.get("extensions"):
            payload["appointment_at"] = clock.iso(replayed.due_at)
        append(d, "due_recomputed", actor, at, payload, state=state)
        refresh_due_duties(d)
        return True


def on_calendar_changed(name: str, dates: Iterable[Any] = (), now: datetime | None = None) -> int:
    """Receiver of `calendar_changed`: every open dossier counted in that calendar gets its due time re-derived."""
    moved = 0
    candidates = Dossier.objects.filter(status__in=sorted(lifecycle.OPEN), unit__calendar_name=name)
    changed = sorted(dates or ())
    if changed:
        # A day after a dossier's due date cannot move it (counting stops at the due day).
        candidates = candidates.filter(due_at__gte=datetime.combine(changed[0], time(0), clock.TZ))
    for pk in list(candidates.values_list("id", flat=True)):
        if recompute_due(SYSTEM, pk, reason=f"calendar_changed:{name}", now=now):
            moved += 1
    return moved


# ---- reading ------------------------------------------------------------------------------------


def events_of(d: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=d).order_by("seq"))


def cached_matches(d: Dossier) -> bool:
    state = state_of(d)
    return all(getattr(d, f) == v for f, v in state.cached().items())


__all__ = [
    "ACTION_LABELS",
    "CACHED_FIELDS",
    "SYSTEM",
    "Applicant",
    "DossierError",
    "Upload",
    "accept_online",
    "allocate_code",
    "announce_early_return",
    "apology_deadline",
    "approve_apology",
    "attach_document",
    "cached_matches",
    "close_unsupplemented",
    "complete_step",
    "confirm_fee",
    "events_of",
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
    "state_of",
    "stop_dossier",
    "submit_online",
    "supply_supplement",
    "withdraw",
]


def transfer_unit(
    dossier: Dossier | int,
    *,
    unit: Unit,
    receiving_unit: Unit,
    decision: str,
    units: dict[str, str] | None = None,
    effective_on: date | None = None,
    now: datetime | None = None,
) -> Dossier:
    """Restructuring: the system hands an open dossier to a successor unit (code, deadline and clock unchanged)."""
    data: dict[str, Any] = {
        "unit": unit.code,
        "receiving_unit": receiving_unit.code,
        "decision": decision,
        "units": units or {},
    }
    if effective_on is not None:
        data["effective_on"] = effective_on.isoformat()
    result: Dossier = execute("transfer_unit", SYSTEM, dossier, data, now=now)
    return result
