"""The SLA clock as a ledger: pure functions of (deadline, calendar, clock events) -> due times.

All use of the working-time calendar by the dossier engine goes through this module. Services
compute the due time in effect after each clock event with these functions and record it in the
event payload; `replay()` recomputes the same values from the events alone (tests and the
`calendar_changed` handler compare the two).

Rule regimes are data with effective dates (`REGIMES`), chosen by the local date of the official
receipt (`regime_for`; `regime_at_receipt` from the received time), for live and imported
dossiers alike:
- `nd61` (Decree 61/2018, before 01/07/2025): supplementation pauses the clock and extends it by
  the office time spent waiting (contracts §2.4 pause formula);
- `nd118` (Decree 118/2025, from 01/07/2025): a supplement request stops the clock; the full time
  limit restarts when the completed dossier arrives; one request only, within 3 working days of
  receipt; not completed within 15 days -> closed.
Waiting for fees and a justified pause always pause the clock.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from motcua.calendar.engine import classify
from motcua.config import time_zone

TZ = time_zone()  # the local zone (MOTCUA_TIME_ZONE), the calendar engine's too


@dataclass(frozen=True)
class Regime:
    code: str
    effective_from: date
    supplement_mode: str  # "pause" | "restart"
    max_supplement_requests: int | None
    supplement_notice_working_days: int | None  # the request must come within N working days of receipt
    supplement_timeout_days: int | None  # calendar days after the request before the dossier is closed


REGIMES: tuple[Regime, ...] = (
    Regime("nd61", date(1900, 1, 1), "pause", None, None, None),
    Regime("nd118", date(2025, 7, 1), "restart", 1, 3, 15),
)


def regime_for(official_receipt: datetime) -> Regime:
    """The regime in force on the local date of the official receipt (the one rule for every dossier)."""
    return _regime_on(official_receipt.astimezone(TZ).date())


@functools.lru_cache(maxsize=4096)
def _regime_on(day: date) -> Regime:
    chosen = REGIMES[0]
    for regime in REGIMES:
        if regime.effective_from <= day:
            chosen = regime
    return chosen


# An official receipt is at most the next working day's opening: far less than this after receipt.
_RECEIPT_LAG = timedelta(days=60)
_SWITCHES = tuple(r.effective_from for r in REGIMES[1:])


def regime_at_receipt(
    received: datetime, official_receipt: Callable[[datetime], datetime]
) -> tuple[Regime, datetime | None]:
    """`regime_for(official_receipt(received))`, asking the calendar only when it can matter.

    A dossier received out of office hours just before a switch (Mon 30/06/2025 17:30) is
    officially received after it (Tue 01/07/2025 07:00), hence under the new regime. Far from a
    switch the received date decides alone, which keeps the history import fast. The official
    receipt is returned too when it decided a later regime than the received time's (else None).
    """
    day = received.astimezone(TZ).date()
    for switch in _SWITCHES:
        if day < switch and switch - day <= _RECEIPT_LAG:
            official = official_receipt(received)
            regime = regime_for(official)
            return regime, (official if regime is not _regime_on(day) else None)
    return _regime_on(day), None


def regime_by_code(code: str) -> Regime:
    for regime in REGIMES:
        if regime.code == code:
            return regime
    raise KeyError(code)


class Calendar(Protocol):
    """What the clock needs from `motcua.calendar.engine.WorkCalendar`."""

    def due(self, received: datetime, amount: Any, unit: str, cutoff: time | None = None) -> Any: ...
    def official_receipt(self, t: datetime) -> datetime: ...
    def office_time(self, start: datetime, end: datetime) -> timedelta: ...
    def advance(self, t: datetime, office: timedelta) -> datetime: ...
    def is_working_day(self, d: date) -> bool: ...


@dataclass(frozen=True)
class Deadline:
    amount: Decimal
    unit: str
    cutoff: time | None = None

    def as_payload(self) -> dict[str, Any]:
        return {
            "amount": str(self.amount),
            "unit": self.unit,
            "cutoff": self.cutoff.strftime("%H:%M") if self.cutoff else None,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Deadline:
        cutoff = data.get("cutoff")
        return cls(
            Decimal(str(data["amount"])),
            str(data["unit"]),
            time.fromisoformat(cutoff) if cutoff else None,
        )


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def compute_due(cal: Calendar, received: datetime, deadline: Deadline) -> tuple[datetime, datetime]:
    """(official receipt, due) for a dossier received complete at `received` (contracts §2.2–2.3)."""
    result = cal.due(received, _amount(deadline.amount), deadline.unit, deadline.cutoff)
    return result.official_receipt, result.due


def pause_due(cal: Calendar, due: datetime, p1: datetime, p2: datetime) -> datetime:
    """Contracts §2.4: a pause [p1, p2) starting before the due time moves it by the office time inside it."""
    if p1 >= due or p2 <= p1:
        return due
    moved: datetime = cal.advance(due, cal.office_time(p1, p2))
    return moved


def step_due(cal: Calendar, start: datetime, amount: Decimal, unit: str) -> datetime:
    """The due time of a process step started at `start`."""
    if amount <= 0:
        return start
    due: datetime = cal.due(start, _amount(amount), unit).due
    return due


def add_working_days(cal: Calendar, start: datetime, days: int) -> datetime:
    """End of the `days`-th working day after `start`'s receipt day (contracts §2.3 working_days)."""
    due: datetime = cal.due(start, days, "working_days").due
    return due


