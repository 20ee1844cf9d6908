"""Property tests: the indexed engine agrees with the minute-by-minute reference (2025–2027),
on the national calendar and on random calendars with extra holidays and working Saturdays."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, timezone

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import DEFAULT_PERIODS, TZ, DayEntry, classify, default_week
from motcua.calendar.holidays_vn import vietnam_calendar
from motcua.calendar.reference import Reference

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = datetime(2025, 1, 1, tzinfo=TZ)
SPAN_MINUTES = int((datetime(2027, 11, 30, tzinfo=TZ) - START).total_seconds() // 60)
ZONES = [TZ, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9, minutes=30))]


@functools.lru_cache(maxsize=64)
def make_calendar(extra: tuple[DayEntry, ...], saturday: bool):
    week = default_week()
    if saturday:
        week[5] = ((time(7, 0), time(11, 30)),)
    return vietnam_calendar("random", extra=extra, week=week)


instants = st.builds(
    lambda m, z: (START + timedelta(minutes=m)).astimezone(z),
    st.integers(0, SPAN_MINUTES),
    st.sampled_from(ZONES),
)
days_2025_2027 = st.builds(lambda n: date(2025, 1, 1) + timedelta(days=n), st.integers(0, 3 * 365 - 40))


@st.composite
def calendars(draw):
    """The national calendar, or one with random extra holidays/days off/working days and Saturday hours."""
    if draw(st.booleans()):
        return make_calendar((), False)
    entries = {}
    for d in draw(st.lists(days_2025_2027, max_size=12)):
        kind = draw(st.sampled_from(["holiday", "day_off", "working_day"]))
        entries[d] = DayEntry(d, kind, f"random {kind}")
    extra = tuple(sorted(entries.values(), key=lambda e: e.date))
    return make_calendar(extra, draw(st.booleans()))


@st.composite
def near(draw, t, max_minutes):
    return t + timedelta(minutes=draw(st.integers(0, max_minutes)))


@SETTINGS
@given(calendars(), instants)
def test_official_receipt(cal, t):
    assert cal.official_receipt(t) == Reference(cal).official_receipt(t)


@SETTINGS
@given(calendars(), instants, st.integers(1, 5))
def test_due_working_days(cal, t, n):
    dl = cal.due(t, n, "working_days")
    assert (dl.official_receipt, dl.due) == Reference(cal).due(t, n, "working_days")


@SETTINGS
@given(calendars(), instants, st.integers(1, 24))
def test_due_working_hours(cal, t, n):
    dl = cal.due(t, n, "working_hours")
    assert (dl.official_receipt, dl.due) == Reference(cal).due(t, n, "working_hours")


@SETTINGS
@given(calendars(), instants, st.integers(1, 12))
def test_due_calendar_days(cal, t, n):
    dl = cal.due(t, n, "calendar_days")
    assert (dl.official_receipt, dl.due) == Reference(cal).due(t, n, "calendar_days")


@SETTINGS
@given(calendars(), instants, st.builds(time, st.integers(7, 17), st.sampled_from([0, 15, 30, 45])))
def test_due_same_day(cal, t, cutoff):
    dl = cal.due(t, 1, "same_day", cutoff)
    assert (dl.official_receipt, dl.due) == Reference(cal).due(t, 1, "same_day", cutoff)


@SETTINGS
@given(calendars(), instants, st.integers(0, 4 * 1440))
def test_office_time_and_remaining(cal, a, minutes):
    b = a + timedelta(minutes=minutes)
    expected = timedelta(minutes=Reference(cal).office_minutes(a, b))
    assert cal.office_time(a, b) == expected
    assert cal.remaining(a, b) == expected
    assert cal.remaining(b, a) == -expected


@SETTINGS
@given(calendars(), instants, st.integers(0, 20 * 60))
def test_advance(cal, t, minutes):
    assert cal.advance(t, timedelta(minutes=minutes)) == Reference(cal).advance(t, minutes)


@SETTINGS
@given(
    calendars(),
    instants,
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(-3 * 1440, 8 * 1440), st.integers(0, 2 * 1440)), max_size=3),
)
def test_pauses(cal, received, n, raw_pauses):
    due = cal.due(received, n, "working_days").due
    pauses = [(received + timedelta(minutes=s), received + timedelta(minutes=s + length)) for s, length in raw_pauses]
    assert cal.apply_pauses(due, pauses) == Reference(cal).apply_pauses(due, pauses)


@SETTINGS
@given(instants, instants)
def test_classify(due, finished):
    assert classify(due, finished) == Reference(make_calendar((), False)).classify(due, finished)


@settings(max_examples=25, deadline=None)
@given(calendars(), st.lists(st.tuples(instants, st.integers(1, 30)), min_size=1, max_size=40))
def test_batch_matches_scalar(cal, rows):
    received = np.array([t.astimezone(UTC).replace(tzinfo=None) for t, _ in rows], dtype="datetime64[s]")
    amounts = np.array([n for _, n in rows])
    got = cal.batch_due_working_days(received, amounts)
    expected = [cal.due(t, n, "working_days").due.astimezone(UTC).replace(tzinfo=None) for t, n in rows]
    assert got.tolist() == expected


def test_default_periods_are_the_contract():
    assert ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0))) == DEFAULT_PERIODS
