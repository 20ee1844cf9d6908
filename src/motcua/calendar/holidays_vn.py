"""Viet Nam's statutory calendar from the `holidays` package, plus the decisions it lacks.

The package (0.109) already yields, for 2025–2027 (checked by printing it and by tests):
Tết 2025 (27/01–31/01 weekdays), 30/4–1/5/2025 with Fri 02/05 off and Sat 26/04/2025 working,
2/9/2025 (01/09 + 02/09), Tết 2026 (16–20/02), Hùng Kings 2026 on Sun 26/04 with Mon 27/04
compensatory, 2/9/2026 (01–02/09) with Mon 31/08 off and Sat 22/08 working, 24/11/2026 Vietnam
Culture Day, Tết 2027 (04–10/02) and 2/9/2027 (02–03/09, plus the weekend 04–05/09).
What it lacks is `BUILTIN_OVERRIDES` below; the data migration loads those into the database so
an administrator can see and edit them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

import holidays

from motcua.calendar.engine import DayEntry, Period, WorkCalendar

WORKING_DAY_NAME = "Ngày làm bù"
_SWAP = re.compile(r"thay cho ngày (\d{2}/\d{2}/\d{4})")
BASIS = {"Ngày Văn hóa Việt Nam": "Nghị quyết 28/2026/QH16 (hiệu lực 01/07/2026)"}


def _kind_of(name: str) -> str:
    """Compensatory and swapped-out days are `day_off`; the statutory days themselves are `holiday`."""
    low = name.lower()
    if "nghỉ bù" in low or low.startswith("ngày nghỉ"):
        return "day_off"
    return "holiday"


@functools.lru_cache(maxsize=256)
def _year(year: int) -> tuple[DayEntry, ...]:
    h = holidays.country_holidays("VN", years=year, language="vi")
    out: dict[date, DayEntry] = {}
    swapped_for: dict[date, date] = {}
    for d, name in sorted(h.items()):
        kind = _kind_of(name)
        basis = BASIS.get(name, "Bộ luật Lao động 2019, Điều 112")
        if kind == "day_off":
            basis = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù)"
            m = _SWAP.search(name)
            if m:
                swapped_for[datetime.strptime(m.group(1), "%d/%m/%Y").date()] = d
                basis = "Quyết định hoán đổi ngày làm việc của Thủ tướng Chính phủ (Bộ luật Lao động 2019, Điều 112 khoản 3)"
        out[d] = DayEntry(d, "day_off" if kind == "day_off" else "holiday", name, basis)
    for d in sorted(getattr(h, "weekend_workdays", ())):
        if d.year == year:
            name = WORKING_DAY_NAME
            if d in swapped_for:
                name = f"{WORKING_DAY_NAME} (thay cho ngày {swapped_for[d]:%d/%m/%Y})"
            out[d] = DayEntry(d, "working_day", name, "Quyết định hoán đổi ngày làm việc của Thủ tướng Chính phủ")
    return tuple(out[d] for d in sorted(out))


def statutory_days(year: int) -> list[DayEntry]:
    """Base entries of a year (holidays, compensatory days, swapped working Saturdays)."""
    return list(_year(year))


# Government decisions that holidays 0.109 does not contain (2025–2027). Each entry names its basis.
BUILTIN_OVERRIDES: tuple[DayEntry, ...] = (
    DayEntry(
        date(2026, 1, 2),
        "day_off",
        "Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
    DayEntry(
        date(2026, 1, 10),
        "working_day",
        "Ngày làm bù (thay cho thứ Sáu 02/01/2026)",
        "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ",
    ),
)


def vietnam_calendar(
    name: str = "default",
    extra: Iterable[DayEntry] = (),
    week: Mapping[int, Sequence[Period]] | None = None,
) -> WorkCalendar:
    """A calendar without the database: package base + built-in overrides + `extra` (tests, scripts)."""
    return WorkCalendar(name, week=week, days=[*BUILTIN_OVERRIDES, *extra], base=statutory_days)
