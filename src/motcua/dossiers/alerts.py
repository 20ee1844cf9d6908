"""Deadline warnings and breaches reach the officials responsible for them.

`jobs.tick` marks a duty warned or breached and calls `raise_alerts` in the same transaction:
each responsible official gets an in-app `StaffAlert` (the back office's "Thông báo" page) and,
when they have an e-mail address, an e-mail through the outbox. Both are keyed by
(duty, level, official), so a repeated run adds nothing.

Who is responsible (`responsible_officials`): the assignee of each open step of the dossier;
for an open step nobody was assigned, the holders of that step's role at its unit; with no open
step, the holders of the duty's role: clerks of the receiving unit for intake duties (online
acceptance, transfer of the paper file, supplement wait), specialists and leaders of the
competent unit for the rest (resolution, apology).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from motcua.dossiers import clock
from motcua.dossiers.models import Duty, DutyKind, StepRun
from motcua.organizations import access
from motcua.organizations.models import Role

# Duties the one-stop desk (receiving unit's clerks) answers for; the others fall to the competent unit.
INTAKE_DUTIES = frozenset({DutyKind.ONLINE_ACCEPT, DutyKind.PAPER_TRANSFER, DutyKind.SUPPLEMENT_TIMEOUT})
PROCESSORS = (Role.SPECIALIST, Role.LEADER)
TEMPLATES = {"warning": "duty_warning", "breach": "duty_breach"}


def responsible_officials(duty: Duty) -> list[Any]:
    """The officials who must act on `duty` (see the module docstring), without repeats."""
    d = duty.dossier
    found: dict[int, Any] = {}
    for run in StepRun.objects.filter(dossier=d, finished_at__isnull=True).select_related("assignee", "unit"):
        if run.assignee is not None and run.assignee.is_active:
            found.setdefault(run.assignee.pk, run.assignee)
        else:
            for user in access.holders(run.unit, *((run.role,) if run.role else PROCESSORS)):
                found.setdefault(user.pk, user)
    if not found:
        if duty.kind in INTAKE_DUTIES:
            users = access.holders(d.receiving_unit or d.unit, Role.CLERK)
        else:
            users = access.holders(d.unit, *PROCESSORS)
        found = {u.pk: u for u in users}
    return list(found.values())


def _name(user: Any) -> str:
    """Vietnamese order: family and middle names (`last_name`) before the given name (`first_name`)."""
    return " ".join(p for p in (user.last_name.strip(), user.first_name.strip()) if p) or user.get_username()


def alert_key(duty: Duty, level: str, official: Any) -> str:
    return f"duty:{duty.pk}:{level}:{official.pk}"


def raise_alerts(duty_ids: Iterable[int], level: str, now: datetime) -> int:
    """In-app alerts and e-mails for the duties just marked `level` ("warning" or "breach").

    Returns the number of (duty, official) pairs alerted.

    Must run inside the transaction that marks the duties (the outbox rule).
    """
    from motcua.notifications.models import StaffAlert
    from motcua.notifications.outbox import enqueue

    template = TEMPLATES[level]
    rows: list[StaffAlert] = []
    duties = Duty.objects.filter(pk__in=list(duty_ids)).select_related(
        "dossier", "dossier__unit", "dossier__receiving_unit", "dossier__procedure"
    )
    for duty in duties.order_by("pk"):
        label = str(DutyKind(duty.kind).label)
        for official in responsible_officials(duty):
            key = alert_key(duty, level, official)
            rows.append(
                StaffAlert(
                    key=key,
                    recipient=official,
                    dossier=duty.dossier,
                    level=level,
                    topic=duty.kind,
                    due_at=duty.due_at,
                    created_at=now,
                )
            )
            if official.email:
                enqueue(
                    key=f"alert:{key}",
                    channel="email",
                    recipient=official.email,
                    template=template,
                    context={
                        "official_name": _name(official),
                        "duty": label,
                        "duty_kind": duty.kind,
                        "level": level,
                        "due_at": clock.iso(duty.due_at),
                    },
                    dossier=duty.dossier,
                )
    StaffAlert.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
