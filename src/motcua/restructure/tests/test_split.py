"""Acceptance 3: a split sends each open dossier to the right successor by the applicant's address, and
the preview lists exactly what the application then does. Also: rename, move and dissolve."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from motcua.dossiers import services as s
from motcua.dossiers.audit import verify
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import SYSTEM
from motcua.dossiers.tests.factories import at
from motcua.organizations.history import as_of_map
from motcua.organizations.models import Membership, Unit, UnitLink
from motcua.restructure import engine
from motcua.restructure.forms import create_decision
from motcua.restructure.models import DecisionStatus
from motcua.restructure.tests.conftest import Province, applicant

pytestmark = pytest.mark.django_db


def test_split_by_address_and_the_preview_is_what_happens(province: Province, clock: Any) -> None:
    p = province
    clerk = p.people["clerk.a"]

    def receive(n: int, address: str) -> Dossier:
        return s.receive_dossier(
            clerk, procedure=p.proc, unit=p.a, applicant=applicant(n, address), now=at(2026, 11, 16)
        )

    north = receive(1, "Thôn Bắc Sơn, xã Cam Lập, tỉnh Khánh Hòa")
    south = receive(2, "thon nam son, CAM LAP")  # no accents, other case: still the south
    nowhere = receive(3, "")  # no address: the first part
    ended = receive(4, "Thôn Nam Sơn")
    s.finish_dossier(SYSTEM, ended, now=at(2026, 11, 17))
    s.announce_early_return(clerk, ended, now=at(2026, 11, 17, 10))
    s.return_result(clerk, ended, now=at(2026, 11, 18))
    other = s.receive_dossier(
        p.people["clerk.b"], procedure=p.proc, unit=p.b, applicant=applicant(5), now=at(2026, 11, 16)
    )

    decision = create_decision(
        kind="split",
        number="12/NQ-HĐND",
        signed_on=date(2026, 11, 20),
        effective_on=date(2026, 11, 25),
        unit_codes=[p.a.code],
        parts=[
            {"code": "H32.221", "name": "Xã Cam Lập Bắc", "match": ["Bắc Sơn"]},
            {"code": "H32.222", "name": "Xã Cam Lập Nam", "match": ["Nam Sơn", "Nam Hải"]},
        ],
    )
    preview = engine.plan(decision)
    assert preview.problems == []
    assert [(d["code"], d["to_unit"], d["rule"]) for d in preview.dossiers] == sorted(
        [
            (north.code, "H32.221", "address"),
            (south.code, "H32.222", "address"),
            (nowhere.code, "H32.221", "default"),
        ]
    )
    assert [u["code"] for u in preview.new_units] == ["H32.221", "H32.222"]
    assert preview.ended_units == ["H32.201"]
    assert preview.links == [
        {"predecessor": "H32.201", "successor": "H32.221", "primary": True},
        {"predecessor": "H32.201", "successor": "H32.222", "primary": False},
    ]
    # Officials of the split commune keep access in both successors.
    assert sorted((m["user"], m["to"]) for m in preview.memberships) == sorted(
        (u, code) for u in ("clerk.a", "leader.a", "spec.a") for code in ("H32.221", "H32.222")
    )
    assert ended.code not in {d["code"] for d in preview.dossiers}
    assert other.code not in {d["code"] for d in preview.dossiers}

    engine.schedule(decision)  # effective today: applied at once
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPLIED
    assert decision.result == preview.as_dict()  # what the preview said is what was done

    moved = {d.code: d.unit.code for d in Dossier.objects.select_related("unit")}
    assert moved[north.code] == "H32.221" and moved[nowhere.code] == "H32.221"
    assert moved[south.code] == "H32.222"
    assert moved[ended.code] == "H32.201" and moved[other.code] == "H32.202"
    for d in (north, south, nowhere):
        assert DossierEvent.objects.filter(dossier=d, type="unit_transferred").count() == 1
    assert verify().ok
    assert set(
        Membership.objects.filter(user__username="clerk.a", active=True).values_list("unit__code", flat=True)
    ) == {"H32.221", "H32.222"}
    # Grouped by the units as of the split, the old commune's figures go to its primary successor.
    a = Unit.objects.get(code="H32.201")
    assert as_of_map(date(2026, 11, 25), [a.pk])[a.pk] == Unit.objects.get(code="H32.221").pk
    assert as_of_map(date(2026, 11, 24), [a.pk])[a.pk] == a.pk


def test_rename_move_and_dissolve(province: Province, clock: Any) -> None:
    p = province
    d = s.receive_dossier(p.people["clerk.c"], procedure=p.proc, unit=p.c, applicant=applicant(1), now=at(2026, 11, 16))
    rename = create_decision(
        kind="rename", number="R1", signed_on=date(2026, 11, 1), effective_on=date(2026, 11, 25),
        unit_codes=[p.c.code], new_code="H32.230", new_name="Phường Cam Thịnh", new_kind="phuong",
    )  # fmt: skip
    engine.schedule(rename)
    renamed = Unit.objects.get(code="H32.230")
    assert (renamed.kind, renamed.category, renamed.valid_from) == ("phuong", "peoples_committee", date(2026, 11, 25))
    assert Dossier.objects.get(pk=d.pk).unit == renamed
    assert UnitLink.objects.filter(predecessor=p.c, successor=renamed).exists()

    move = create_decision(
        kind="move", number="M1", signed_on=date(2026, 11, 1), effective_on=date(2026, 11, 25),
        unit_codes=[p.other.code], into=p.b.code,
    )  # fmt: skip
    assert engine.plan(move).reparented == [{"unit": "H32.204", "from": "H32", "to": "H32.202"}]
    engine.schedule(move)
    p.other.refresh_from_db()
    assert p.other.parent == p.b and p.other.active  # a move changes only the parent

    loop = create_decision(
        kind="move", number="M2", signed_on=date(2026, 11, 1), effective_on=date(2026, 11, 25),
        unit_codes=[p.b.code], into=p.other.code,
    )  # fmt: skip
    assert "under itself" in engine.plan(loop).problems[0]

    dissolve = create_decision(
        kind="dissolve", number="D1", signed_on=date(2026, 11, 1), effective_on=date(2026, 11, 25),
        unit_codes=[renamed.code], into=p.a.code,
    )  # fmt: skip
    engine.schedule(dissolve)
    assert Dossier.objects.get(pk=d.pk).unit == p.a
    renamed.refresh_from_db()
    assert renamed.valid_to == date(2026, 11, 24) and not renamed.active
    # Chains of changes: the old commune C is summed into A as of today (C → H32.230 → A).
    assert as_of_map(date(2026, 11, 25), [p.c.pk])[p.c.pk] == p.a.pk
    assert verify().ok


def test_a_commune_absorbs_its_neighbours(province: Province, clock: Any) -> None:
    p = province
    at_a = s.receive_dossier(
        p.people["clerk.a"], procedure=p.proc, unit=p.a, applicant=applicant(1), now=at(2026, 11, 16)
    )
    at_b = s.receive_dossier(
        p.people["clerk.b"], procedure=p.proc, unit=p.b, applicant=applicant(2), now=at(2026, 11, 16)
    )
    decision = create_decision(
        kind="merge", number="A1", signed_on=date(2026, 11, 1), effective_on=date(2026, 11, 25),
        unit_codes=[p.a.code, p.b.code], into=p.a.code,
    )  # fmt: skip
    plan = engine.plan(decision)
    assert plan.ended_units == ["H32.202"] and plan.new_units == []
    assert [d["code"] for d in plan.dossiers] == [at_b.code]
    engine.schedule(decision)
    p.a.refresh_from_db()
    assert p.a.valid_to is None and p.a.active  # the absorbing commune goes on
    assert Dossier.objects.get(pk=at_b.pk).unit == p.a
    assert DossierEvent.objects.filter(dossier=at_a, type="unit_transferred").count() == 0
    assert as_of_map(date(2026, 11, 25), [p.b.pk])[p.b.pk] == p.a.pk
