"""Periodic feedback duties (`tick`, run by `motcua worker`): warn the responsible officials one
working day before a step falls due, and again when it is overdue (in-app `FeedbackAlert` plus an
e-mail through the outbox); both keyed so that a repeated run adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from motcua.feedback.models import Feedback, FeedbackAlert
from motcua.feedback.rules import STEP_LABELS
from motcua.organizations import access
from motcua.organizations.models import Role

OPEN = ("received", "forwarded", "supplement", "processing", "awaiting_approval", "answered")
WHO = {
    "forward": (Role.CLERK, Role.SPECIALIST),
    "answer": (Role.SPECIALIST, Role.LEADER),
    "publish": (Role.LEADER,),
}


def overdue(qs: QuerySet[Feedback], now: datetime) -> QuerySet[Feedback]:
    """Open feedback whose next step's due time has passed (contracts §9.1 limits)."""
    return qs.filter(status__in=OPEN, due_at__lt=now)


def responsible(fb: Feedback) -> list[Any]:
    if fb.assignee is not None and fb.assignee.is_active and fb.due_step != "publish":
        return [fb.assignee]
    return access.holders(fb.unit, *WHO.get(fb.due_step, (Role.SPECIALIST, Role.LEADER)))


def tick(now: datetime) -> int:
    """Raise the warnings and breaches due at `now`; returns the number of (feedback, official) alerts."""
    from motcua.notifications.outbox import enqueue

    n = 0
    with transaction.atomic():
        candidates = Feedback.objects.filter(status__in=OPEN, due_at__isnull=False, due_at__lt=now + timedelta(days=1))
        for fb in candidates.select_related("unit", "assignee"):
            assert fb.due_at is not None
            level = "breach" if fb.due_at < now else "warning"
            for official in responsible(fb):
                key = f"feedback:{fb.pk}:{fb.due_step}:{fb.due_at:%Y%m%d%H%M}:{level}:{official.pk}"
                _obj, created = FeedbackAlert.objects.get_or_create(
                    key=key,
                    defaults={
                        "recipient": official,
                        "feedback": fb,
                        "level": level,
                        "step": fb.due_step,
                        "due_at": fb.due_at,
                        "created_at": now,
                    },
                )
                if created:
                    n += 1
                    if official.email:
                        enqueue(
                            key=f"alert:{key}",
                            channel="email",
                            recipient=official.email,
                            template="pakn_duty_" + level,
                            context={
                                "feedback_code": fb.code,
                                "step": STEP_LABELS.get(fb.due_step, fb.due_step),
                                "due_at": fb.due_at.isoformat(),
                            },
                        )
    return n
