"""The remediation deadline and lateness rules against simple references (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.holidays_vn import vietnam_calendar
from motcua.inspections import rules

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = vietnam_calendar()
STATUSES = st.sampled_from(["open", "reported", "reopened", "closed"])
DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


def reference_due(concluded: date, n: int) -> date:
    """Walk the calendar: the conclusion counts from its (next) working day; then n more working days."""
    d = concluded
    while not CAL.is_working_day(d):
        d += timedelta(days=1)
    count = 0
    while count < n:
        d += timedelta(days=1)
        count += CAL.is_working_day(d)
    return d


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=1, max_value=60))
def test_due_in_working_days_matches_a_day_walk(day: date, n: int) -> None:
    concluded = datetime.combine(day, time(8, 0), tzinfo=TZ)
    assert rules.due_on(CAL, concluded, n, None) == reference_due(day, n)


@given(DAYS, DAYS, st.one_of(st.none(), st.integers(min_value=1, max_value=30)))
def test_an_explicit_date_wins(day: date, explicit: date, n: int | None) -> None:
    assert rules.due_on(CAL, datetime.combine(day, time(9), tzinfo=TZ), n, explicit) == explicit


def test_a_deadline_is_needed() -> None:
    import pytest

    with pytest.raises(ValueError):
        rules.due_on(CAL, datetime(2026, 3, 2, 9, tzinfo=TZ), None, None)


def test_tet_2026_is_skipped() -> None:
    # Concluded Fri 13/02/2026; Tết 16–20/02 are off: 1 working day later is Mon 23/02.
    assert rules.due_on(CAL, datetime(2026, 2, 13, 9, tzinfo=TZ), 1, None) == date(2026, 2, 23)


@given(DAYS, STATUSES, DAYS)
def test_overdue_is_past_the_deadline_and_not_closed(due: date, status: str, today: date) -> None:
    assert rules.is_overdue(due, status, today) == (status != "closed" and (today - due).days > 0)


@given(DAYS, DAYS)
def test_closed_late_is_closed_after_the_deadline_day(due: date, closed: date) -> None:
    assert rules.closed_late(due, closed) == (closed > due)


@given(DAYS, STATUSES, DAYS, DAYS)
def test_what_counts_against_the_unit(due: date, status: str, closed: date, today: date) -> None:
    got = rules.counts_against(due, status, closed if status == "closed" else None, today)
    assert got == (closed > due if status == "closed" else today > due)


def test_no_deadline_yet_never_counts() -> None:
    assert not rules.counts_against(None, "open", None, date(2030, 1, 1))


@given(DAYS, DAYS)
def test_days_overdue(due: date, today: date) -> None:
    n = rules.days_overdue(due, today)
    assert n >= 0 and (n > 0) == rules.is_overdue(due, "open", today) and (n == 0 or due + timedelta(days=n) == today)
