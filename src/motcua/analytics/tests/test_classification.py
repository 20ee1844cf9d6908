"""One classification (contracts §2.6): every path agrees with `calendar.engine.classify_dates`.

The pure paths are checked against a plain reference with hypothesis; the SQL paths (the report
over the dossier table, the rollup rebuild, the incremental rollups, the ORM dossier lists) on
generated dossiers whose due and finish times sit around local midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.analytics.rules import resolution_class
from motcua.analytics.tests.conftest import make_dossier
from motcua.calendar.engine import TZ, classify, classify_dates
from motcua.dossiers.clock import classify_outcome


def plain(due_day: date, finished_day: date) -> str:
    return ["early", "on_time", "late"][(finished_day > due_day) - (finished_day < due_day) + 1]


aware = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))
near = st.integers(-3 * 24 * 60, 3 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=400, deadline=None)
@given(aware, near)
def test_pure_paths_agree(due: datetime, delta: timedelta) -> None:
    from motcua.backoffice.pdf.forms import classify as printed

    finished = due + delta
    u, e = due.astimezone(TZ).date(), finished.astimezone(TZ).date()
    expected = plain(u, e)
    assert classify_dates(u, e) == expected
    assert classify(due, finished) == expected
    assert classify_outcome(due, finished) == expected
    assert resolution_class(e, u) == expected
    assert printed(due, finished) == expected


def test_no_due_date_is_on_time() -> None:
    assert resolution_class(date(2025, 1, 2), None) == "on_time"


offsets = st.lists(
    st.tuples(
        st.integers(0, 40),  # receipt day
        st.sampled_from([-61, -1, 0, 1, 59, 60 * 7, 60 * 17]),  # due minutes around local midnight / office hours
        st.integers(-2, 2),  # finished days after due
        st.sampled_from([-1, 0, 1, 60 * 23 + 59]),  # finished minutes of the day
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets)
def test_sql_paths_agree(world: dict[str, Any], specs: list[tuple[int, int, int, int]]) -> None:
    from motcua.analytics.models import DailyRollup, MonthlyRollup
    from motcua.analytics.queries import dossiers
    from motcua.analytics.report import resolution_report
    from motcua.analytics.rollup import rebuild
    from motcua.dossiers.models import Dossier

    Dossier.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    expected: dict[str, set[str]] = {"early": set(), "on_time": set(), "late": set()}
    d0 = datetime(2025, 3, 1, tzinfo=TZ)
    for i, (r, due_min, fin_days, fin_min) in enumerate(specs):
        received = d0 + timedelta(days=r, hours=8)
        due = d0 + timedelta(days=r + 3, minutes=due_min)
        finished = max(received, d0 + timedelta(days=r + 3 + fin_days, minutes=fin_min))
        code = f"C{i}"
        make_dossier(
            code,
            world["commune"],
            world["p1"],
            status="returned",
            received_at=received,
            due_at=due,
            finished_at=finished,
        )
        expected[classify(due, finished)].add(code)
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    want = {k: len(v) for k, v in expected.items()}
    reports = [resolution_report(start, end, "unit"), resolution_report(start, end, "unit", source="base")]
    rebuild()
    reports.append(resolution_report(start, end, "unit"))
    for doc in reports:
        got = doc["total"]["resolved"]
        assert {k: got[k] for k in want} == want
    for cell, codes in expected.items():
        assert set(dossiers(cell, start, end).values_list("code", flat=True)) == codes
