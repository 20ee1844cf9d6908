"""Django side: calendars from the database, overrides, cache invalidation and `calendar_changed`."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from motcua.calendar import service
from motcua.calendar.engine import TZ
from motcua.calendar.models import Calendar, DayKind, DayOverride
from motcua.calendar.signals import calendar_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def received_signals():
    got: list[dict] = []

    def receiver(sender, **kwargs):
        got.append({"sender": sender, **kwargs})

    calendar_changed.connect(receiver, dispatch_uid="test_receiver")
    yield got
    calendar_changed.disconnect(dispatch_uid="test_receiver")


def vn(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def test_data_migration_ships_the_new_year_2026_swap():
    default = Calendar.objects.get(name="default")
    rows = {o.date: o for o in default.overrides.all()}
    assert rows[date(2026, 1, 2)].kind == "day_off"
    assert rows[date(2026, 1, 10)].kind == "working_day"
    assert all("12729/VPCP-KGVX" in o.legal_basis for o in rows.values())
    cal = service.get_calendar()
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))


def test_override_changes_due_and_emits_signal(received_signals):
    before = service.get_calendar().due(vn(2026, 3, 2, 8), 1, "working_days").due
    assert before == vn(2026, 3, 3, 17)
    row = DayOverride.objects.create(
        calendar=Calendar.objects.get(name="default"), date=date(2026, 3, 3), kind=DayKind.DAY_OFF, name="Nghỉ"
    )
    assert received_signals[-1]["name"] == "default"
    assert received_signals[-1]["dates"] == [date(2026, 3, 3)]
    assert received_signals[-1]["sender"] is DayOverride
    assert service.get_calendar().due(vn(2026, 3, 2, 8), 1, "working_days").due == vn(2026, 3, 4, 17)

    row.date = date(2026, 3, 4)
    row.save()
    assert received_signals[-1]["dates"] == [date(2026, 3, 3), date(2026, 3, 4)]
    assert service.get_calendar().due(vn(2026, 3, 2, 8), 1, "working_days").due == vn(2026, 3, 3, 17)

    DayOverride.objects.filter(pk=row.pk).delete()  # queryset delete (admin bulk action) also signals
    assert received_signals[-1]["dates"] == [date(2026, 3, 4)]
    assert service.get_calendar().due(vn(2026, 3, 2, 8), 2, "working_days").due == vn(2026, 3, 4, 17)


def test_other_processes_notice_through_revision(monkeypatch):
    cal = service.get_calendar()
    default = Calendar.objects.get(name="default")
    rev = default.revision
    # Simulate a change made by another process: bump the revision without this process's signal.
    Calendar.objects.filter(pk=default.pk).update(revision=rev + 1)
    assert service.get_calendar() is cal  # within RECHECK_SECONDS the cache is trusted
    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    assert service.get_calendar() is not cal


def test_saturday_office_calendar_and_unit(received_signals):
    Calendar.objects.create(name="hcc-sat", title="Trung tâm PVHCC", saturday="07:00-11:30")
    assert received_signals[-1] == {"sender": Calendar, "signal": calendar_changed, "name": "hcc-sat", "dates": None}
    cal = service.calendar_for_unit(SimpleNamespace(calendar_name="hcc-sat"))
    assert cal.name == "hcc-sat"
    # Friday 16:30 + 2 working hours: 30 min Friday, 1.5 h on Saturday morning.
    assert cal.due(vn(2026, 3, 6, 16, 30), 2, "working_hours").due == vn(2026, 3, 7, 8, 30)
    # Saturday counts as a working day and ends at 11:30.
    assert cal.due(vn(2026, 3, 6, 9), 1, "working_days").due == vn(2026, 3, 7, 11, 30)
    assert service.calendar_for_unit(SimpleNamespace(calendar_name="")).name == "default"


def test_unknown_calendar():
    with pytest.raises(service.UnknownCalendar):
        service.get_calendar("nope")


def test_invalid_periods_rejected():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Calendar(name="bad", monday="11:30-07:00").full_clean()
    with pytest.raises(ValidationError):
        Calendar(name="closed", monday="", tuesday="", wednesday="", thursday="", friday="").full_clean()


def test_demo_loader_is_idempotent():
    import io

    from motcua.calendar import demo

    n = DayOverride.objects.count()
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert DayOverride.objects.count() == n


def test_child_calendar_inherits_national_overrides(received_signals):
    default = Calendar.objects.get(name="default")
    child = Calendar.objects.create(name="hcc", saturday="07:00-11:30", parent=default)
    cal = service.get_calendar("hcc")
    assert not cal.is_working_day(date(2026, 1, 2))  # the 12729/VPCP-KGVX swap comes from "default"
    # The child's own entry wins over the parent's for the same date.
    DayOverride.objects.create(calendar=child, date=date(2026, 1, 2), kind=DayKind.WORKING_DAY, name="Trực")
    assert service.get_calendar("hcc").is_working_day(date(2026, 1, 2))
    assert not service.get_calendar("default").is_working_day(date(2026, 1, 2))
    # A change to the parent is announced for the child too, and the child's cache is dropped.
    received_signals.clear()
    DayOverride.objects.create(calendar=default, date=date(2026, 3, 3), kind=DayKind.DAY_OFF, name="Nghỉ")
    assert sorted(s["name"] for s in received_signals) == ["default", "hcc"]
    assert not service.get_calendar("hcc").is_working_day(date(2026, 3, 3))


def test_parent_cycle_is_rejected():
    from django.core.exceptions import ValidationError

    a = Calendar.objects.create(name="a")
    b = Calendar.objects.create(name="b", parent=a)
    a.parent = b
    with pytest.raises(ValidationError):
        a.full_clean()


def test_child_cache_notices_parent_change_from_another_process(monkeypatch):
    default = Calendar.objects.get(name="default")
    Calendar.objects.create(name="hcc", parent=default)
    cal = service.get_calendar("hcc")
    Calendar.objects.filter(pk=default.pk).update(revision=default.revision + 7)  # no signal: "another process"
    monkeypatch.setattr(service, "RECHECK_SECONDS", 0.0)
    assert service.get_calendar("hcc") is not cal


def test_swapped_saturday_is_a_full_day_even_where_saturday_mornings_are_open():
    Calendar.objects.create(name="sat", saturday="07:00-11:30", parent=Calendar.objects.get(name="default"))
    cal = service.get_calendar("sat")
    # Sat 10/01/2026 replaces Fri 02/01/2026: open until 17:00, not only in the morning.
    assert cal.due(vn(2026, 1, 9, 9), 1, "working_days").due == vn(2026, 1, 10, 17)
    # An ordinary Saturday closes at 11:30.
    assert cal.due(vn(2026, 1, 16, 9), 1, "working_days").due == vn(2026, 1, 17, 11, 30)
