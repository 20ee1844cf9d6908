"""A deliberately simple, minute-by-minute reference of contracts §2, used only by tests.

Everything here is a plain loop over days or minutes so it can be read against the contract line
by line; the fast engine (`engine.py`) is checked against it by property tests. Inputs are whole
minutes in the local zone (`engine.TZ`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from motcua.calendar.engine import TZ, WorkCalendar

MINUTE = timedelta(minutes=1)


class Reference:
    """Answers the same questions as `WorkCalendar` by walking minute by minute."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal  # only `periods_of` (the raw per-day data) is used

    def is_working_day(self, d: date) -> bool:
        return bool(self.cal.periods_of(d))

    def in_office(self, t: datetime) -> bool:
        lt = t.astimezone(TZ)
        tod = (lt.hour * 60 + lt.minute) * 60_000_000
        return any(s <= tod < e for s, e in self.cal.periods_of(lt.date()))

    def end_of_day(self, d: date) -> datetime:
        end_us = self.cal.periods_of(d)[-1][1]
        return datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(microseconds=end_us)

    def next_working_day(self, d: date) -> date:
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def official_receipt(self, t: datetime) -> datetime:
        t = t.astimezone(TZ)
        while not self.in_office(t):
            t += MINUTE
        return t

    def office_minutes(self, start: datetime, end: datetime) -> int:
        n = 0
        t = start.astimezone(TZ)
        while t < end:
            if self.in_office(t):
                n += 1
            t += MINUTE
        return n

    def advance(self, t: datetime, minutes: int) -> datetime:
        t = t.astimezone(TZ)
        while minutes > 0:
            if self.in_office(t):
                minutes -= 1
            t += MINUTE
        return t

    def due(self, received: datetime, amount: int, unit: str, cutoff: time = time(15, 0)) -> tuple[datetime, datetime]:
        off = self.official_receipt(received)
        rday = off.date()
        if unit == "working_days":
            d = rday
            for _ in range(amount):
                d = self.next_working_day(d)
            return off, self.end_of_day(d)
        if unit == "working_hours":
            return off, self.advance(off, amount * 60)
        if unit == "calendar_days":
            d = rday + timedelta(days=amount)
            if not self.is_working_day(d):
                d = self.next_working_day(d)
            return off, self.end_of_day(d)
        assert unit == "same_day"
        if off.time() < cutoff:
            return off, self.end_of_day(rday)
        return off, self.end_of_day(self.next_working_day(rday))

    def apply_pauses(self, due: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> datetime:
        for p1, p2 in sorted(pauses):
            if p1 < due:
                due = self.advance(due, self.office_minutes(p1, p2))
        return due.astimezone(TZ)

    def classify(self, due: datetime, finished: datetime) -> str:
        u, e = due.astimezone(TZ).date(), finished.astimezone(TZ).date()
        return "early" if e < u else ("on_time" if e == u else "late")
