"""Django side of the calendar: build `WorkCalendar`s from the database, cached per process.

A built calendar (its index covers 2000–2040) costs ~0.1 s, so it is cached per name. The cache
is dropped in-process by the `calendar_changed` machinery; other processes compare the row's
`revision` at most every `RECHECK_SECONDS`.
"""

from __future__ import annotations

import threading
import time as _time
from typing import Any

from motcua.calendar.engine import DayEntry, WorkCalendar, parse_periods
from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES, statutory_days

RECHECK_SECONDS = 5.0

_lock = threading.Lock()
# name -> (revision, last checked (monotonic), calendar)
_cache: dict[str, tuple[int, float, WorkCalendar]] = {}


class UnknownCalendar(LookupError):
    """No calendar with that name exists."""


def invalidate(name: str | None = None) -> None:
    """Forget the cached calendar `name` (all of them when None)."""
    with _lock:
        if name is None:
            _cache.clear()
        else:
            _cache.pop(name, None)


def _build(name: str) -> tuple[int, WorkCalendar]:
    from motcua.calendar.models import Calendar

    row = Calendar.objects.filter(name=name).first()
    if row is None:
        if name != "default":
            raise UnknownCalendar(f"unknown calendar {name!r}")
        # A database without the data migration's row: the built-in national calendar.
        return -1, WorkCalendar(name, days=BUILTIN_OVERRIDES, base=statutory_days)
    # Ancestors first, so the calendar's own overrides win for the same date.
    days = [
        DayEntry(o.date, o.kind, o.name, o.legal_basis)  # type: ignore[arg-type]
        for c in reversed(row.lineage())
        for o in c.overrides.all()
    ]
    cal = WorkCalendar(
        name,
        week=row.week(),
        days=days,
        base=statutory_days if row.statutory_holidays else None,
        swap_periods=parse_periods(row.swapped_day_periods) or None,
    )
    # The cache key's revision covers the ancestors too (their overrides are part of this calendar).
    return sum(c.revision for c in row.lineage()), cal


def get_calendar(name: str = "default") -> WorkCalendar:
    """The calendar `name` (statutory base + overrides from the database); raises UnknownCalendar."""
    from motcua.calendar.models import Calendar

    now = _time.monotonic()
    with _lock:
        hit = _cache.get(name)
    if hit is not None:
        revision, checked, cal = hit
        if now - checked < RECHECK_SECONDS:
            return cal
        row = Calendar.objects.filter(name=name).select_related("parent").first()
        current = sum(c.revision for c in row.lineage()) if row is not None else -1
        if current == revision:
            with _lock:
                _cache[name] = (revision, now, cal)
            return cal
    revision, cal = _build(name)
    with _lock:
        _cache[name] = (revision, now, cal)
    return cal


def calendar_for_unit(unit: Any) -> WorkCalendar:
    """The calendar a unit counts its deadlines in (`Unit.calendar_name`, default "default")."""
    return get_calendar(getattr(unit, "calendar_name", "") or "default")
