"""Deadline warnings and breaches reach the responsible officials (in-app alert + e-mail), once."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail

from motcua.dossiers import jobs
from motcua.dossiers import services as s
from motcua.dossiers.models import Duty, DutyKind
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.notifications.models import OutboxMessage, StaffAlert
from motcua.trust.appendonly import lifted

pytestmark = pytest.mark.django_db


def alerts_of(user: Any) -> set[tuple[str, str]]:
    return set(StaffAlert.objects.filter(recipient=user).values_list("topic", "level"))


@pytest.fixture
def emails(world: Any) -> Any:
    for user in (world.clerk, world.specialist):
        user.email = f"{user.username}@example.vn"
        user.first_name, user.last_name = "Hà", "Nguyễn Thị"
        user.save()
    return world


def test_intake_duties_go_to_the_clerk_and_resolution_duties_to_the_competent_unit(emails: Any) -> None:
    w = emails
    proc = f.procedure(amount=1)
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:  # Monday
        d = s.receive_dossier(w.clerk, procedure=proc, unit=w.commune, applicant=w.applicant)
        # 14:00: the paper file must reach the competent unit by 17:00, the apology cut-off is 17:00 too.
        clock.move_to(at(2026, 3, 2, 14))
        result = jobs.tick()
    assert result["warned"] == 2 and result["breached"] == 0
    assert alerts_of(w.clerk) == {(DutyKind.PAPER_TRANSFER, "warning")}
    assert alerts_of(w.specialist) == {(DutyKind.APOLOGY, "warning")}
    assert alerts_of(w.leader) == {(DutyKind.APOLOGY, "warning")}
    assert not StaffAlert.objects.filter(recipient=w.stranger).exists()
    # E-mail only for officials with an address (the leader has none), keyed per duty, level and official.
    mails = OutboxMessage.objects.filter(template="duty_warning", dossier=d)
    assert sorted(mails.values_list("recipient", flat=True)) == ["clerk@example.vn", "specialist@example.vn"]
    duty = Duty.objects.get(dossier=d, kind=DutyKind.PAPER_TRANSFER)
    assert mails.get(recipient="clerk@example.vn").key == f"alert:duty:{duty.pk}:warning:{w.clerk.pk}"
    assert StaffAlert.objects.get(recipient=w.clerk).created_at == at(2026, 3, 2, 14)


def test_running_the_job_twice_duplicates_nothing(emails: Any) -> None:
    w = emails
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:
        d = s.receive_dossier(w.clerk, procedure=f.procedure(amount=1), unit=w.commune, applicant=w.applicant)
        clock.move_to(at(2026, 3, 2, 17, 30))
        first = jobs.tick()
        clock.move_to(at(2026, 3, 2, 17, 31))
        second = jobs.tick()
    assert first["breached"] == 2 and second["breached"] == 0 and second["alerted"] == 0
    counts = (StaffAlert.objects.count(), OutboxMessage.objects.filter(template="duty_breach").count())
    # Even raising the same alerts again (a retry after a crash) adds no row.
    from django.db import transaction

    from motcua.dossiers import alerts

    with transaction.atomic():
        breached = Duty.objects.filter(dossier=d, breached_at__isnull=False).values_list("pk", flat=True)
        alerts.raise_alerts(list(breached), "breach", at(2026, 3, 2, 18))
    assert (StaffAlert.objects.count(), OutboxMessage.objects.filter(template="duty_breach").count()) == counts


def test_an_open_step_alerts_its_assignee_only(emails: Any) -> None:
    w = emails
    proc = f.procedure(amount=1)
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:
        d = s.receive_dossier(w.clerk, procedure=proc, unit=w.commune, applicant=w.applicant)
        s.start_step(w.specialist, d, name="Thẩm định hồ sơ")
        clock.move_to(at(2026, 3, 3, 13, 30))  # Tuesday: apology cut-off passed, resolution due at 17:00
        result = jobs.tick()
    assert result["breached_by_kind"] == {DutyKind.APOLOGY: 1} and result["warned"] == 1
    assert alerts_of(w.specialist) == {(DutyKind.APOLOGY, "breach"), (DutyKind.RESOLUTION, "warning")}
    assert alerts_of(w.leader) == set() and alerts_of(w.clerk) == set()


def test_an_unassigned_step_alerts_the_holders_of_its_role(world: Any) -> None:
    w = world
    proc = f.procedure(amount=1)
    f.process(proc, [("Phê duyệt", w.commune, "leader", 2, "working_hours")])
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:
        d = s.receive_dossier(w.clerk, procedure=proc, unit=w.commune, applicant=w.applicant)
        run = s.start_step(w.leader, d)
        run.assignee = None  # e.g. an imported or reassigned step: nobody named
        with lifted("test: a step run without assignee"):
            run.save(update_fields=["assignee"])
        clock.move_to(at(2026, 3, 3, 17, 5))
        jobs.tick()
    assert (DutyKind.RESOLUTION, "breach") in alerts_of(w.leader)
    assert alerts_of(w.specialist) == set()


def test_a_stopped_clock_raises_no_alert(world: Any) -> None:
    w = world
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:
        d = s.receive_dossier(w.clerk, procedure=f.procedure(amount=1), unit=w.commune, applicant=w.applicant)
        s.start_step(w.specialist, d, name="Thẩm định hồ sơ")
        s.request_fee(w.specialist, d, amount=50_000)
        clock.move_to(at(2026, 3, 4, 9))  # past the due time the dossier had when the fee was requested
        result = jobs.tick()
    assert result["breached"] == 0 and not StaffAlert.objects.exists()


def test_alert_emails_leave_through_the_outbox_worker(emails: Any) -> None:
    from motcua.notifications import worker
    from motcua.notifications.seed import ensure_templates

    ensure_templates()
    w = emails
    with time_machine.travel(at(2026, 3, 2, 9), tick=False) as clock:
        d = s.receive_dossier(w.clerk, procedure=f.procedure(amount=1), unit=w.commune, applicant=w.applicant)
        clock.move_to(at(2026, 3, 2, 14))
        jobs.tick()
        mail.outbox.clear()
        worker.deliver_due()
    sent = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Sắp đến hạn")}
    assert set(sent) == {"clerk@example.vn", "specialist@example.vn"}
    body = sent["clerk@example.vn"].body
    assert d.code in sent["clerk@example.vn"].subject
    assert "Nguyễn Thị Hà" in body and "17:00 02/03/2026" in body and "Chuyển hồ sơ giấy" in body
