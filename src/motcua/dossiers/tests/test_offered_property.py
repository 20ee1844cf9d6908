"""Acceptance: for random sequences of commands by random officials, a command is offered exactly when
executing it (with valid input) succeeds — the screens never show a button the server refuses, and
never hide one it would accept."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.process import default_steps, ensure_process
from motcua.dossiers import commands
from motcua.dossiers.commands import COMMANDS, DossierError
from motcua.dossiers.commands.pipeline import as_file
from motcua.dossiers.commands.results import published_components
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, Upload, receive_dossier
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db

NAMES = [name for name, c in COMMANDS.items() if not c.creates]
STEPS_IN_TIME = [timedelta(minutes=30), timedelta(hours=3), timedelta(days=1), timedelta(days=4), timedelta(days=16)]


def valid_input(name: str, d: Dossier, now: datetime) -> dict[str, Any]:
    """Input a careful official would type for `name` on `d` at `now` (so only state and role can refuse it)."""
    pdf = as_file(Upload("tai-lieu.pdf", PDF))
    later = max(filter(None, [d.appointment_at, now])) + timedelta(days=2)
    return {
        "request_supplement": {"items": ["Bản sao giấy chứng sinh"], "reason": "Bản chụp mờ"},
        "request_fee": {"amount": 50_000},
        "pause": {"reason": "Chờ xác minh", "evidence": pdf},
        "stop": {"reason": "Có tranh chấp", "evidence": pdf},
        "refuse": {"reason": "Không thuộc thẩm quyền"},
        "record_apology": {"reason": "Chờ xác minh", "new_appointment_at": later},
        "attach_document": {"file": pdf, "component": sorted(published_components(d.procedure))[0]},
        "record_result": {"file": pdf, "result_code": "KQ.01"},
        "route_to_lead": {"kind": "guidance", "file": pdf},
    }.get(name, {})


@pytest.fixture
def cast(world: Any) -> dict[str, Any]:
    inspector = f.official("inspector", world.commune, Role.INSPECTOR)
    proc = f.procedure(amount=5)
    ensure_process(proc, default_steps(Decimal(5), "working_days"), "default")
    return {"proc": proc, "people": [world.clerk, world.specialist, world.leader, world.stranger, inspector]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_offered_if_and_only_if_accepted(world: Any, cast: dict[str, Any], data: st.DataObject) -> None:
    """Each move is mostly one of the offered commands (to reach deep states), sometimes any command."""
    with transaction.atomic():
        now = at(2026, 3, 2, 9)
        d = receive_dossier(
            world.clerk, procedure=cast["proc"], unit=world.commune, applicant=Applicant(name="Trần Thị Bình"), now=now
        )
        for _ in range(data.draw(st.integers(1, 30), label="moves")):
            now += data.draw(st.sampled_from(STEPS_IN_TIME), label="wait")
            d.refresh_from_db()
            menu = {p: {c.name for c, _ in commands.offered(p, d, now=now)} for p in cast["people"]}
            pairs = sorted((i, n) for i, p in enumerate(cast["people"]) for n in menu[p])
            if pairs and data.draw(st.integers(0, 9), label="pick") < 7:
                who, name = data.draw(st.sampled_from(pairs), label="offered move")
            else:
                who = data.draw(st.integers(0, len(cast["people"]) - 1), label="who")
                name = data.draw(st.sampled_from(NAMES), label="any command")
            actor = cast["people"][who]
            shown = menu[actor]
            try:
                commands.execute(name, actor, d, valid_input(name, d, now), now=now)
            except (DossierError, PermissionDenied) as exc:
                assert name not in shown, f"{name} offered to {actor} in {d.status} but refused: {exc}"
            else:
                assert name in shown, f"{name} not offered to {actor} in {d.status} but accepted"
        transaction.set_rollback(True)
