"""Property tests of the feedback rules against simple references (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import TZ
from motcua.feedback import rules

pytestmark = pytest.mark.django_db

instants = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=TZ)
)


@settings(max_examples=200, deadline=None)
@given(start=instants, kind=st.sampled_from(sorted(rules.LIMITS)))
def test_due_is_17h_on_the_nth_working_day_after_the_receipt_day(start: datetime, kind: str) -> None:
    from motcua.calendar.service import get_calendar

    cal = get_calendar()
    day = cal.official_receipt(start).date()
    left = rules.LIMITS[kind]
    while left:
        day += timedelta(days=1)
        left -= cal.is_working_day(day)
    assert rules.due(cal, kind, start) == datetime(day.year, day.month, day.day, 17, tzinfo=TZ)


@given(due=instants, done=instants)
def test_met_compares_local_dates(due: datetime, done: datetime) -> None:
    assert rules.met(due, done) == (done.date() <= due.date())


@given(text=st.text(max_size=200), name=st.sampled_from(["Nguyễn Văn An", "Lê Thị Bình"]))
def test_redact_removes_the_name_and_phone(text: str, name: str) -> None:
    out = rules.redact(f"{text} {name} 0905 123 456 {text}", [name])
    assert name not in out and "0905 123 456" not in out


def test_requirements() -> None:
    ok = {"title": "Tiêu đề", "content": "x" * 25, "name": "An", "phone": "0905123456"}
    assert rules.requirement_errors(ok) == {}
    assert set(rules.requirement_errors({})) == {"title", "content", "name", "phone"}
    assert "content" in rules.requirement_errors(
        {**ok, "content": "Ph\u00c3\u00a1n \u00e1nh " * 5}
    )  # UTF-8 read as Latin-1
    assert "email" in rules.requirement_errors({**ok, "email": "not-an-email"})
    assert rules.requirement_errors({**ok, "phone": "", "address": "12 Lê Lợi"}) == {}
