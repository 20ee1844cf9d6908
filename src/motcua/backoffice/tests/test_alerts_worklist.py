"""The "Thông báo" page (deadline alerts, mark-as-read) and the worklist's deadline badges and filters.

The clock is frozen (time-machine): "now" and "today" come from `timezone.now()`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.factories import vn
from motcua.dossiers import jobs
from motcua.dossiers import services as s
from motcua.notifications.models import StaffAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    return {"unit": u["a"], "other": u["b"], "stranger": f.user("xa", u["b"], "specialist"), **people}


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def receive(w: dict[str, Any], at: datetime, *, days: int = 3, code: str = "1.001193", name: str = "") -> Any:
    proc = f.procedure(code, name=name or f"Thủ tục {code}")
    proc.deadline_amount = days
    proc.save(update_fields=["deadline_amount"])
    applicant = s.Applicant(name="Trần Văn Bình", id_number="056090001111", phone="0905111222")
    return s.receive_dossier(w["clerk"], procedure=proc, unit=w["unit"], applicant=applicant, now=at)


def test_alerts_page_lists_my_alerts_and_marks_them_read(world: dict[str, Any]) -> None:
    with time_machine.travel(vn(2026, 3, 2, 9), tick=False) as clock:
        d = receive(world, vn(2026, 3, 2, 9), days=1)
        clock.move_to(vn(2026, 3, 3, 17, 30))  # Tuesday evening: apology cut-off and due time passed
        jobs.tick()
        c = client_for(world["leader"])
        page = c.get(reverse("backoffice:worklist")).content.decode()
        # The navigation shows the unread count on every page.
        assert re.search(r"Thông báo <span class=\"badge\"[^>]*>2<", page)
        body = c.get(reverse("backoffice:alerts")).content.decode()
        assert d.code in body and "Giải quyết đúng hạn" in body and "Quá hạn" in body
        mine = StaffAlert.objects.filter(recipient=world["leader"]).order_by("pk")
        response = c.post(reverse("backoffice:alerts_read"), {"id": str(mine[0].pk)})
        assert response.status_code == 302
        assert mine.filter(read_at__isnull=True).count() == 1
        assert mine[0].read_at == vn(2026, 3, 3, 17, 30)
        unread = c.get(reverse("backoffice:alerts"), {"unread": "1"}).content.decode()
        assert unread.count('name="id"') == 1
        c.post(reverse("backoffice:alerts_read"), {"all": "1"})
        assert not mine.filter(read_at__isnull=True).exists()
        assert 'class="badge"' not in c.get(reverse("backoffice:alerts")).content.decode()


def test_alerts_are_private_and_bad_input_is_a_message(world: dict[str, Any]) -> None:
    with time_machine.travel(vn(2026, 3, 2, 9), tick=False) as clock:
        receive(world, vn(2026, 3, 2, 9), days=1)
        clock.move_to(vn(2026, 3, 3, 17, 30))
        jobs.tick()
        theirs = StaffAlert.objects.filter(recipient=world["leader"]).first()
        assert theirs is not None
        c = client_for(world["stranger"])
        assert "Không có thông báo nào" in c.get(reverse("backoffice:alerts")).content.decode()
        for bad in (str(theirs.pk), "abc", "9" * 40, ""):
            response = c.post(reverse("backoffice:alerts_read"), {"id": bad}, follow=True)
            assert response.status_code == 200 and "Không tìm thấy thông báo" in response.content.decode()
        theirs.refresh_from_db()
        assert theirs.read_at is None
        assert c.get(reverse("backoffice:alerts_read")).status_code == 405
    assert Client().get(reverse("backoffice:alerts")).status_code == 302  # signed out: to the login page


def rows(body: str) -> dict[str, str]:
    """Dossier code -> the badge text of its worklist row."""
    out = {}
    for row in re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", body, re.S):
        code = re.search(r"/backoffice/d/([^/]+)/", row)
        tag = re.search(r"<span class=\"tag [a-z]+\">([^<]+)</span>", row)
        if code:
            out[code.group(1)] = tag.group(1) if tag else ""
    return out


def test_worklist_badges_counts_and_filters(world: dict[str, Any]) -> None:
    # Received on Monday 2 March 2026; looked at on Thursday 5 March at 10:00.
    late = receive(world, vn(2026, 3, 2, 9), days=1, code="1.000001")  # due Tue 3/3 17:00
    today = receive(world, vn(2026, 3, 2, 9), days=3, code="1.000002")  # due Thu 5/3 17:00
    soon = receive(world, vn(2026, 3, 2, 9), days=4, code="1.000003")  # due Fri 6/3 17:00
    later = receive(world, vn(2026, 3, 2, 9), days=10, code="1.000004")
    paused = receive(world, vn(2026, 3, 2, 9), days=1, code="1.000005")
    s.request_fee(world["specialist"], paused, amount=20_000, now=vn(2026, 3, 2, 10))
    s.start_step(world["specialist"], soon, name="Thẩm định", now=vn(2026, 3, 2, 11))
    assert (late.due_at, today.due_at, soon.due_at) == (vn(2026, 3, 3, 17), vn(2026, 3, 5, 17), vn(2026, 3, 6, 17))
    c = client_for(world["specialist"])
    with time_machine.travel(vn(2026, 3, 5, 10), tick=False):
        body = c.get(reverse("backoffice:worklist")).content.decode()
        badges = rows(body)
        assert badges == {
            late.code: "Quá hạn",
            today.code: "Đến hạn hôm nay",
            soon.code: "Sắp đến hạn",
            later.code: "",
            paused.code: "Tạm dừng tính thời gian",
        }
        assert list(badges)[:3] == [late.code, today.code, soon.code]  # most urgent first
        counts = {label: n for n, label in re.findall(r"<b>(\d+)</b>([^<]+)</a>", body)}
        assert {k: counts[k] for k in ("quá hạn", "đến hạn hôm nay", "sắp đến hạn (2 ngày tới)", "của tôi")} == {
            "quá hạn": "1",
            "đến hạn hôm nay": "1",
            "sắp đến hạn (2 ngày tới)": "1",
            "của tôi": "1",
        }
        for name, expected in (("overdue", late), ("today", today), ("soon", soon)):
            assert set(rows(c.get(reverse("backoffice:worklist"), {"due": name}).content.decode())) == {expected.code}
        assert set(rows(c.get(reverse("backoffice:worklist"), {"mine": "1"}).content.decode())) == {soon.code}
        assert (
            set(rows(c.get(reverse("backoffice:worklist"), {"mine": "1", "due": "overdue"}).content.decode())) == set()
        )
        # An unknown bucket is ignored, not an error.
        assert len(rows(c.get(reverse("backoffice:worklist"), {"due": "x'--"}).content.decode())) == 5
    # After 17:00 the dossier due today is overdue; the next morning "today" is Friday's.
    with time_machine.travel(vn(2026, 3, 5, 17, 1), tick=False):
        assert rows(c.get(reverse("backoffice:worklist")).content.decode())[today.code] == "Quá hạn"
    with time_machine.travel(vn(2026, 3, 6, 0, 5), tick=False):
        badges = rows(c.get(reverse("backoffice:worklist")).content.decode())
        assert badges[soon.code] == "Đến hạn hôm nay" and badges[later.code] == ""