def add_working_hours(cal: Calendar, start: datetime, hours: float) -> datetime:
    due: datetime = cal.due(start, hours, "working_hours").due
    return due


@dataclass
class Clock:
    """The clock state after replaying the ledger."""

    regime: str = "nd118"
    official_receipt: datetime | None = None
    due_at: datetime | None = None
    appointment_at: datetime | None = None
    running: bool = False
    paused_since: datetime | None = None
    pause_reason: str = ""
    supplement_requests: int = 0
    extensions: int = 0
    restarts: int = 0
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


PAUSING = {"fee_requested": "fee", "clock_paused": "pause"}
RESUMING = {"fee_confirmed", "clock_resumed"}


def replay(cal: Calendar, deadline: Deadline, events: Iterable[tuple[str, datetime, dict[str, Any]]]) -> Clock:
    """Recompute the clock from (type, at, payload) events, in order, with the given calendar."""
    c = Clock()
    for type_, at, payload in events:
        if type_ == "received":
            received = _parse(payload.get("received_at")) or at
            c.official_receipt, c.due_at = compute_due(cal, received, deadline)
            c.regime = regime_for(c.official_receipt).code
            c.appointment_at = c.due_at
            c.running = True
        elif type_ == "supplement_requested" and c.official_receipt is not None:
            c.supplement_requests += 1
            c.running = False
            c.paused_since = at
            c.pause_reason = "supplement"
        elif type_ == "supplement_supplied" and c.official_receipt is not None:
            assert c.paused_since is not None and c.due_at is not None
            if regime_by_code(c.regime).supplement_mode == "restart":
                _, c.due_at = compute_due(cal, at, deadline)
                c.restarts += 1
            else:
                c.pauses.append((c.paused_since, at))
                c.due_at = pause_due(cal, c.due_at, c.paused_since, at)
            if not c.extensions:
                c.appointment_at = c.due_at
            c.running, c.paused_since, c.pause_reason = True, None, ""
        elif type_ in PAUSING:
            c.running, c.paused_since, c.pause_reason = False, at, PAUSING[type_]
        elif type_ in RESUMING:
            assert c.paused_since is not None and c.due_at is not None
            c.pauses.append((c.paused_since, at))
            c.due_at = pause_due(cal, c.due_at, c.paused_since, at)
            if not c.extensions:
                c.appointment_at = c.due_at
            c.running, c.paused_since, c.pause_reason = True, None, ""
        elif type_ == "apology_approved":
            c.extensions += 1
            c.appointment_at = _parse(payload["new_appointment_at"])
        elif type_ in {"finished", "stopped", "withdrawn", "closed", "refused"}:
            c.running = False
    return c


def local_date(t: datetime) -> date:
    return t.astimezone(TZ).date()


def iso(t: datetime | None) -> str | None:
    """ISO 8601 with the local offset (the form stored in payloads and shown by the API)."""
    return t.astimezone(TZ).isoformat() if t is not None else None


def pauses_payload(pauses: Sequence[tuple[datetime, datetime]]) -> list[list[str | None]]:
    return [[iso(a), iso(b)] for a, b in pauses]


# --- Calendar access (the only place the dossier engine reaches the calendar) ---------------------


def calendar_for(calendar_name: str) -> Calendar:
    """The working-time calendar a unit's deadlines are counted in (cached per process by the calendar app)."""
    from motcua.calendar.service import get_calendar

    cal: Calendar = get_calendar(calendar_name or "default")
    return cal


def classify_outcome(due: datetime, finished: datetime) -> str:
    """Contracts §2.6: early / on_time / late by local dates (the calendar engine's one rule)."""
    return classify(due, finished)
