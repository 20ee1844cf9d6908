"""A small province for restructuring tests: three communes about to merge, one that stays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from motcua.catalog.process import default_steps, ensure_process
from motcua.conftest import DEFAULT_NOW
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import SYSTEM, Applicant
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.notifications.seed import ensure_templates
from motcua.organizations.models import Role, Unit


@pytest.fixture(autouse=True)
def _scenario_instant(clock: Any) -> None:
    """This module's scenarios are written with calendar dates of the default test instant (a working
    Wednesday in late November 2026): pinned there, also in CI's reruns at other instants."""
    clock.move_to(datetime.fromisoformat(DEFAULT_NOW))


@dataclass
class Province:
    root: Unit
    a: Unit
    b: Unit
    c: Unit
    other: Unit
    people: dict[str, Any]
    proc: Any
    staged: Any
    dossiers: dict[str, Dossier] = field(default_factory=dict)


def applicant(n: int, address: str = "") -> Applicant:
    return Applicant(
        name=f"Công dân {n}",
        id_number=f"05609000{n:04d}",
        phone=f"09000{n:05d}",
        email=f"cd{n}@example.vn",
        address=address,
    )


@pytest.fixture
def province(db: Any) -> Province:
    ensure_templates()
    root = f.unit("H32", level="province", name="UBND tỉnh Khánh Hòa")
    a = f.unit("H32.201", parent=root, name="Xã Cam Lập")
    b = f.unit("H32.202", parent=root, name="Xã Cam Bình")
    c = f.unit("H32.203", parent=root, name="Xã Cam Thịnh Đông")
    other = f.unit("H32.204", parent=root, name="Xã Diên Khánh")
    people = {
        "clerk.a": f.official("clerk.a", a, Role.CLERK),
        "spec.a": f.official("spec.a", a, Role.SPECIALIST),
        "leader.a": f.official("leader.a", a, Role.LEADER),
        "clerk.b": f.official("clerk.b", b, Role.CLERK),
        "spec.b": f.official("spec.b", b, Role.SPECIALIST),
        "leader.b": f.official("leader.b", b, Role.LEADER),
        "clerk.c": f.official("clerk.c", c, Role.CLERK),
        "spec.c": f.official("spec.c", c, Role.SPECIALIST),
        "leader.c": f.official("leader.c", c, Role.LEADER),
        "clerk.other": f.official("clerk.other", other, Role.CLERK),
        "admin": f.official("admin.prov", root, Role.PROVINCE_ADMIN),
    }
    proc = f.procedure("1.000894", amount=5, fee=0)
    staged = f.procedure("1.001193", amount=5, fee=0)
    ensure_process(staged, default_steps(Decimal(5), "working_days"), "default")
    return Province(root, a, b, c, other, people, proc, staged)


def open_dossiers(p: Province) -> dict[str, Dossier]:
    """Dossiers in several states at A, B and C (received in November 2026), plus two that ended."""
    who = p.people
    t = at(2026, 11, 16)
    d: dict[str, Dossier] = {}
    d["a_received"] = s.receive_dossier(who["clerk.a"], procedure=p.proc, unit=p.a, applicant=applicant(1), now=t)
    d["a_processing"] = s.receive_dossier(who["clerk.a"], procedure=p.staged, unit=p.a, applicant=applicant(2), now=t)
    s.start_step(who["clerk.a"], d["a_processing"], now=at(2026, 11, 16, 10))
    d["a_supplement"] = s.receive_dossier(who["clerk.a"], procedure=p.proc, unit=p.a, applicant=applicant(3), now=t)
    s.request_supplement(who["clerk.a"], d["a_supplement"], reason="Thiếu", items=["Bản sao"], now=at(2026, 11, 17))
    d["b_fee"] = s.receive_dossier(who["clerk.b"], procedure=p.proc, unit=p.b, applicant=applicant(4), now=t)
    s.request_fee(who["spec.b"], d["b_fee"], amount=50_000, now=at(2026, 11, 17))
    d["b_submitted"] = s.submit_online(procedure=p.proc, unit=p.b, applicant=applicant(5), now=at(2026, 11, 24))
    d["c_finished"] = s.receive_dossier(who["clerk.c"], procedure=p.proc, unit=p.c, applicant=applicant(6), now=t)
    s.finish_dossier(SYSTEM, d["c_finished"], now=at(2026, 11, 18))
    done = s.receive_dossier(who["clerk.c"], procedure=p.proc, unit=p.c, applicant=applicant(7), now=t)
    s.finish_dossier(SYSTEM, done, now=at(2026, 11, 18))
    s.announce_early_return(who["clerk.c"], done, now=at(2026, 11, 18, 10))
    d["c_returned"] = s.return_result(who["clerk.c"], done, now=at(2026, 11, 19))
    for key, dossier in d.items():
        d[key] = Dossier.objects.get(pk=dossier.pk)
    p.dossiers = d
    return d
