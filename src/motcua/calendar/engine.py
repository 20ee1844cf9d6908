"""Working-time calendar and deadline arithmetic (contracts §2).

Pure Python (no Django): the dossier engine, analytics and the CLI all share these rules, and the
rules must be testable in isolation. Speed comes from a per-calendar index of cumulative office
time per day, so `due`, `advance` and `office_time` are bisects instead of day-by-day loops.

Conventions: every input datetime must be timezone-aware (any zone); every output is in the local
zone `TZ` (`motcua.config.time_zone()`, `MOTCUA_TIME_ZONE`, default Asia/Ho_Chi_Minh; config is
Django-free). Internally an instant is handled as *local microseconds* (microseconds since
0001-01-01 00:00 local time), which is exact because the zone has no daylight saving time
(`time_zone()` refuses one that has).
"""

from __future__ import annotations

import bisect
import functools
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt

from motcua.config import time_zone, utc_offset

TZ = time_zone()
UNITS = ("working_days", "working_hours", "calendar_days", "same_day")
KINDS = ("holiday", "day_off", "working_day")
DayKind = Literal["holiday", "day_off", "working_day"]
Period = tuple[time, time]

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
DEFAULT_PERIODS: tuple[Period, ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
DEFAULT_CUTOFF = time(15, 0)
# Local offset used by the vectorised path (fixed: the zone has no daylight saving time).
_UTC_OFFSET_S = int(utc_offset().total_seconds())
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass(frozen=True, slots=True)
class _Index:
    """An immutable snapshot of a calendar's precomputed days; replaced as a whole when it grows."""

    first_year: int
    last_year: int
    o0: int  # ordinal of the first indexed day
    day_periods: list[tuple[tuple[int, int], ...]]  # office periods per day (µs of the day)
    cum: list[int]  # cum[i] = office µs from the anchor to the start of day i
    workdays: list[int]  # positions of working days
    np_day0: int  # first indexed day as days since 1970-01-01
    np_first_wd: npt.NDArray[np.int64]  # per day: position of the first working day on or after it
    np_close_s: npt.NDArray[np.int64]  # per day: end of its last period (s of the day); 2 days if not working
    np_due_utc_s: npt.NDArray[np.int64]  # per working day: end of its last period, UTC epoch seconds
    # The per-call working-days path (`WorkCalendar.due`): plain lists, cheaper to index than arrays.
    first_wd: list[int]  # per day: position in `workdays` of the first working day on or after it
    close_tod: list[int]  # per day: end of its last office period (µs of the day); -1 when not working
    # Per working day: the start of its first and the end of its last period (aware, in TZ); filled
    # on first use (building all of them up front would quadruple the index's build time).
    wd_open: list[datetime | None]
    wd_close: list[datetime | None]

    def open_at(self, k: int) -> datetime:
        """The start of working day `k`'s first office period (cached in `wd_open`)."""
        i = self.workdays[k]
        dt = self.wd_open[k] = from_local_us((self.o0 + i - 1) * US_PER_DAY + self.day_periods[i][0][0])
        return dt

    def close_at(self, k: int) -> datetime:
        """The end of working day `k`'s last office period (cached in `wd_close`)."""
        i = self.workdays[k]
        dt = self.wd_close[k] = from_local_us((self.o0 + i - 1) * US_PER_DAY + self.day_periods[i][-1][1])
        return dt


@dataclass(frozen=True)
class Deadline:
    """Official receipt and due time of a dossier, both aware in the local zone `TZ`."""

    official_receipt: datetime
    due: datetime


def _deadline(official_receipt: datetime, due: datetime) -> Deadline:
    """`Deadline(official_receipt, due)` without the frozen dataclass's per-field `object.__setattr__`
    (half the cost of a working-days due time's construction; same object, same equality)."""
    d = object.__new__(Deadline)
    fields = d.__dict__
    fields["official_receipt"] = official_receipt
    fields["due"] = due
    return d


@dataclass(frozen=True)
class DayEntry:
    """A non-ordinary day: a holiday, an extra day off (incl. compensatory) or a swapped working day."""

    date: date
    kind: DayKind
    name: str
    legal_basis: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown day kind {self.kind!r}; expected one of {', '.join(KINDS)}")


def default_week() -> dict[int, tuple[Period, ...]]:
    """Monday–Friday with the default periods; Saturday and Sunday closed."""
    return {wd: (DEFAULT_PERIODS if wd < 5 else ()) for wd in range(7)}


def _us_of_time(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US_PER_SECOND + t.microsecond


def _check_periods(periods: Sequence[Period], where: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    last = -1
    for start, end in periods:
        s, e = _us_of_time(start), _us_of_time(end)
        if end == time(0, 0):  # "24:00" written as 00:00
            e = US_PER_DAY
        if not s < e or s < last:
            raise ValueError(f"office periods of {where} must be increasing and non-overlapping")
        out.append((s, e))
        last = e
    return tuple(out)


def parse_periods(text: str) -> tuple[Period, ...]:
    """Parse "07:00-11:30, 13:30-17:00" (the admin's notation) into office periods; "" = closed."""
    out: list[Period] = []
    for chunk in text.replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            a, b = (x.strip() for x in chunk.replace("–", "-").split("-"))
            out.append((time.fromisoformat(a), time.fromisoformat(b)))
        except ValueError:
            raise ValueError(f"malformed office period {chunk!r}; expected HH:MM-HH:MM") from None
    _check_periods(out, repr(text))
    return tuple(out)


def format_periods(periods: Sequence[Period]) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)


# The two conversions below run twice or more per due time: written for speed (the "one due time
# per call" figure of docs/benchmarks.md), with the same results as the plain versions.


def to_local_us(t: datetime) -> int:
    """Local microseconds since 0001-01-01 00:00 of an aware datetime."""
    if t.utcoffset() is None:  # also when tzinfo is None
        raise ValueError(f"datetime {t.isoformat()} has no time zone offset")
    lt = t.astimezone(TZ)
    return (
        (lt.toordinal() - 1) * US_PER_DAY
        + ((lt.hour * 60 + lt.minute) * 60 + lt.second) * US_PER_SECOND
        + lt.microsecond
    )


@functools.lru_cache(maxsize=4096)
def _local_midnight(ordinal: int) -> datetime:
    return datetime.fromordinal(ordinal).replace(tzinfo=TZ)


def from_local_us(us: int) -> datetime:
    days, rest = divmod(us, US_PER_DAY)
    return _local_midnight(days + 1) + timedelta(microseconds=rest)


def _local_date(t: datetime) -> date:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"datetime {t.isoformat()} has no time zone offset")
    return t.astimezone(TZ).date()


def _check_number(amount: int | float | Decimal, unit: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise ValueError(f"amount for {unit} must be a number, got {amount!r}")
    if isinstance(amount, float | Decimal) and not math.isfinite(amount):
        raise ValueError(f"amount for {unit} must be a finite number, got {amount}")


def _positive_int(amount: int | float | Decimal, unit: str) -> int:
    if type(amount) is int and amount >= 1:  # the common case, without the general checks below
        return amount
    _check_number(amount, unit)
    if amount != int(amount) or int(amount) < 1:
        raise ValueError(f"amount for {unit} must be a whole number ≥ 1, got {amount}")
    return int(amount)


class WorkCalendar:
    """A working calendar: weekly office periods plus holidays, days off and swapped working days.

    `days` are explicit entries (e.g. the administrator's overrides); `base(year)` supplies the
    statutory entries of a year (e.g. from the `holidays` package). An explicit entry replaces
    the base entry of the same date. The index covers `years` and grows on demand.
    """

    name: str

    def __init__(
        self,
        name: str = "default",
        *,
        week: Mapping[int, Sequence[Period]] | None = None,
        days: Iterable[DayEntry] = (),
        base: Callable[[int], Iterable[DayEntry]] | None = None,
        swap_periods: Sequence[Period] | None = None,
        years: tuple[int, int] = (2000, 2040),
    ) -> None:
        self.name = name
        w = default_week() if week is None else {wd: tuple(week.get(wd, ())) for wd in range(7)}
        self._week = {wd: _check_periods(w[wd], f"weekday {wd}") for wd in range(7)}
        working_weekdays = [self._week[wd] for wd in range(7) if self._week[wd]]
        if swap_periods is not None:
            self._swap = _check_periods(swap_periods, "swapped working days")
        else:
            self._swap = working_weekdays[0] if working_weekdays else _check_periods(DEFAULT_PERIODS, "default")
        self._explicit: dict[date, DayEntry] = {}
        for e in days:
            self._explicit[e.date] = e
        self._base = base
        self._base_years: dict[int, dict[date, DayEntry]] = {}
        # Cumulative office time is measured from a fixed anchor so values stay valid when the index grows.
        self._anchor = date(years[0], 1, 1).toordinal()
        self._lock = threading.Lock()
        self._ix = self._build(*years)

    # ---- index -------------------------------------------------------------------------------

    def _base_entries(self, year: int) -> dict[date, DayEntry]:
        if year not in self._base_years:
            self._base_years[year] = {e.date: e for e in self._base(year)} if self._base else {}
        return self._base_years[year]

    def entry(self, d: date) -> DayEntry | None:
        """The special-day entry in force for `d` (explicit beats base), or None."""
        if d in self._explicit:
            return self._explicit[d]
        return self._base_entries(d.year).get(d)

    def periods_of(self, d: date) -> tuple[tuple[int, int], ...]:
        """Office periods of a date as (start, end) microseconds of the day; empty if not working."""
        e = self.entry(d)
        if e is not None:
            if e.kind == "working_day":
                return self._swap  # a swapped working day replaces a full weekday
            return ()
        return self._week[d.weekday()]

    def _build(self, first_year: int, last_year: int) -> _Index:
        """Build an index for whole years [first_year, last_year]; cumulative values keep the fixed anchor."""
        o0 = date(first_year, 1, 1).toordinal()
        n = date(last_year, 12, 31).toordinal() - o0 + 1
        day_periods: list[tuple[tuple[int, int], ...]] = []
        cum = [0]
        workdays: list[int] = []
        for i in range(n):
            p = self.periods_of(date.fromordinal(o0 + i))
            day_periods.append(p)
            cum.append(cum[-1] + sum(e - s for s, e in p))
            if p:
                workdays.append(i)
        shift = cum[self._anchor - o0]
        np_first_wd = np.searchsorted(np.asarray(workdays, dtype=np.int64), np.arange(n, dtype=np.int64)).astype(
            np.int64
        )
        return _Index(
            first_year=first_year,
            last_year=last_year,
            o0=o0,
            day_periods=day_periods,
            cum=[c - shift for c in cum],
            workdays=workdays,
            np_day0=o0 - _EPOCH_ORDINAL,
            np_first_wd=np_first_wd,
            np_close_s=np.asarray(
                [p[-1][1] // US_PER_SECOND if p else 2 * 86_400 for p in day_periods], dtype=np.int64
            ),
            np_due_utc_s=np.asarray(
                [(o0 + i - _EPOCH_ORDINAL) * 86_400 + day_periods[i][-1][1] // US_PER_SECOND for i in workdays],
                dtype=np.int64,
            )
            - _UTC_OFFSET_S,
            first_wd=np_first_wd.tolist(),
            close_tod=[p[-1][1] if p else -1 for p in day_periods],
            wd_open=[None] * len(workdays),
            wd_close=[None] * len(workdays),
        )

    def _grow(self, old: _Index, first_year: int, last_year: int) -> _Index:
        """Replace the index by a wider one (under a lock; readers keep using the snapshot they hold)."""
        with self._lock:
            cur = self._ix
            first, last = min(first_year, cur.first_year), max(last_year, cur.last_year)
            if first < MIN_YEAR or last > MAX_YEAR:
                raise ValueError(f"dates must lie between {MIN_YEAR} and {MAX_YEAR}")
            if (first, last) != (cur.first_year, cur.last_year):
                self._ix = self._build(first, last)
            return self._ix

    def _index_for(self, ordinal: int) -> tuple[_Index, int]:
        """An index covering `ordinal` (with a year of margin when it has to grow) and the day's position."""
        ix = self._ix
        i = ordinal - ix.o0
        if 0 <= i < len(ix.day_periods):
            return ix, i
        if not date(MIN_YEAR, 1, 1).toordinal() <= ordinal <= date(MAX_YEAR, 12, 31).toordinal():
            raise ValueError(f"dates must lie between {MIN_YEAR} and {MAX_YEAR}")
        y = date.fromordinal(ordinal).year
        ix = self._grow(ix, max(MIN_YEAR, y - 1), min(MAX_YEAR, y + 1))
        return ix, ordinal - ix.o0

    def _extend_forward(self, ix: _Index) -> _Index:
        """A longer index (+10 years); a result past MAX_YEAR is an error, never an endless loop."""
        if ix.last_year >= MAX_YEAR:
            raise ValueError(f"dates must lie between {MIN_YEAR} and {MAX_YEAR}")
        return self._grow(ix, ix.first_year, min(MAX_YEAR, ix.last_year + 10))

    def _cum_at(self, us: int) -> int:
        """Office microseconds from the fixed anchor up to the local instant `us`."""
        ix, i = self._index_for(us // US_PER_DAY + 1)
        tod = us % US_PER_DAY
        acc = ix.cum[i]
        for s, e in ix.day_periods[i]:
            if tod <= s:
                break
            acc += min(tod, e) - s
        return acc

    def _us_at_cum(self, target: int) -> int:
        """The earliest local instant whose cumulative office time reaches `target`."""
        ix = self._ix
        while target > ix.cum[-1]:
            ix = self._extend_forward(ix)
        while target <= ix.cum[0]:  # only after an earlier call grew the index backwards
            if ix.first_year <= MIN_YEAR:
                raise ValueError(f"dates must lie between {MIN_YEAR} and {MAX_YEAR}")
            ix = self._grow(ix, max(MIN_YEAR, ix.first_year - 10), ix.last_year)
        j = bisect.bisect_left(ix.cum, target)
        i = j - 1
        rest = target - ix.cum[i]
        for s, e in ix.day_periods[i]:
            if rest <= e - s:
                return (ix.o0 + i - 1) * US_PER_DAY + s + rest
            rest -= e - s
        raise AssertionError("cumulative index is inconsistent")  # pragma: no cover

    def _nth_workday_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the n-th working day after `ordinal` (n ≥ 0; n = 0 → the first working day ≥ ordinal)."""
        ix, i = self._index_for(ordinal)
        while True:
            k = bisect.bisect_right(ix.workdays, i) if n > 0 else bisect.bisect_left(ix.workdays, i)
            pos = k + n - 1 if n > 0 else k
            if pos < len(ix.workdays):
                return ix.o0 + ix.workdays[pos]
            ix = self._extend_forward(ix)
            i = ordinal - ix.o0

    def _periods_at(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        ix, i = self._index_for(ordinal)
        return ix.day_periods[i]

    def _end_of_day_us(self, ordinal: int) -> int:
        """End of the last office period of a working day, as local microseconds."""
        return (ordinal - 1) * US_PER_DAY + self._periods_at(ordinal)[-1][1]

    # ---- public API ----------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri (or the calendar's weekly pattern) not a holiday/day off, or a swapped working day."""
        return bool(self._periods_at(d.toordinal()))

    def _official_us(self, us: int) -> int:
        ordinal = us // US_PER_DAY + 1
        tod = us % US_PER_DAY
        for s, e in self._periods_at(ordinal):
            if tod < e:
                return us if tod >= s else us - tod + s
        nxt = self._nth_workday_after(ordinal, 1)
        return (nxt - 1) * US_PER_DAY + self._periods_at(nxt)[0][0]

    def official_receipt(self, t: datetime) -> datetime:
        """`t` if inside an office period of a working day, else the start of the next one (§2.2)."""
        return from_local_us(self._official_us(to_local_us(t)))

    def due(self, received: datetime, amount: int | float | Decimal, unit: str, cutoff: time | None = None) -> Deadline:
        """Due time by unit (§2.3)."""
        if unit == "working_days" and type(amount) is int and amount >= 1 and type(received) is datetime:
            # The common call, per dossier and per step: a whole number of working days. Three list
            # look-ups in the index instead of the general path's conversions and bisects (the "one
            # due time per call" figure of docs/benchmarks.md); same answers (property-tested against
            # `_due` and the reference). Anything unusual falls through to the general path.
            zone = received.tzinfo
            if zone is TZ or zone is UTC or (zone is not None and received.utcoffset() is not None):
                lt = received.astimezone(TZ)
                ix = self._ix
                i = lt.toordinal() - ix.o0
                if 0 <= i < len(ix.close_tod) and not lt.fold:
                    tod = ((lt.hour * 60 + lt.minute) * 60 + lt.second) * US_PER_SECOND + lt.microsecond
                    pos = ix.first_wd[i]
                    close = ix.close_tod[i]
                    if tod < close:  # a working day before its close: received that day
                        for s, e in ix.day_periods[i]:
                            if tod < e:
                                official = (
                                    lt if tod >= s else from_local_us(lt.toordinal() * US_PER_DAY - US_PER_DAY + s)
                                )
                                break
                    else:  # after the close or on a day off: received when the next working day opens
                        if close >= 0:
                            pos += 1
                        if pos >= len(ix.wd_open):
                            return self._due(received, amount, unit, cutoff)
                        official = ix.wd_open[pos] or ix.open_at(pos)
                    k = pos + amount
                    if k < len(ix.wd_close):
                        return _deadline(official, ix.wd_close[k] or ix.close_at(k))
        return self._due(received, amount, unit, cutoff)

    def _due(
        self, received: datetime, amount: int | float | Decimal, unit: str, cutoff: time | None = None
    ) -> Deadline:
        """The general path of `due`, for every unit and input."""
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")
        off = self._official_us(to_local_us(received))
        rday = off // US_PER_DAY + 1
        if unit == "working_days":
            n = _positive_int(amount, unit)
            due_us = self._end_of_day_us(self._nth_workday_after(rday, n))
        elif unit == "working_hours":
            _check_number(amount, unit)
            if not amount > 0:
                raise ValueError(f"amount for working_hours must be > 0, got {amount}")
            office = int((Decimal(str(amount)) * 3600 * US_PER_SECOND).to_integral_value())
            # A positive amount below one microsecond adds nothing (never move before the receipt).
            due_us = self._us_at_cum(self._cum_at(off) + office) if office > 0 else off
        elif unit == "calendar_days":
            n = _positive_int(amount, unit)
            due_us = self._end_of_day_us(self._nth_workday_after(rday + n, 0))
        else:
            _check_number(amount, unit)
            if amount < 0:
                raise ValueError(f"amount must not be negative, got {amount}")
            c = _us_of_time(DEFAULT_CUTOFF if cutoff is None else cutoff)
            day = rday if off % US_PER_DAY < c else self._nth_workday_after(rday, 1)
            due_us = self._end_of_day_us(day)
        return Deadline(from_local_us(off), from_local_us(due_us))

    def office_time(self, start: datetime, end: datetime) -> timedelta:
        """Office time inside [start, end) (zero when end ≤ start)."""
        a, b = to_local_us(start), to_local_us(end)
        if b <= a:
            return timedelta(0)
        return timedelta(microseconds=self._cum_at(b) - self._cum_at(a))

    def advance(self, t: datetime, office: timedelta) -> datetime:
        """The earliest instant after `t` by which `office` of office time has elapsed."""
        if office < timedelta(0):
            raise ValueError("office time to add must not be negative")
        us = to_local_us(t)
        if office == timedelta(0):
            return from_local_us(us)
        return from_local_us(self._us_at_cum(self._cum_at(us) + office // timedelta(microseconds=1)))

    def apply_pauses(self, due: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> datetime:
        """Move `due` later by the office time of each pause that starts before it (§2.4), in order."""
        checked = []
        for p1, p2 in pauses:
            a, b = to_local_us(p1), to_local_us(p2)
            if b < a:
                raise ValueError(f"pause ends ({p2.isoformat()}) before it starts ({p1.isoformat()})")
            checked.append((a, b))
        cur = to_local_us(due)
        for a, b in sorted(checked):
            if a < cur:
                paused = self._cum_at(b) - self._cum_at(a)
                if paused:
                    cur = self._us_at_cum(self._cum_at(cur) + paused)
        return from_local_us(cur)

    def remaining(self, now: datetime, due: datetime) -> timedelta:
        """Office time left until `due` (negative office time past it when overdue)."""
        a, b = to_local_us(now), to_local_us(due)
        return timedelta(microseconds=self._cum_at(b) - self._cum_at(a))

    def days(self, year: int) -> list[DayEntry]:
        """Every non-ordinary day of `year`, sorted by date (for `motcua calendar days`)."""
        out: list[DayEntry] = []
        d = date(year, 1, 1)
        while d.year == year:
            e = self.entry(d)
            if e is not None:
                out.append(e)
            d += timedelta(days=1)
        return out

    def batch_due_working_days(
        self, received: npt.NDArray[np.datetime64], amounts: npt.NDArray[np.integer]
    ) -> npt.NDArray[np.datetime64]:
        """Vectorised `due(..., unit="working_days")` for UTC datetime64 inputs; returns UTC datetime64[s]."""
        local = received.astype("datetime64[s]").astype(np.int64) + _UTC_OFFSET_S
        amt = np.asarray(amounts, dtype=np.int64)
        if amt.size and int(amt.min()) < 1:
            raise ValueError("amount for working_days must be a whole number ≥ 1")
        day = local // 86_400
        tod = local - day * 86_400
        ix = self._ix
        if day.size:
            self._index_for(int(day.min()) + _EPOCH_ORDINAL)
            ix, _ = self._index_for(int(day.max()) + _EPOCH_ORDINAL)
            while int(ix.np_first_wd[int(day.max()) - ix.np_day0]) + int(amt.max()) + 1 >= len(ix.np_due_utc_s):
                ix = self._extend_forward(ix)
        # Two gathers over per-day tables: the receipt day's first working day, shifted by one when
        # the receipt is at or after that day's closing time (official receipt moves to the next one).
        i = day - ix.np_day0
        pos = ix.np_first_wd[i] + (tod >= ix.np_close_s[i]) + amt
        result: npt.NDArray[np.datetime64] = ix.np_due_utc_s[pos].astype("datetime64[s]")
        return result

    def non_working_stretches(self, start: date, end: date) -> list[tuple[date, date, list[DayEntry]]]:
        """Runs of non-working days within [start, end] that contain a holiday or day off, with those entries."""
        out: list[tuple[date, date, list[DayEntry]]] = []
        d = start
        while d <= end:
            if self.is_working_day(d):
                d += timedelta(days=1)
                continue
            first = d
            entries: list[DayEntry] = []
            while d <= end and not self.is_working_day(d):
                e = self.entry(d)
                if e is not None and e.kind != "working_day":
                    entries.append(e)
                d += timedelta(days=1)
            if entries:
                out.append((first, d - timedelta(days=1), entries))
        return out


Outcome = Literal["early", "on_time", "late"]


def classify_dates(due_day: date, finished_day: date) -> Outcome:
    """Contracts §2.6 on local dates: finished before the due date → early, same date → on time, later → late.

    The one home of the rule: `classify`, the dossier clock, the analytics formulas and the
    printed control sheet all come here (the report SQL is tested against it).
    """
    if finished_day < due_day:
        return "early"
    return "on_time" if finished_day == due_day else "late"


def classify(due: datetime, finished: datetime) -> Outcome:
    """Early / on time / late by comparing the local dates of two aware datetimes (§2.6)."""
    return classify_dates(_local_date(due), _local_date(finished))


def _vi(t: datetime) -> str:
    lt = t.astimezone(TZ)
    return f"{lt:%H:%M} {WEEKDAYS_VI[lt.weekday()]} {lt:%d/%m/%Y}"


def _clean_name(name: str) -> str:
    """ "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" → "Giỗ Tổ Hùng Vương"; every Tết Nguyên Đán day → "Tết"."""
    base = name.split("(")[0].strip()
    if "Dương lịch" not in base and ("Tết" in base or base.startswith("Mùng")):
        return "Tết"
    for prefix in ("Ngày ", "Nghỉ ", "ngày ", "nghỉ "):
        if base.startswith(prefix) and len(base) > len(prefix):
            base = base[len(prefix) :]
    return base


def _stretch_label(entries: Sequence[DayEntry]) -> str:
    """Name a break after its holidays (or, without any, its days off): "Tết", "lễ Quốc khánh"…"""
    chosen = [e for e in entries if e.kind == "holiday"] or list(entries)
    names: list[str] = []
    for e in chosen:
        n = _clean_name(e.name)
        if n and n not in names:
            names.append(n)
    label = ", ".join(names)
    if chosen[0].kind == "holiday" and not label.startswith("Tết"):
        label = "lễ " + label
    return label


def explain_vi(
    cal: WorkCalendar,
    received: datetime,
    amount: int | float | Decimal,
    unit: str,
    cutoff: time | None = None,
    pauses: Sequence[tuple[datetime, datetime]] = (),
) -> str:
    """A one-line Vietnamese explanation of how the due time was reached, naming the breaks crossed."""
    dl = cal.due(received, amount, unit, cutoff)
    due = cal.apply_pauses(dl.due, pauses)
    parts = [f"Nhận lúc {_vi(received)}"]
    if dl.official_receipt != received.astimezone(TZ):
        parts.append(f"thời điểm tiếp nhận chính thức {_vi(dl.official_receipt)}")
    unit_vi = {
        "working_days": f"{amount} ngày làm việc",
        "working_hours": f"{amount} giờ làm việc",
        "calendar_days": f"{amount} ngày",
        "same_day": "trong ngày",
    }[unit]
    parts.append(f"thời hạn {unit_vi}")
    for p1, p2 in sorted(pauses, key=lambda p: to_local_us(p[0])):
        hours = cal.office_time(p1, p2).total_seconds() / 3600
        parts.append(f"tạm dừng từ {_vi(p1)} đến {_vi(p2)} ({hours:g} giờ làm việc)")
    for first, last, entries in cal.non_working_stretches(received.astimezone(TZ).date(), due.date()):
        label = _stretch_label(entries)
        if first == last:
            parts.append(f"nghỉ {label} ngày {first:%d/%m}")
        else:
            parts.append(f"nghỉ {label} từ {first:%d/%m} đến {last:%d/%m}")
    parts.append(f"hạn trả {_vi(due)}")
    return "; ".join(parts)
