"""The one home of the assigned-task rules: deadlines, effective deadline, overdue, completed late.

Plain values in, plain values out (no ORM), so the screens, the XLSX, the counts and
`metrics.tasks_late` agree by construction. Dates are local (Asia/Ho_Chi_Minh) calendar dates; the
date comparison is the calendar's own (`motcua.calendar.engine.classify_dates`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from motcua.calendar.engine import TZ, classify_dates

# Outcomes, in the order of the seeds' yearly table (9.2 on time, 9.3 completed late, 9.4 overdue).
ON_TIME = "on_time"
COMPLETED_LATE = "completed_late"
OVERDUE = "overdue"
IN_PROGRESS = "in_progress"
OUTCOMES = (ON_TIME, COMPLETED_LATE, OVERDUE, IN_PROGRESS)
OUTCOME_LABELS = {
    ON_TIME: "Hoàn thành đúng hạn",
    COMPLETED_LATE: "Hoàn thành trễ hạn",
    OVERDUE: "Quá hạn chưa hoàn thành",
    IN_PROGRESS: "Đang thực hiện trong hạn",
}
LATE = frozenset({COMPLETED_LATE, OVERDUE})

EVENT_LABELS = {
    "directive_created": "Ban hành văn bản giao nhiệm vụ",
    "task_assigned": "Giao nhiệm vụ",
    "progress_posted": "Báo cáo tiến độ",
    "extension_requested": "Đề nghị gia hạn",
    "extension_approved": "Đồng ý gia hạn",
    "extension_refused": "Không đồng ý gia hạn",
    "completed": "Hoàn thành, có văn bản kết quả",
}


def working_days_deadline(cal: Any, issued_on: date, days: int) -> date:
    """The local date `days` working days after the directive's date (the dossiers' own function).

    The directive counts as received at the start of its day; a directive dated on a day off starts
    counting from the next working day, as a dossier received then would.
    """
    from motcua.dossiers.clock import add_working_days

    start = datetime.combine(issued_on, time(0, 0), tzinfo=TZ)
    return add_working_days(cal, start, days).astimezone(TZ).date()


def effective_deadline(assigned: date, approved: Iterable[tuple[datetime, date]]) -> date:
    """The deadline after extensions: the last approved one (by decision time), else the assigned one."""
    last = max(approved, key=lambda x: x[0], default=None)
    return assigned if last is None else last[1]


def local_date(t: datetime) -> date:
    return t.astimezone(TZ).date()


def outcome(due_on: date, completed_on: date | None, today: date) -> str:
    """On time / completed late / overdue (unfinished past the deadline) / in progress within it."""
    if completed_on is not None:
        return COMPLETED_LATE if classify_dates(due_on, completed_on) == "late" else ON_TIME
    return OVERDUE if classify_dates(due_on, today) == "late" else IN_PROGRESS


def is_overdue(due_on: date, completed_on: date | None, today: date) -> bool:
    return outcome(due_on, completed_on, today) == OVERDUE


def is_completed_late(due_on: date, completed_on: date | None) -> bool:
    return completed_on is not None and outcome(due_on, completed_on, completed_on) == COMPLETED_LATE


def days_late(due_on: date, completed_on: date | None, today: date) -> int:
    """Calendar days past the deadline (0 when not late), as the appendix shows them."""
    end = completed_on or today
    return max(0, (end - due_on).days)


def counts(rows: Sequence[tuple[str, date, date | None]], today: date) -> dict[str, dict[str, int]]:
    """{group key: {outcome: n, "total": n, "late": n}} — the per-unit and per-directive tables."""
    out: dict[str, Counter[str]] = {}
    for key, due_on, completed_on in rows:
        c = out.setdefault(key, Counter())
        o = outcome(due_on, completed_on, today)
        c[o] += 1
        c["total"] += 1
        c["late"] += o in LATE
    return {k: {name: c.get(name, 0) for name in (*OUTCOMES, "total", "late")} for k, c in out.items()}
