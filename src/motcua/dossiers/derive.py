"""Re-derive a dossier's cached state from its events (pure: no Django, no calendar).

Services record, in each clock event's payload, the due time in effect after it (computed by
`clock`); `derive` only folds the ledger. `motcua audit verify` compares its result with the
columns cached on the dossier row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.dossiers import lifecycle
from motcua.dossiers.clock import iso, regime_for

# Columns of Dossier that are cached derived state (compared by the auditor).
CACHED_FIELDS = (
    "status",
    "regime",
    "received_at",
    "due_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "clock_state",
    "current_steps",
)


@dataclass
class State:
    status: str | None = None
    resume_to: str | None = None
    regime: str = "nd118"
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    appointment_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    clock_state: dict[str, Any] = field(default_factory=dict)
    current_steps: list[dict[str, Any]] = field(default_factory=list)
    early_return_notice: bool = False
    pending_apology: dict[str, Any] | None = None
    results: int = 0
    due_unverified: bool = False

    def cached(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CACHED_FIELDS}


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _clock(state: State, **changes: Any) -> None:
    state.clock_state = {**state.clock_state, **changes}


def _apply_imported(state: State, at: datetime, payload: dict[str, Any]) -> State:
    """A dossier migrated from older software (contracts §4): one `imported` event whose payload is the source line.

    The source's values are the history; `due_at` is derived only when the line carried it
    (`due_unverified` tells the auditor when it did not). The regime follows the official receipt
    like a live dossier's (`clock.regime_for`): the importer adds `official_receipt` to the
    payload when it falls under another regime than the received time, else they agree.
    """
    status = payload.get("status")
    if state.status is not None or status not in lifecycle.STATUSES:
        raise lifecycle.IllegalTransition(state.status, "imported")
    state.status = status
    state.received_at = _dt(payload.get("received_at"))
    state.due_at = _dt(payload.get("due_at"))
    state.finished_at = _dt(payload.get("finished_at"))
    state.returned_at = _dt(payload.get("returned_at"))
    official = _dt(payload.get("official_receipt")) or state.received_at
    if official is not None:
        state.regime = regime_for(official).code
    state.due_unverified = "due_at" not in payload
    return state


def apply(state: State, type_: str, at: datetime, payload: dict[str, Any]) -> State:
    """Apply one event to `state` (in place) and return it; raises IllegalTransition on a forbidden event."""
    if type_ == "imported":
        return _apply_imported(state, at, payload)
    before = state.status
    state.status = lifecycle.next_status(before, type_, state.resume_to)
    if state.status in (lifecycle.SUPPLEMENT, lifecycle.AWAITING_FEE) and before not in (
        lifecycle.SUPPLEMENT,
        lifecycle.AWAITING_FEE,
    ):
        state.resume_to = before
    if type_ in ("supplement_supplied", "fee_confirmed"):
        state.resume_to = None
    if state.status in lifecycle.ENDED and before not in lifecycle.ENDED:
        state.finished_at = at

    if type_ == "submitted":
        state.submitted_at = at
        state.received_at = at
        _clock(state, running=False)
    elif type_ == "received":
        state.received_at = _dt(payload["received_at"])
        state.regime = payload["regime"]
        state.due_at = state.appointment_at = _dt(payload["due_at"])
        state.clock_state = {
            "regime": payload["regime"],
            "official_receipt": payload["official_receipt"],
            "deadline": payload["deadline"],
            "running": True,
            "paused_since": None,
            "reason": "",
            "supplement_requests": state.clock_state.get("supplement_requests", 0),
            "extensions": 0,
            "restarts": 0,
        }
    elif type_ == "refused":
        if state.received_at is None:
            state.received_at = at
        _clock(state, running=False)
    elif type_ == "supplement_requested":
        _clock(state, supplement_requested_at=iso(at))
        if state.due_at is not None:
            # Only requests after receipt count against the regime's limit (intake corrections do not).
            count = int(state.clock_state.get("supplement_requests", 0)) + 1
            _clock(state, supplement_requests=count, running=False, paused_since=iso(at), reason="supplement")
    elif type_ in ("supplement_supplied", "fee_confirmed", "clock_resumed", "due_recomputed"):
        if payload.get("due_at"):
            state.due_at = _dt(payload["due_at"])
        if payload.get("appointment_at"):
            state.appointment_at = _dt(payload["appointment_at"])
        if type_ != "due_recomputed":
            _clock(state, running=state.due_at is not None, paused_since=None, reason="")
        if type_ == "supplement_supplied" and payload.get("restarted"):
            _clock(state, restarts=int(state.clock_state.get("restarts", 0)) + 1)
    elif type_ in ("fee_requested", "clock_paused"):
        _clock(state, running=False, paused_since=iso(at), reason="fee" if type_ == "fee_requested" else "pause")
    elif type_ == "apology_recorded":
        state.pending_apology = dict(payload)
    elif type_ == "apology_approved":
        state.pending_apology = None
        state.appointment_at = _dt(payload["new_appointment_at"])
        _clock(state, extensions=int(state.clock_state.get("extensions", 0)) + 1)
    elif type_ == "step_started":
        state.current_steps = [*state.current_steps, dict(payload["step"], seq=payload["seq"])]
    elif type_ == "step_completed":
        state.current_steps = [s for s in state.current_steps if s["seq"] != payload["started_seq"]]
    elif type_ == "unit_transferred":
        # Open steps at a unit that ended now belong to its successor (payload "units": old code → new code).
        moved = payload.get("units") or {}
        state.current_steps = [dict(s, unit=moved.get(s.get("unit"), s.get("unit"))) for s in state.current_steps]
    elif type_ == "early_return_notice":
        state.early_return_notice = True
    elif type_ == "returned":
        state.returned_at = at
    elif type_ == "result_recorded":
        state.results += 1

    if state.status in lifecycle.ENDED:
        state.current_steps = []
        if state.clock_state.get("running"):
            _clock(state, running=False)
    return state


def derive(events: Iterable[tuple[str, datetime, dict[str, Any]]]) -> State:
    """The state after all (type, at, payload) events, in sequence order."""
    state = State()
    for type_, at, payload in events:
        apply(state, type_, at, payload)
    return state
