"""Rollups (maintained by the signal receiver, and rebuilt) equal the base-table computation on random data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.analytics.index766 import index_766
from motcua.analytics.report import resolution_report
from motcua.analytics.rollup import rebuild
from motcua.analytics.rules import ALL_STATUSES, ENDED_STATUSES
from motcua.analytics.tests.conftest import make_dossier, t, update_dossier

D0 = date(2025, 1, 1)

dossier_st = st.fixed_dictionaries(
    {
        "status": st.sampled_from(sorted(ALL_STATUSES | {"submitted"})),
        "channel": st.sampled_from(["direct", "online", "postal"]),
        "r": st.integers(0, 70),
        "hour": st.sampled_from([0, 6, 16, 23]),
        "e": st.integers(0, 20),
        "u": st.one_of(st.none(), st.integers(0, 15)),
        "unit": st.sampled_from(["justice", "commune"]),
        "proc": st.sampled_from(["p1", "p2"]),
        "flags": st.lists(st.booleans(), min_size=6, max_size=6),
        "then_finish": st.one_of(st.none(), st.integers(0, 30)),
    }
)


def create(world: dict[str, Any], i: int, spec: dict[str, Any]) -> None:
    received = t((D0 + timedelta(days=spec["r"])).isoformat(), spec["hour"])
    status = spec["status"]
    fl = spec["flags"]
    d = make_dossier(
        f"X{i}",
        world[spec["unit"]],
        world[spec["proc"]],
        channel=spec["channel"],
        status=status,
        received_at=received,
        due_at=None if spec["u"] is None else received + timedelta(days=spec["u"]),
        finished_at=received + timedelta(days=spec["e"], hours=1) if status in ENDED_STATUSES else None,
        fee_amount=5000 if fl[0] else 0,
        paid_online=fl[1],
        digitized=fl[2],
        reused=fl[3],
        e_result=fl[4],
        negative_feedback=fl[5],
        synced_national=fl[2] and fl[4],
    )
    if spec["then_finish"] is not None and status not in ENDED_STATUSES:
        update_dossier(d, status="returned", finished_at=received + timedelta(days=spec["then_finish"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(dossier_st, min_size=1, max_size=25),
    st.integers(0, 80),
    st.integers(0, 40),
    st.sampled_from(["unit", "field", "procedure", "level"]),
)
def test_rollup_equals_base(
    world: dict[str, Any], specs: list[dict[str, Any]], offset: int, length: int, by: str
) -> None:
    from motcua.analytics.models import DailyRollup, MonthlyRollup
    from motcua.dossiers.models import Dossier

    Dossier.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    for i, spec in enumerate(specs):
        create(world, i, spec)
    start = D0 + timedelta(days=offset)
    end = start + timedelta(days=length)
    incremental = resolution_report(start, end, by)
    base = resolution_report(start, end, by, source="base")
    assert incremental == base
    total = base["total"]
    assert total["received"]["total"] == (
        total["resolved"]["total"] + total["withdrawn_or_stopped"] + total["in_progress"]["total"]
    )
    assert index_766(start, end) == index_766(start, end, source="base")
    rebuild()
    assert resolution_report(start, end, by) == base
