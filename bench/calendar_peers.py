"""One due time per call, against what a Python user would pick instead (contracts §7).

Same inputs (random receipt instants 2025–2027 and amounts), same holidays, one call per due time:

- **working days**: ours `cal.due(t, n, "working_days")` against `workalendar`
  (`Calendar.add_working_days`) on a calendar subclass whose holidays are every weekday that is
  not a working day in our calendar, Saturday and Sunday as the weekend. workalendar counts dates,
  so the peer wrapper does the minimum a user must add to match the rule: a receipt after 17:00 or
  on a day off counts from the next working day, and the due time is 17:00 of the resulting date.
- **working hours**: ours `cal.due(t, h, "working_hours")` against `businesstimedelta`
  (`t + BusinessTimeDelta(rules, hours=h)`) with the office day 07:00–17:00, the lunch break
  11:30–13:30 (`LunchTimeRule`) and the same holidays (`HolidayRule`, given a set).

Neither peer can express swapped working Saturdays (a Saturday that is a working day), so answers
are compared on every input and the differences are explained one by one: a difference is allowed
only when a swapped Saturday lies between the receipt and the later of the two answers. The goal
is ≥ 10× the faster peer per call; figures are medians of repetitions, each alternating the two
sides in `SLICES` short turns.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Ho_Chi_Minh"
OPEN, LUNCH_START, LUNCH_END, CLOSE = dtime(7), dtime(11, 30), dtime(13, 30), dtime(17)
SLICES = 20  # turns per repetition in which the two sides alternate


def _inputs(n: int, seed: int) -> list[tuple[datetime, int, float]]:
    rng = random.Random(seed)
    lo = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    hi = int(datetime(2027, 6, 30, tzinfo=UTC).timestamp())
    return [
        (
            datetime.fromtimestamp(rng.randrange(lo, hi), tz=UTC),
            rng.randint(1, 30),
            rng.choice((1, 2, 4, 8, 16, 24, 40)),
        )
        for _ in range(n)
    ]


def _days_off_and_swaps(cal: Any) -> tuple[list[date], list[date]]:
    holidays, swaps = [], []
    d = date(2024, 1, 1)
    while d.year <= 2031:
        working = cal.is_working_day(d)
        if d.weekday() < 5 and not working:
            holidays.append(d)
        elif d.weekday() >= 5 and working:
            swaps.append(d)
        d += timedelta(days=1)
    return holidays, swaps


def run(quick: bool) -> dict[str, Any]:
    import businesstimedelta
    import pytz
    from workalendar.core import SAT, SUN, Calendar

    from motcua.calendar.holidays_vn import vietnam_calendar

    tz = ZoneInfo(TZ_NAME)
    cal = vietnam_calendar()
    holidays, swaps = _days_off_and_swaps(cal)
    by_year: dict[int, list[tuple[date, str]]] = {}
    for h in holidays:
        by_year.setdefault(h.year, []).append((h, "nghỉ"))

    class SameHolidays(Calendar):  # type: ignore[misc]
        WEEKEND_DAYS = (SAT, SUN)

        def get_calendar_holidays(self, year: int) -> list[tuple[date, str]]:
            return by_year.get(year, [])

    wk = SameHolidays()

    def workalendar_due(t: datetime, n: int) -> datetime:
        local = t.astimezone(tz)
        day = local.date()
        if local.time() >= CLOSE or not wk.is_working_day(day):
            day = wk.add_working_days(day, 1)
        return datetime.combine(wk.add_working_days(day, n), CLOSE, tz)

    ptz = pytz.timezone(TZ_NAME)
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4], tz=ptz),
            businesstimedelta.LunchTimeRule(
                start_time=LUNCH_START, end_time=LUNCH_END, working_days=[0, 1, 2, 3, 4], tz=ptz
            ),
            businesstimedelta.HolidayRule(set(holidays), tz=ptz),
        ]
    )

    def btd_due(t: datetime, hours: float) -> datetime:
        result: datetime = t + businesstimedelta.BusinessTimeDelta(rules, hours=hours)
        return result

    n_ours, n_peer, repeats = (20_000, 400, 3) if quick else (200_000, 4_000, 5)
    inputs = _inputs(max(n_ours, n_peer), 20261130)
    peer_inputs = inputs[:n_peer]
    for t, n, h in inputs[:50]:  # warm every path (index build, workalendar's holiday cache)
        cal.due(t, n, "working_days"), cal.due(t, h, "working_hours"), workalendar_due(t, n), btd_due(t, h)

    def pair(
        ours: Any, peer: Any, ours_rows: list[tuple[datetime, int, float]], peer_rows: list[tuple[datetime, int, float]]
    ) -> tuple[float, float]:
        """Both sides' rates, alternating in SLICES short turns: a burst of load from another
        process hits both sides alike instead of whichever happened to run during it."""
        spent = [0.0, 0.0]
        for k in range(SLICES):
            for side, (fn, rows) in enumerate(((ours, ours_rows), (peer, peer_rows))):
                part = rows[k * len(rows) // SLICES : (k + 1) * len(rows) // SLICES]
                t0 = time.perf_counter()
                fn(part)
                spent[side] += time.perf_counter() - t0
        return len(ours_rows) / spent[0], len(peer_rows) / spent[1]

    def ours_days(rows: Any) -> None:
        for t, n, _ in rows:
            cal.due(t, n, "working_days")

    def ours_hours(rows: Any) -> None:
        for t, _, h in rows:
            cal.due(t, h, "working_hours")

    def wk_days(rows: Any) -> None:
        for t, n, _ in rows:
            workalendar_due(t, n)

    def btd_hours(rows: Any) -> None:
        for t, _, h in rows:
            btd_due(t, h)

    runs: dict[str, list[float]] = {"ours_days": [], "ours_hours": [], "workalendar_days": [], "btd_hours": []}
    for _ in range(repeats):  # interleaved: load from other processes hits every side alike
        days = pair(ours_days, wk_days, inputs[:n_ours], peer_inputs)
        hours = pair(ours_hours, btd_hours, inputs[:n_ours], peer_inputs)
        runs["ours_days"].append(days[0])
        runs["workalendar_days"].append(days[1])
        runs["ours_hours"].append(hours[0])
        runs["btd_hours"].append(hours[1])
    med = {k: statistics.median(v) for k, v in runs.items()}

    # Answers: equal, or different only where a swapped Saturday falls inside the interval.
    swap_set = set(swaps)

    def swap_between(t: datetime, a: datetime, b: datetime) -> bool:
        d, end = t.astimezone(tz).date(), max(a, b).astimezone(tz).date()
        while d <= end:
            if d in swap_set:
                return True
            d += timedelta(days=1)
        return False

    check: dict[str, dict[str, int]] = {}
    for rule, ours_fn, peer_fn, pick in (
        ("working_days", lambda t, a: cal.due(t, a, "working_days").due, workalendar_due, 1),
        ("working_hours", lambda t, a: cal.due(t, a, "working_hours").due, btd_due, 2),
    ):
        same = explained = unexplained = 0
        for row in peer_inputs:
            t, amount = row[0], row[pick]
            ours, peer = ours_fn(t, amount), peer_fn(t, amount)
            if ours == peer:
                same += 1
            elif swap_between(t, ours, peer):
                explained += 1
            else:
                unexplained += 1
                if unexplained <= 3:
                    print(f"calendar_peers: {rule} differs at {t.isoformat()} +{amount}: ours {ours}, peer {peer}")
        check[rule] = {
            "compared": len(peer_inputs),
            "same": same,
            "differ_swapped_saturday": explained,
            "differ_unexplained": unexplained,
        }

    ratio_days = med["ours_days"] / med["workalendar_days"]
    ratio_hours = med["ours_hours"] / med["btd_hours"]
    return {
        "calls_ours": n_ours,
        "calls_peers": n_peer,
        "repeats": repeats,
        "working_days": {
            "ours_per_s": round(med["ours_days"]),
            "workalendar_per_s": round(med["workalendar_days"]),
            "ratio": round(ratio_days, 1),
        },
        "working_hours": {
            "ours_per_s": round(med["ours_hours"]),
            "businesstimedelta_per_s": round(med["btd_hours"]),
            "ratio": round(ratio_hours, 1),
        },
        "ratio_vs_faster_peer": round(min(ratio_days, ratio_hours), 1),
        "answers": check,
        "goal": ">= 10x the faster peer per call; same answers wherever they can express the rule",
        "met": min(ratio_days, ratio_hours) >= 10 and all(c["differ_unexplained"] == 0 for c in check.values()),
        "versions": {"workalendar": _version("workalendar"), "businesstimedelta": _version("businesstimedelta")},
    }


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    import json
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
