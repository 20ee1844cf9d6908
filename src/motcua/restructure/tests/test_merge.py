"""Acceptance 1: three communes with open dossiers, officials and procedures merge into one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from motcua.cli import main
from motcua.dossiers import commands, jobs
from motcua.dossiers import services as s
from motcua.dossiers.audit import verify
from motcua.dossiers.commands import DossierError
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.dossiers.tests.factories import at
from motcua.notifications.models import OutboxMessage
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.organizations.models import Membership, Unit, UnitLink
from motcua.portal.lookup import look_up
from motcua.restructure import engine
from motcua.restructure.forms import create_decision
from motcua.restructure.models import DecisionStatus
from motcua.restructure.tests.conftest import Province, applicant, open_dossiers

pytestmark = pytest.mark.django_db

OPEN = ["a_received", "a_processing", "a_supplement", "b_fee", "b_submitted", "c_finished"]


def merger(p: Province, effective: date, number: str = "1667/NQ-UBTVQH15") -> Any:
    return create_decision(
        kind="merge",
        number=number,
        signed_on=date(2026, 11, 20),
        effective_on=effective,
        legal_basis="Nghị quyết 1667/NQ-UBTVQH15 về sắp xếp đơn vị hành chính cấp xã",
        unit_codes=[p.a.code, p.b.code, p.c.code],
        new_code="H32.210",
        new_name="Xã Nam Cam Ranh",
    )


def test_merger_moves_every_open_dossier_at_the_effective_date(province: Province, clock: Any) -> None:
    p = province
    d = open_dossiers(p)
    before = {k: (v.code, v.due_at, v.appointment_at, v.status, v.clock_state) for k, v in d.items()}
    decision = merger(p, date(2026, 12, 1))

    preview = engine.plan(decision)
    assert preview.problems == []
    assert [x["code"] for x in preview.dossiers] == sorted(d[k].code for k in OPEN)
    assert {(m["user"], m["to"]) for m in preview.memberships} == {
        (u, "H32.210") for u in ("clerk.a", "spec.a", "leader.a", "clerk.b", "spec.b", "leader.b")
    } | {(u, "H32.210") for u in ("clerk.c", "spec.c", "leader.c")}
    assert preview.new_units[0]["code"] == "H32.210" and preview.ended_units == ["H32.201", "H32.202", "H32.203"]
    assert [x["code"] for x in preview.procedures] == ["1.000894", "1.001193"]
    assert all(x["offered_by_successor"] for x in preview.procedures)

    then = at(2026, 12, 1, 7, 30)
    offered_before = _offered(p, then)

    # Scheduled before its date: nothing moves, and it may still be cancelled.
    engine.schedule(decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SCHEDULED
    assert jobs.tick(at(2026, 11, 30, 16))["restructured"] == {"applied": [], "errors": []}
    assert not Unit.objects.filter(code="H32.210").exists()

    # The worker's periodic job applies it on the effective date.
    clock.move_to(at(2026, 12, 1, 7, 30))
    result = jobs.tick()
    assert result["restructured"] == {"applied": ["1667/NQ-UBTVQH15"], "errors": []}
    new = Unit.objects.get(code="H32.210")
    assert new.valid_from == date(2026, 12, 1) and new.parent == p.root and new.level == "commune"
    for old in (p.a, p.b, p.c):
        old.refresh_from_db()
        assert (old.valid_to, old.active) == (date(2026, 11, 30), False)
        assert UnitLink.objects.filter(predecessor=old, successor=new, primary=True).exists()

    for key in OPEN:
        x = Dossier.objects.get(pk=d[key].pk)
        code, due, appointment, status, _clock = before[key]
        assert (x.code, x.due_at, x.appointment_at, x.status) == (code, due, appointment, status), key
        assert x.unit == new and x.receiving_unit == new, key
        last = DossierEvent.objects.filter(dossier=x).order_by("-seq").first()
        assert last is not None and last.type == "unit_transferred" and last.actor_id is None
        assert last.payload["decision"] == "1667/NQ-UBTVQH15" and last.payload["to_unit"] == "H32.210"
        # The clock keeps running: the state after the transfer equals the state before, bar the steps' unit.
        assert x.clock_state == before[key][4], key
    returned = Dossier.objects.get(pk=d["c_returned"].pk)
    assert returned.unit == p.c and returned.status == "returned"  # history stays where it happened

    # The open step moved with its dossier; the cached state says so too.
    run = StepRun.objects.get(dossier=d["a_processing"], finished_at__isnull=True)
    assert run.unit == new
    assert Dossier.objects.get(pk=d["a_processing"].pk).current_steps[0]["unit"] == "H32.210"

    report = verify()
    assert report.ok, report.problems[:1]
    assert main(["audit", "verify"]) == 0

    # Nobody lost access they should keep: each official can act on the dossiers they had.
    assert not Membership.objects.filter(unit__in=[p.a, p.b, p.c], active=True).exists()
    for name in ("clerk.a", "clerk.b", "clerk.c"):
        user = p.people[name]
        access.clear_cache(user)
        assert access.can(user, Action.RECEIVE, new)
    # Every official may still do what they could before (and the merged staff now serve one another's dossiers).
    offered_after = _offered(p, then)
    assert all(offered_after[k] >= v for k, v in offered_before.items())
    assert all(offered_after[k] == v for k, v in offered_before.items() if k[0] in ("clerk.other", "admin"))
    assert offered_before[("clerk.a", d["a_received"].code)] >= {"attach_document", "withdraw"}
    assert commands.allowed("accept", p.people["clerk.b"], Dossier.objects.get(pk=d["b_submitted"].pk))
    assert commands.allowed("confirm_fee", p.people["clerk.b"], Dossier.objects.get(pk=d["b_fee"].pk))
    assert commands.allowed("return_result", p.people["clerk.c"], Dossier.objects.get(pk=d["c_finished"].pk))
    assert access.can(p.people["admin"], Action.READ, new)
    assert not access.can(p.people["clerk.other"], Action.RECEIVE, new)

    # The receipt codes (which carry the old unit codes) still find the dossiers in the public look-up.
    for n, key in enumerate(OPEN, start=1):
        x = Dossier.objects.get(pk=d[key].pk)
        answer = look_up(f"10.0.0.{n}", x.code, x.applicant_phone)
        assert answer.status == 200 and answer.body["unit"]["code"] == "H32.210", key
        assert x.code.startswith(("H32.201", "H32.202", "H32.203")), x.code

    # Citizens were told their contact point changed (one message per transferred dossier).
    told = OutboxMessage.objects.filter(template="unit_transferred")
    assert sorted(m.context["code"] for m in told) == sorted(d[k].code for k in OPEN)
    assert all(m.context["new_unit"] == "Xã Nam Cam Ranh" for m in told)

    # The old communes receive nothing any more: the citizen is sent to the successor.
    with pytest.raises(DossierError, match=r"H32\.210") as refused:
        s.submit_online(procedure=p.proc, unit=p.a, applicant=applicant(9))
    assert refused.value.code == "unit_ended"

    # Applied: no second application, no cancellation.
    with pytest.raises(engine.RestructureError):
        engine.cancel(decision)
    assert jobs.tick()["restructured"]["applied"] == []


def _offered(p: Province, now: Any) -> dict[tuple[str, str], set[str]]:
    out = {}
    for name, user in p.people.items():
        access.clear_cache(user)
        for x in Dossier.objects.all():
            out[(name, x.code)] = {c.name for c, _ in commands.offered(user, x, now=now)}
    return out


def test_cancelled_before_the_effective_date_changes_nothing(province: Province, clock: Any) -> None:
    p = province
    open_dossiers(p)
    decision = merger(p, date(2026, 12, 1))
    engine.schedule(decision)
    engine.cancel(decision)
    clock.move_to(at(2026, 12, 2, 9))
    assert jobs.tick()["restructured"]["applied"] == []
    assert not Unit.objects.filter(code="H32.210").exists()
    assert Dossier.objects.filter(unit=p.a).count() == 3


def test_a_decision_whose_date_has_passed_applies_at_once(province: Province, clock: Any) -> None:
    p = province
    open_dossiers(p)
    decision = merger(p, date(2026, 11, 25))
    engine.schedule(decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPLIED
    assert Dossier.objects.filter(unit__code="H32.210").count() == len(OPEN)
    assert verify().ok


def test_bad_decisions_are_refused(province: Province) -> None:
    p = province
    with pytest.raises(ValueError, match="unknown unit code"):
        create_decision(
            kind="merge", number="X1", signed_on=date(2026, 1, 1), effective_on=date(2026, 2, 1), unit_codes=["NOPE"],
            into=p.a.code,
        )  # fmt: skip
    with pytest.raises(ValueError, match="successor"):
        create_decision(
            kind="merge", number="X2", signed_on=date(2026, 1, 1), effective_on=date(2026, 2, 1),
            unit_codes=[p.a.code],
        )  # fmt: skip
    with pytest.raises(ValueError, match="signed after"):
        create_decision(
            kind="merge", number="X3", signed_on=date(2026, 3, 1), effective_on=date(2026, 2, 1),
            unit_codes=[p.a.code], into=p.b.code,
        )  # fmt: skip
    with pytest.raises(ValueError, match="already exists"):
        create_decision(
            kind="rename", number="X4", signed_on=date(2026, 1, 1), effective_on=date(2026, 2, 1),
            unit_codes=[p.a.code], new_code=p.b.code, new_name="Trùng mã",
        )  # fmt: skip
    # Dissolving a unit with open dossiers and nobody to take them over: the preview says why.
    open_dossiers(p)
    decision = create_decision(
        kind="dissolve", number="X5", signed_on=date(2026, 1, 1), effective_on=date(2026, 2, 1), unit_codes=[p.a.code]
    )
    problems = engine.plan(decision).problems
    assert problems and "name the unit" in problems[0]
    with pytest.raises(engine.RestructureError):
        engine.schedule(decision)


def test_the_dossier_page_shows_the_transfer(province: Province, clock: Any, client: Any) -> None:
    p = province
    d = open_dossiers(p)
    engine.schedule(merger(p, date(2026, 11, 25)))
    user = p.people["clerk.a"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    r = client.get(reverse("backoffice:dossier", args=[d["a_received"].code]))
    assert r.status_code == 200
    assert "H32.201 → H32.210 (1667/NQ-UBTVQH15)" in r.content.decode()
