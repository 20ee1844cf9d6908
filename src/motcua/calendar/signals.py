"""`calendar_changed`: sent whenever a calendar or one of its day overrides is saved or deleted.

Keyword arguments:
- `sender`: the model class that changed (`Calendar` or `DayOverride`);
- `name`: the calendar's name (units refer to it by `Unit.calendar_name`); a change to a calendar
  is also sent once for every calendar that inherits from it (`Calendar.parent`);
- `dates`: sorted list of the `datetime.date`s whose status changed, or `None` when the whole
  calendar changed (office periods, statutory base, creation or deletion).

It is sent synchronously inside the transaction that made the change, after this process's
cached `WorkCalendar` has been dropped, so `get_calendar(name)` in a receiver already sees the new
data (other processes notice through `Calendar.revision` within `service.RECHECK_SECONDS`).
The calendar app cannot touch dossiers: the dossier engine connects a receiver that re-derives
the due times of open dossiers whose deadline window covers `dates` (defer heavy work with
`transaction.on_commit`). It rides on post_save/post_delete, so admin bulk deletes send it too;
`QuerySet.update()` bypasses it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from motcua.calendar.models import Calendar, DayOverride

calendar_changed = Signal()


def notify_changed(sender: type, name: str, dates: list[datetime.date] | None) -> None:
    """Drop the cached calendar, then tell receivers."""
    from motcua.calendar.service import invalidate

    invalidate(name)
    calendar_changed.send(sender=sender, name=name, dates=dates)


@receiver(post_save, sender=Calendar, dispatch_uid="calendar_saved")
@receiver(post_delete, sender=Calendar, dispatch_uid="calendar_deleted")
def _calendar_changed(sender: type, instance: Calendar, **kwargs: Any) -> None:
    names = [instance.name]
    if instance.pk is not None and Calendar.objects.filter(pk=instance.pk).exists():
        names += instance.descendant_names()
    for name in names:
        notify_changed(Calendar, name, None)


@receiver(pre_save, sender=DayOverride, dispatch_uid="override_pre_save")
def _remember_old_date(sender: type, instance: DayOverride, **kwargs: Any) -> None:
    old = None
    if instance.pk:
        old = DayOverride.objects.filter(pk=instance.pk).values_list("date", flat=True).first()
    instance._old_date = old  # type: ignore[attr-defined]


@receiver(post_save, sender=DayOverride, dispatch_uid="override_saved")
@receiver(post_delete, sender=DayOverride, dispatch_uid="override_deleted")
def _override_changed(sender: type, instance: DayOverride, **kwargs: Any) -> None:
    dates = {instance.date, getattr(instance, "_old_date", None)} - {None}
    Calendar.objects.filter(pk=instance.calendar_id).update(revision=F("revision") + 1)
    cal = Calendar.objects.filter(pk=instance.calendar_id).first()
    if cal is not None:
        changed = sorted(d for d in dates if d is not None)
        for name in [cal.name, *cal.descendant_names()]:
            notify_changed(DayOverride, name, changed)
