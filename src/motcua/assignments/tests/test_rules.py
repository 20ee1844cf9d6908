"""Property tests of the assignment rules against simple references (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.assignments import rules
from motcua.calendar.engine import TZ
from motcua.calendar.holidays_vn import vietnam_calendar

CAL = vietnam_calendar()
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@given(due=days, done=st.none() | days, today=days)
def test_outcome_matches_reference(due: date, done: date | None, today: date) -> None:
    if done is not None:
        expected = rules.COMPLETED_LATE if done > due else rules.ON_TIME
    else:
        expected = rules.OVERDUE if today > due else rules.IN_PROGRESS
    assert rules.outcome(due, done, today) == expected
    assert rules.is_overdue(due, done, today) == (expected == rules.OVERDUE)
    assert rules.is_completed_late(due, done) == (expected == rules.COMPLETED_LATE)
    assert rules.days_late(due, done, today) == max(0, ((done or today) - due).days)


stamps = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(TZ))


@given(assigned=days, approved=st.lists(st.tuples(stamps, days), max_size=5, unique_by=lambda x: x[0]))
def test_effective_deadline_is_the_last_approved(assigned: date, approved: list[tuple[datetime, date]]) -> None:
    expected = assigned
    latest = None
    for at, new in approved:
        if latest is None or at > latest:
            latest, expected = at, new
    assert rules.effective_deadline(assigned, approved) == expected
    assert rules.effective_deadline(assigned, list(reversed(approved))) == expected


@settings(max_examples=200)
@given(issued=days, n=st.integers(min_value=1, max_value=60))
def test_working_days_deadline_steps_over_days_off(issued: date, n: int) -> None:
    d = issued
    while not CAL.is_working_day(d):  # a directive dated on a day off counts from the next working day
        d += timedelta(days=1)
    left = n
    while left:
        d += timedelta(days=1)
        left -= CAL.is_working_day(d)
    assert rules.working_days_deadline(CAL, issued, n) == d


def test_working_days_over_tet_2026() -> None:
    # Tết Bính Ngọ: 14/02–22/02/2026 off; 10 working days from Thursday 12/02 end on Thursday 05/03.
    assert rules.working_days_deadline(CAL, date(2026, 2, 12), 10) == date(2026, 3, 5)


@given(
    rows=st.lists(st.tuples(st.sampled_from(["H32.101", "H32.27"]), days, st.none() | days), max_size=30),
    today=days,
)
def test_counts_partition_the_tasks(rows: list[tuple[str, date, date | None]], today: date) -> None:
    table = rules.counts(rows, today)
    for key, c in table.items():
        mine = [r for r in rows if r[0] == key]
        assert c["total"] == len(mine) == sum(c[o] for o in rules.OUTCOMES)
        assert c["late"] == c[rules.OVERDUE] + c[rules.COMPLETED_LATE]
        assert c[rules.OVERDUE] == sum(1 for _k, due, done in mine if done is None and today > due)
    assert sum(c["total"] for c in table.values()) == len(rows)
