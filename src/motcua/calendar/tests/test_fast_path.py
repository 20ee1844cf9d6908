"""The per-call working-days fast path of `WorkCalendar.due` gives exactly the general path's answer.

`due(t, n, "working_days")` answers from three per-day/per-working-day lists of the index; the
general path (`_due`) converts and bisects. Both must agree on every input: instants anywhere in
and beyond the index, on office boundaries to the microsecond, in any zone, and amounts that run
past the index's end (the fast path then hands over to the general one).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import TZ, DayEntry, Deadline, WorkCalendar
from motcua.calendar.tests.test_properties import calendars

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = [
    TZ,
    UTC,
    timezone(timedelta(hours=7)),
    timezone(timedelta(hours=-11)),
    timezone(timedelta(hours=13, minutes=45)),
]
# Boundaries of the default periods (07:00, 11:30, 13:30, 17:00) and one microsecond either side.
EDGES = [time(h, m) for h, m in ((7, 0), (11, 30), (13, 30), (17, 0), (0, 0), (23, 59))]


def _same(a: Deadline, b: Deadline) -> None:
    assert a == b
    assert (a.official_receipt.tzinfo, a.due.tzinfo) == (b.official_receipt.tzinfo, b.due.tzinfo)
    assert (a.official_receipt.isoformat(), a.due.isoformat()) == (b.official_receipt.isoformat(), b.due.isoformat())


local_instants = st.builds(
    lambda d, t, nudge, z: (datetime.combine(d, t, TZ) + timedelta(microseconds=nudge)).astimezone(z),
    st.dates(date(1998, 1, 1), date(2042, 12, 31)),
    st.one_of(st.sampled_from(EDGES), st.times()),
    st.sampled_from([0, 1, -1, 0, 0]),
    st.sampled_from(ZONES),
)


@SETTINGS
@given(calendars(), local_instants, st.integers(1, 400))
def test_fast_path_equals_general_path(cal, t, n):
    _same(cal.due(t, n, "working_days"), cal._due(t, n, "working_days"))


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2040, 10, 1), date(2040, 12, 31)), st.integers(1, 200))
def test_fast_path_hands_over_at_the_end_of_the_index(d, n):
    cal = WorkCalendar("edge", days=[DayEntry(date(2040, 12, 24), "holiday", "h")], years=(2030, 2040))
    t = datetime.combine(d, time(16, 59, 59, 999_999), TZ)
    fresh = WorkCalendar("edge", days=[DayEntry(date(2040, 12, 24), "holiday", "h")], years=(2030, 2040))
    _same(cal.due(t, n, "working_days"), fresh._due(t, n, "working_days"))


def test_other_amounts_and_inputs_take_the_general_path():
    cal = WorkCalendar()
    t = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert cal.due(t, 2.0, "working_days") == cal.due(t, 2, "working_days")
    with pytest.raises(ValueError):
        cal.due(datetime(2026, 3, 2, 8, 0), 2, "working_days")  # naive
    with pytest.raises(ValueError):
        cal.due(t, 0, "working_days")
    with pytest.raises(ValueError):
        cal.due(t, True, "working_days")
