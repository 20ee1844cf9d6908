"""The admin edits calendars and overrides (Vietnamese labels) and saving through it emits the signal."""

from __future__ import annotations

import pytest

from motcua.calendar.models import Calendar, DayOverride
from motcua.calendar.signals import calendar_changed

pytestmark = pytest.mark.django_db


def test_admin_pages_render(admin_client):
    cal = Calendar.objects.get(name="default")
    for url in [
        "/admin/calendar/calendar/",
        f"/admin/calendar/calendar/{cal.pk}/change/",
        "/admin/calendar/dayoverride/",
        "/admin/calendar/dayoverride/add/",
    ]:
        r = admin_client.get(url)
        assert r.status_code == 200, url
    assert "Ngày điều chỉnh".lower() in admin_client.get("/admin/calendar/").content.decode().lower()


def test_admin_add_override_emits_signal(admin_client):
    got = []
    calendar_changed.connect(lambda sender, **kw: got.append(kw), dispatch_uid="admin_test", weak=False)
    try:
        cal = Calendar.objects.get(name="default")
        r = admin_client.post(
            "/admin/calendar/dayoverride/add/",
            {"calendar": cal.pk, "date": "2026-03-03", "kind": "day_off", "name": "Nghỉ", "legal_basis": "QĐ"},
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    finally:
        calendar_changed.disconnect(dispatch_uid="admin_test")
    assert DayOverride.objects.filter(date="2026-03-03").exists()
    assert got and got[-1]["name"] == "default"
