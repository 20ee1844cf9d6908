"""ORM side of the rules: which tasks an official sees, and each task's outcome and counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from motcua.assignments import rules
from motcua.assignments.models import Task
from motcua.organizations import access


def visible(user: Any) -> QuerySet[Task]:
    """Tasks the official may see: every task province-wide, else those led or coordinated by their units."""
    qs = Task.objects.select_related("directive", "lead_unit", "completion")
    ids = access.unit_ids_for(user)
    if ids is None:
        return qs
    return qs.filter(Q(lead_unit_id__in=ids) | Q(coordinating_units__in=ids)).distinct()


def completed_on(task: Task) -> date | None:
    completion = getattr(task, "completion", None) if task.status == "completed" else None
    return rules.local_date(completion.completed_at) if completion is not None else None


def outcome(task: Task, today: date) -> str:
    return rules.outcome(task.due_on, completed_on(task), today)


def annotate(tasks: Any, today: date) -> list[dict[str, Any]]:
    """Rows for screens and exports: the task plus its outcome, label and days late."""
    out = []
    for t in tasks:
        done = completed_on(t)
        o = rules.outcome(t.due_on, done, today)
        out.append(
            {
                "task": t,
                "outcome": o,
                "label": rules.OUTCOME_LABELS[o],
                "late": o in rules.LATE,
                "completed_on": done,
                "days_late": rules.days_late(t.due_on, done, today),
            }
        )
    return out


def counts_by(tasks: Any, today: date, by: str) -> list[dict[str, Any]]:
    """Per lead unit (`by="unit"`) or per directive (`by="directive"`), sorted, with names."""
    names: dict[str, str] = {}
    rows = []
    for t in tasks:
        if by == "unit":
            key, name = t.lead_unit.code, t.lead_unit.name
        else:
            key, name = t.directive.number, t.directive.title
        names[key] = name
        rows.append((key, t.due_on, completed_on(t)))
    table = rules.counts(rows, today)
    return [{"key": k, "name": names[k], **table[k]} for k in sorted(table)]
