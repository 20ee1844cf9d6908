"""Random walks through the service layer: after every operation the cached row equals derive(events)
and the recorded due times equal a replay of the clock ledger with the calendar."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from motcua.dossiers import clock
from motcua.dossiers import services as s
from motcua.dossiers.audit import verify
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at

pytestmark = pytest.mark.django_db


def operations(world: Any) -> list[tuple[str, Any]]:
    ev = s.Upload("e.pdf", PDF)
    return [
        ("start", lambda d, t: s.start_step(world.specialist, d, name="B", now=t)),
        ("complete", lambda d, t: s.complete_step(world.specialist, d, now=t)),
        ("supplement", lambda d, t: s.request_supplement(world.specialist, d, reason="r", items=["to_khai"], now=t)),
        ("supply", lambda d, t: s.supply_supplement(world.clerk, d, now=t)),
        ("fee", lambda d, t: s.request_fee(world.specialist, d, amount=1000, now=t)),
        ("paid", lambda d, t: s.confirm_fee(world.clerk, d, now=t)),
        ("pause", lambda d, t: s.pause_clock(world.leader, d, reason="r", evidence=ev, now=t)),
        ("resume", lambda d, t: s.resume_clock(world.leader, d, now=t)),
        (
            "apology",
            lambda d, t: s.record_apology(
                world.specialist, d, reason="r", new_appointment_at=(d.appointment_at or t) + timedelta(days=3), now=t
            ),
        ),
        ("approve", lambda d, t: s.approve_apology(world.leader, d, now=t)),
        ("finish", lambda d, t: s.finish_dossier(world.leader, d, now=t)),
        ("notice", lambda d, t: s.announce_early_return(world.clerk, d, now=t)),
        ("return", lambda d, t: s.return_result(world.clerk, d, now=t)),
        ("withdraw", lambda d, t: s.withdraw(world.clerk, d, now=t)),
        ("stop", lambda d, t: s.stop_dossier(world.leader, d, reason="r", evidence=ev, now=t)),
        ("close", lambda d, t: s.close_unsupplemented(world.clerk, d, now=t)),
    ]


@pytest.mark.parametrize("seed", range(20))
def test_random_walk_keeps_cache_and_clock_consistent(world: Any, seed: int) -> None:
    rng = random.Random(seed)
    proc = f.procedure(amount=rng.choice([1, 3, 5, 10]), unit=rng.choice(["working_days", "calendar_days"]))
    start = at(rng.choice([2025, 2026]), 3, 2, 9) + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
    d = s.receive_dossier(world.clerk, procedure=proc, unit=world.commune, applicant=world.applicant, now=start)
    t = start
    ops = operations(world)
    cal = clock.calendar_for("default")
    applied = []
    # Ending operations are rare so that walks get deep.
    weights = [1 if name in ("withdraw", "stop", "close", "return") else 6 for name, _ in ops]
    for _ in range(20):
        t += timedelta(minutes=rng.randrange(10, 60 * 30))
        name, op = rng.choices(ops, weights)[0]
        d = Dossier.objects.get(pk=d.pk)
        try:
            op(d, t)
            applied.append(name)
        except (s.DossierError, PermissionDenied):
            pass
        d = Dossier.objects.get(pk=d.pk)
        assert s.cached_matches(d), (seed, applied)
        events = [(e.type, e.at, e.payload) for e in s.events_of(d)]
        replay = clock.replay(cal, clock.Deadline.from_payload(d.clock_state["deadline"]), events)
        assert (replay.due_at, replay.appointment_at) == (d.due_at, d.appointment_at), (seed, applied)
    assert verify(d.code).ok
    assert applied  # the walk did something
