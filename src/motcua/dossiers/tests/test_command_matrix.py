"""Acceptance: the role × command × unit matrix comes from the command table, and the API and the back
office both follow it — each allowed pair succeeds, every other is refused (403, or 404 out of scope).

The hand-written `EXPECTED` below is the documented role table; the test also checks that the table
still says the same, so a change of who-may-do-what is a deliberate, visible edit here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.catalog.process import default_steps, ensure_process
from motcua.dossiers import commands
from motcua.dossiers import services as s
from motcua.dossiers.commands import COMMANDS, SYSTEM
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF
from motcua.organizations.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Who may run each command on a dossier of their own unit (C clerk, S specialist, L leader);
# unit administrators, inspectors and every official of another unit may run none.
EXPECTED = {
    "accept": "C",
    "refuse": "C",
    "start_step": "C",  # step 1 of the default process, "Tiếp nhận hồ sơ", is the clerk's
    "forward": "C",
    "complete_step": "C",
    "request_supplement": "CS",
    "supply_supplement": "C",
    "close": "C",
    "request_fee": "S",
    "confirm_fee": "C",
    "pause": "L",
    "resume": "SL",
    "record_apology": "S",
    "approve_apology": "L",
    "attach_document": "CS",
    "record_result": "S",
    "sign_result": "L",  # the leader's personal signature over the unit-signed result (issue 16)
    "finish": "SL",  # a dossier without a process; with one, the last step's role
    "announce_early": "C",
    "return_result": "C",
    "withdraw": "C",
    "stop": "L",
    "route_to_lead": "S",
    "transfer_unit": "",  # restructuring: the system actor only
}


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("tai-lieu.pdf", PDF, content_type="application/pdf")


def body(name: str, d: Dossier) -> dict[str, Any]:
    new_date = (timezone.localtime(d.appointment_at or timezone.now()) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return {
        "refuse": {"reason": "Không thuộc thẩm quyền"},
        "request_supplement": {"items": "Bản sao giấy chứng sinh", "reason": "Bản chụp mờ"},
        "request_fee": {"amount": "50000"},
        "pause": {"reason": "Chờ xác minh", "evidence": pdf()},
        "stop": {"reason": "Có tranh chấp", "evidence": pdf()},
        "record_apology": {"reason": "Chờ xác minh", "new_appointment_at": new_date},
        "attach_document": {"file": pdf(), "component": "1"},
        "record_result": {"file": pdf(), "result_code": "KQ.01"},
        "route_to_lead": {"kind": "guidance", "file": pdf()},
    }.get(name, {})


class Scene:
    """Dossiers prepared (as SYSTEM, in the past) so that exactly one command is due on each."""

    def __init__(self, world: Any) -> None:
        self.w = world
        self.plain = f.procedure("1.000001", amount=5)
        self.staged = f.procedure("1.000002", amount=5)
        ensure_process(self.staged, default_steps(Decimal(5), "working_days"), "default")
        self.second = f.procedure("1.000003", amount=5)
        self.group = f.linked_group("LT.1", [self.plain, self.second])
        self.now = timezone.now()

    def receive(self, proc: Any = None, ago: timedelta = timedelta(hours=2)) -> Dossier:
        return s.receive_dossier(
            SYSTEM, procedure=proc or self.plain, unit=self.w.commune, applicant=self.w.applicant, now=self.now - ago
        )

    def prepare(self, name: str) -> Dossier:
        t = self.now - timedelta(hours=1)
        w = self.w
        if name in ("accept", "refuse"):
            return s.submit_online(procedure=self.plain, unit=w.commune, applicant=w.applicant, now=t)
        if name == "start_step":
            return self.receive(self.staged)
        if name in ("forward", "complete_step"):
            d = self.receive(self.staged)
            s.start_step(SYSTEM, d, now=t)
            return d
        if name == "supply_supplement":
            d = self.receive()
            return s.request_supplement(SYSTEM, d, reason="Thiếu", items=["1"], now=t)
        if name == "close":
            d = self.receive(ago=timedelta(days=20))
            return s.request_supplement(
                SYSTEM, d, reason="Thiếu", items=["1"], now=self.now - timedelta(days=19, hours=23)
            )
        if name == "confirm_fee":
            return s.request_fee(SYSTEM, self.receive(), amount=50_000, now=t)
        if name == "resume":
            return s.pause_clock(SYSTEM, self.receive(), reason="Chờ", evidence=s.Upload("a.pdf", PDF), now=t)
        if name == "approve_apology":
            d = self.receive()
            assert d.appointment_at is not None
            return s.record_apology(
                SYSTEM, d, reason="Chậm", new_appointment_at=d.appointment_at + timedelta(days=3), now=t
            )
        if name in ("announce_early", "return_result"):
            d = s.finish_dossier(SYSTEM, self.receive(), now=t)
            return s.announce_early_return(SYSTEM, d, now=t) if name == "return_result" else d
        if name == "sign_result":
            from motcua.signing.tests.test_signing import plain_pdf

            d = self.receive()
            s.record_result(SYSTEM, d, upload=s.Upload("kq.pdf", plain_pdf()), result_code="KQ.01", now=t)
            return d
        if name == "route_to_lead":
            lead = s.receive_linked(
                SYSTEM,
                group=self.group,
                receiving_unit=w.commune,
                units={"1.000001": w.commune, "1.000003": w.commune},
                applicant=w.applicant,
                now=t,
            )
            return lead.children.get()
        return self.receive()


@pytest.fixture
def scene(world: Any) -> Scene:
    return Scene(world)


def cast(world: Any) -> dict[str, Any]:
    other_specialist = f.official("other.specialist", world.other, Role.SPECIALIST)
    other_leader = f.official("other.leader", world.other, Role.LEADER)
    return {
        "C": world.clerk,
        "S": world.specialist,
        "L": world.leader,
        "A": f.official("admin.unit", world.commune, Role.UNIT_ADMIN),
        "I": f.official("inspector", world.commune, Role.INSPECTOR),
        "oC": f.official("other.clerk", world.other, Role.CLERK),
        "oS": other_specialist,
        "oL": other_leader,
    }


def _try(check: Callable[[], Any]) -> Any:
    with transaction.atomic():
        result = check()
        transaction.set_rollback(True)
    return result


def test_the_table_says_what_the_role_table_says(world: Any, scene: Scene) -> None:
    people = cast(world)
    assert set(EXPECTED) == {n for n, c in COMMANDS.items() if not c.creates}
    for name, allowed in EXPECTED.items():

        def judge(name: str = name) -> set[str]:
            d = scene.prepare(name)
            return {key for key, who in people.items() if commands.allowed(name, who, d)}

        assert _try(judge) == set(allowed), name


@pytest.mark.parametrize("channel", ["api", "backoffice"])
def test_api_and_back_office_follow_the_table(world: Any, scene: Scene, channel: str) -> None:
    people = cast(world)
    for name, command in COMMANDS.items():
        if command.creates:
            continue
        for key, who in people.items():

            def attempt(
                name: str = name, who: Any = who, key: str = key, slug: str = command.slug
            ) -> tuple[bool, bool]:
                d = scene.prepare(name)
                allowed = commands.allowed(name, who, d)
                target = d.parent_id if name == "route_to_lead" else d.pk  # its document goes to the lead dossier
                before = Dossier.objects.get(pk=target).event_count
                if channel == "api":
                    c = APIClient()
                    c.force_authenticate(who)
                    r = c.post(f"/api/v1/dossiers/{d.code}/{slug}/", body(name, d), format="multipart")
                    assert r.status_code in ((200,) if allowed else (403, 404)), (name, key, r.status_code, r.content)
                else:
                    c = Client()
                    c.force_login(who)
                    r = c.post(reverse("backoffice:act", args=[d.code, name]), body(name, d))
                    assert r.status_code in ((302,) if allowed else (302, 404)), (name, key, r.status_code)
                changed = Dossier.objects.get(pk=target).event_count != before
                return allowed, changed

            allowed, changed = _try(attempt)
            assert changed == allowed, (channel, name, key, allowed)
