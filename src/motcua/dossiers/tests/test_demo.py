"""The live demo dossiers: every state, in units with demo staff, late ones really overdue, at any date and hour.

The demo is built "now"; each case freezes the clock (time-machine) at an awkward instant.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.tests.factories import TZ

pytestmark = pytest.mark.django_db

CLOCKS = [
    datetime(2026, 11, 30, 6, 59, tzinfo=TZ),  # Monday before office hours
    datetime(2027, 1, 29, 16, 59, tzinfo=TZ),  # the last Friday before Tết 2027
    datetime(2027, 2, 10, 10, 0, tzinfo=TZ),  # in the middle of the Tết holiday
    datetime(2026, 9, 6, 23, 30, tzinfo=TZ),  # Sunday night after the National Day holiday
]
ORDINARY = datetime(2026, 12, 16, 10, 0, tzinfo=TZ)  # a Wednesday morning

FAMILY_NAMES = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Huỳnh", "Ngô", "Dương", "Lý"}
FAMILY_NAMES |= {"Trương", "Phan", "Đỗ", "Mai", "Cao"}


def load_demo() -> str:
    from motcua.calendar import demo as calendar_demo
    from motcua.catalog import demo as catalog_demo
    from motcua.dossiers import demo
    from motcua.organizations import demo as organizations_demo

    out = io.StringIO()
    for loader in (calendar_demo, catalog_demo, organizations_demo, demo):
        loader.load(out)
    return out.getvalue()


@pytest.mark.parametrize("now", CLOCKS, ids=lambda t: t.strftime("%a-%Y%m%d-%H%M"))
def test_demo_has_every_state_in_staffed_units(now: datetime) -> None:
    from motcua.dossiers.audit import verify
    from motcua.dossiers.demo import KEY

    with time_machine.travel(now, tick=False):
        log = load_demo()
        assert "demo dossier " not in log, log  # no scenario failed
        demo = Dossier.objects.filter(idempotency_key__startswith=KEY)
        lead = Dossier.objects.filter(idempotency_key=KEY + "linked")
        statuses = set(demo.values_list("status", flat=True))
        assert statuses >= set(Status.values), set(Status.values) - statuses
        assert set(demo.values_list("unit__code", flat=True)) == {"H32.101", "H32.27"}
        # The liên thông group: the lead dossier plus one sub-dossier per participating unit.
        children = Dossier.objects.filter(parent__in=lead)
        assert {c.unit.code for c in children} == {"H32.101.01", "H32.41"} and children.count() == 3
        every = Dossier.objects.filter(pk__in=demo) | Dossier.objects.filter(parent__in=lead)
        # Nothing happened after "now"; the late ones really are overdue, the others not.
        assert not DossierEvent.objects.filter(dossier__in=every, at__gt=now).exists()
        running = every.filter(status__in=[Status.RECEIVED, Status.PROCESSING]).exclude(clock_state__reason="pause")
        late = {d.idempotency_key.removeprefix(KEY) for d in running if d.due_at < now}
        assert {"received-late", "step-2-late", "stp-step-2-late"} <= late
        assert not late & {"received", "step-1", "step-2", "step-3", "step-4"}
        fee = demo.get(status=Status.AWAITING_FEE)
        assert fee.fee_amount > 0
        # Real-looking applicants: family name first, 12-digit ID numbers, 09x phone numbers, Khánh Hòa.
        for d in demo:
            assert re.fullmatch(r"056\d{9}", d.applicant_id_number), d.applicant_id_number
            assert re.fullmatch(r"09\d{8}", d.applicant_phone) and "Khánh Hòa" in d.applicant_address
            assert d.applicant_name.split()[0] in FAMILY_NAMES
            if d.status not in (Status.SUBMITTED, Status.REFUSED):
                assert d.appointment_at is not None and d.appointment_at >= d.received_at
        # Counter events happen in office hours of working days (online filing may come at any time).
        for e in DossierEvent.objects.filter(dossier__in=every).exclude(type="submitted"):
            local = timezone.localtime(e.at)
            assert (7, 0) <= (local.hour, local.minute) < (17, 0), (e.dossier.code, e.type, local)
        assert verify().ok
        # Loading again changes nothing.
        n = Dossier.objects.count()
        assert "already present" in load_demo() and Dossier.objects.count() == n


def test_demo_deadlines_reach_the_demo_staff_and_who_does_what_is_one_table() -> None:
    from motcua.dossiers import demo, jobs
    from motcua.notifications.models import OutboxMessage, StaffAlert

    with time_machine.travel(ORDINARY, tick=False):
        load_demo()
        jobs.tick()
    alerted = set(StaffAlert.objects.values_list("recipient__username", flat=True))
    assert {"clerk", "specialist", "specialist.stp"} <= alerted
    assert OutboxMessage.objects.filter(template="duty_breach", recipient="clerk@khanhhoa.example").exists()
    assert [u.username for u in demo.actors("finish", "H32.27")] == ["clerk.stp", "leader.stp"]
    assert [u.username for u in demo.actors("step", "H32.101", step_role="specialist")] == ["specialist"]
