"""Demo loader: the data migration already ships the national calendar; report what is there."""

from __future__ import annotations

from typing import TextIO


def load(stdout: TextIO) -> None:
    """Idempotent: ensures the default calendar exists (it does after `migrate`) and says so."""
    from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES
    from motcua.calendar.models import Calendar, DayOverride

    cal, _ = Calendar.objects.get_or_create(name="default", defaults={"title": "Lịch làm việc hành chính nhà nước"})
    for e in BUILTIN_OVERRIDES:
        DayOverride.objects.get_or_create(
            calendar=cal, date=e.date, defaults={"kind": e.kind, "name": e.name, "legal_basis": e.legal_basis}
        )
    stdout.write(f"calendar: {cal.name} with {cal.overrides.count()} day overrides\n")
