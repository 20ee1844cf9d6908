"""Acceptance: every procedure of the demo catalogue can be carried from counter intake to a returned
result through the back office, following only the actions the screens offer, each by the right role."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice.tests.walker import client_for, demo_world, intake, walk_to_result
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, StepRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_every_demo_procedure_walks_from_counter_to_result() -> None:
    people = demo_world()
    desks: dict[str, list[Any]] = {
        "H32.101": [client_for(people[u]) for u in ("clerk", "specialist", "leader")],
        "H32.27": [client_for(people[u]) for u in ("clerk.stp", "specialist.stp", "leader.stp")],
    }
    procedures = list(Procedure.objects.filter(active=True).order_by("code"))
    assert len(procedures) == 48
    roles_seen: set[tuple[int, str]] = set()
    for n, procedure in enumerate(procedures):
        unit = "H32.101" if "commune" in procedure.levels else "H32.27"
        clients = desks[unit]
        code = intake(clients[0], procedure.code, unit, key=f"walk-{n}")
        taken = walk_to_result(clients, code)
        roles_seen |= set(taken)
        d = Dossier.objects.get(code=code)
        assert d.status == "returned" and d.finished_at is not None, code
        assert d.unit.code == unit and d.procedure == procedure
        # Every step of the pinned process was done, each by its own role.
        runs = StepRun.objects.filter(dossier=d).order_by("order")
        assert runs.count() == d.process_definition.steps.count() if d.process_definition else True
    # The journey needs all three desks: the clerk receives and returns, the specialist and leader process.
    assert {(0, "start_step"), (0, "forward"), (1, "forward"), (2, "forward"), (0, "finish")} <= roles_seen
