"""The dossier lifecycle as a code-level transition table (pure: no Django import).

Each event type lists the statuses it may follow and the status it leads to. `SAME` keeps the
status; `RESUME` returns to the status held before the dossier waited (supplement or fees).
`None` as a source means "no dossier yet" (the first event).
"""

from __future__ import annotations

from collections.abc import Mapping

SUBMITTED = "submitted"
RECEIVED = "received"
PROCESSING = "processing"
SUPPLEMENT = "supplement"
AWAITING_FEE = "awaiting_fee"
STOPPED = "stopped"
CLOSED = "closed"
WITHDRAWN = "withdrawn"
REFUSED = "refused"
FINISHED = "finished"
RETURNED = "returned"

STATUSES = (
    SUBMITTED,
    RECEIVED,
    PROCESSING,
    SUPPLEMENT,
    AWAITING_FEE,
    STOPPED,
    CLOSED,
    WITHDRAWN,
    REFUSED,
    FINISHED,
    RETURNED,
)
# Processing has ended: `finished_at` is set when a dossier enters one of these.
ENDED = frozenset({FINISHED, RETURNED, WITHDRAWN, STOPPED, CLOSED, REFUSED})
# Nothing may happen any more (a finished dossier still awaits its return).
FINAL = frozenset({RETURNED, WITHDRAWN, STOPPED, CLOSED, REFUSED})
# The dossier is being handled and its clock matters.
OPEN = frozenset({RECEIVED, PROCESSING, SUPPLEMENT, AWAITING_FEE})

SAME = "<same>"
RESUME = "<resume>"

_ACTIVE = (RECEIVED, PROCESSING)
_OPEN = (RECEIVED, PROCESSING, SUPPLEMENT, AWAITING_FEE)


def _from(sources: tuple[str | None, ...], target: str) -> dict[str | None, str]:
    return dict.fromkeys(sources, target)


TRANSITIONS: Mapping[str, Mapping[str | None, str]] = {
    "submitted": {None: SUBMITTED},
    "received": {None: RECEIVED, SUBMITTED: RECEIVED},
    "refused": {None: REFUSED, SUBMITTED: REFUSED},
    "supplement_requested": _from((SUBMITTED, RECEIVED, PROCESSING), SUPPLEMENT),
    "supplement_supplied": {SUPPLEMENT: RESUME},
    "closed": {SUPPLEMENT: CLOSED},
    "step_started": _from(_ACTIVE, PROCESSING),
    "step_completed": {PROCESSING: SAME},
    "fee_requested": _from(_ACTIVE, AWAITING_FEE),
    "fee_confirmed": {AWAITING_FEE: RESUME},
    "clock_paused": _from(_ACTIVE, SAME),
    "clock_resumed": _from(_ACTIVE, SAME),
    "stopped": _from(_OPEN, STOPPED),
    "apology_recorded": _from((RECEIVED, PROCESSING, AWAITING_FEE), SAME),
    "apology_approved": _from((RECEIVED, PROCESSING, AWAITING_FEE), SAME),
    "finished": _from(_ACTIVE, FINISHED),
    "early_return_notice": {FINISHED: SAME},
    "returned": {FINISHED: RETURNED},
    "withdrawn": _from((SUBMITTED, *_OPEN), WITHDRAWN),
    "document_attached": _from((SUBMITTED, *_OPEN, FINISHED), SAME),
    "result_recorded": _from((*_ACTIVE, FINISHED), SAME),
    "linked_spawned": _from(_OPEN, SAME),
    "document_routed": _from((*_OPEN, FINISHED), SAME),
    "due_recomputed": _from(_OPEN, SAME),
    # Restructuring (motcua.restructure): the competent/receiving unit passes to a successor.
    "unit_transferred": _from((SUBMITTED, *_OPEN, FINISHED), SAME),
}

EVENT_TYPES = frozenset(TRANSITIONS)


class IllegalTransition(ValueError):
    def __init__(self, status: str | None, event_type: str) -> None:
        super().__init__(f"{event_type} is not allowed in status {status}")
        self.status = status
        self.event_type = event_type


def allowed(status: str | None, event_type: str) -> bool:
    return status in TRANSITIONS.get(event_type, {})


def next_status(status: str | None, event_type: str, resume_to: str | None = None) -> str:
    """The status after `event_type` happens in `status`; raises IllegalTransition if the table forbids it."""
    targets = TRANSITIONS.get(event_type)
    if targets is None or status not in targets:
        raise IllegalTransition(status, event_type)
    target = targets[status]
    if target == SAME:
        assert status is not None
        return status
    if target == RESUME:
        if resume_to is None:
            raise IllegalTransition(status, event_type)
        return resume_to
    return target


def available(status: str | None) -> list[str]:
    """Event types allowed in `status` (for UIs: which buttons to show)."""
    return [t for t, sources in TRANSITIONS.items() if status in sources]
