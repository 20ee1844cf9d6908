"""The remediation deadline and lateness rules: one home, used by commands, screens and metrics.

The working-day count comes from the calendar (`dossiers.clock.add_working_days`, i.e.
`WorkCalendar.due(..., "working_days")`) and lateness from `calendar.engine.classify_dates`.
"""

from __future__ import annotations

from datetime import date, datetime

from motcua.calendar.engine import TZ, WorkCalendar, classify_dates
from motcua.dossiers.clock import add_working_days

CLOSED = "closed"


def due_on(cal: WorkCalendar, concluded_at: datetime, days: int | None, explicit: date | None) -> date:
    """The remediation deadline: an explicit date wins; else the `days`-th working day after the conclusion."""
    if explicit is not None:
        return explicit
    if days is None or days < 1:
        raise ValueError("a remediation item needs a deadline in working days (≥ 1) or a date")
    return add_working_days(cal, concluded_at, days).astimezone(TZ).date()


def is_overdue(due: date | None, status: str, today: date) -> bool:
    """Past its deadline and not closed."""
    return due is not None and status != CLOSED and today > due


def closed_late(due: date | None, closed_on: date | None) -> bool:
    """Closed after the deadline day (the calendar's one early/on-time/late rule)."""
    return due is not None and closed_on is not None and classify_dates(due, closed_on) == "late"


def counts_against(due: date | None, status: str, closed_on: date | None, today: date) -> bool:
    """What the unit's scoring counts: overdue now, or closed late."""
    if status == CLOSED:
        return closed_late(due, closed_on)
    return is_overdue(due, status, today)


def days_overdue(due: date, today: date) -> int:
    """Calendar days past the deadline (0 when not past), as the overdue list shows them."""
    return max(0, (today - due).days)
