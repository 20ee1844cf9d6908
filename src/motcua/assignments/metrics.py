"""Figures other apps read (PAR scoring): late tasks of a lead unit for a year."""

from __future__ import annotations

from django.utils import timezone

from motcua.assignments import queries, rules
from motcua.assignments.models import Task


def tasks_late(unit_code: str, year: int) -> tuple[int, int]:
    """(overdue-or-completed-late tasks, all tasks) led by `unit_code` whose effective deadline falls in `year`.

    Overdue is judged on today's local date (a task still open past its deadline counts late).
    """
    today = timezone.localdate()
    tasks = Task.objects.filter(lead_unit__code=unit_code, due_on__year=year).select_related("completion")
    late = sum(queries.outcome(t, today) in rules.LATE for t in tasks)
    return late, len(tasks)
