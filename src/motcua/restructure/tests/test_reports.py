"""Acceptance 2: a report before a merger shows the old units; grouped by today's units it sums them
into the new one; totals are equal. Figures computed by hand (below), both report sources.

June 2026 (Mon 01 – Tue 30), procedure of 5 working days, no holidays:
  A (H32.201)  A0 received Mon 25/05, due Mon 01/06, finished Mon 01/06 → carried over, on time
               A1 received Mon 01/06, finished Tue 02/06 (due 08/06)    → new, early
               A2 received Tue 02/06, finished Fri 19/06 (due 09/06)    → new, late
  B (H32.202)  B1 received Wed 03/06, finished Wed 10/06 (due 10/06)    → new, on time
               B2 received Mon 22/06, due Mon 29/06, still open          → new, overdue at 30/06
  C (H32.203)  C1 received Wed 24/06, due Wed 01/07, still open          → new, within time at 30/06
               C2 refused at the counter Fri 05/06                       → refused
Merger into H32.210 effective Wed 01/07/2026: B2 and C1 move (open), the others stay.
July 2026: N1 received at H32.210 Mon 06/07, finished Tue 07/07 → new, early; B2, C1 overdue at 31/07.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from motcua.analytics.report import resolution_report
from motcua.analytics.rollup import rebuild
from motcua.cli import main
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import SYSTEM
from motcua.dossiers.tests.factories import at
from motcua.organizations import access
from motcua.restructure import engine
from motcua.restructure.forms import create_decision
from motcua.restructure.tests.conftest import Province, applicant

pytestmark = pytest.mark.django_db

ZERO = {
    "online": 0, "direct_postal": 0, "carried_over": 0, "early": 0, "on_time": 0, "late": 0,
    "withdrawn_or_stopped": 0, "within_time": 0, "overdue": 0, "refused": 0,
}  # fmt: skip


def cells(row: dict[str, Any]) -> dict[str, int]:
    return {
        "online": row["received"]["online"],
        "direct_postal": row["received"]["direct_postal"],
        "carried_over": row["received"]["carried_over"],
        "early": row["resolved"]["early"],
        "on_time": row["resolved"]["on_time"],
        "late": row["resolved"]["late"],
        "withdrawn_or_stopped": row["withdrawn_or_stopped"],
        "within_time": row["in_progress"]["within_time"],
        "overdue": row["in_progress"]["overdue"],
        "refused": row["refused"],
    }


def by_key(doc: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {r["key"]: cells(r) for r in doc["rows"]}


def history(p: Province) -> dict[str, Dossier]:
    clerk = {p.a: p.people["clerk.a"], p.b: p.people["clerk.b"], p.c: p.people["clerk.c"]}

    def received(unit: Any, n: int, when: Any) -> Dossier:
        return s.receive_dossier(clerk[unit], procedure=p.proc, unit=unit, applicant=applicant(n), now=when)

    d = {
        "A0": received(p.a, 1, at(2026, 5, 25)),
        "A1": received(p.a, 2, at(2026, 6, 1)),
        "A2": received(p.a, 3, at(2026, 6, 2)),
        "B1": received(p.b, 4, at(2026, 6, 3)),
        "B2": received(p.b, 5, at(2026, 6, 22)),
        "C1": received(p.c, 6, at(2026, 6, 24)),
    }
    s.finish_dossier(SYSTEM, d["A0"], now=at(2026, 6, 1, 8))
    s.finish_dossier(SYSTEM, d["A1"], now=at(2026, 6, 2, 15))
    s.finish_dossier(SYSTEM, d["A2"], now=at(2026, 6, 19, 10))
    s.finish_dossier(SYSTEM, d["B1"], now=at(2026, 6, 10, 8))
    d["C2"] = s.refuse_intake(
        clerk[p.c], reason="Không thuộc thẩm quyền", procedure=p.proc, unit=p.c, applicant=applicant(7),
        now=at(2026, 6, 5),
    )  # fmt: skip
    return d


@pytest.fixture
def merged(province: Province, clock: Any) -> Province:
    p = province
    p.dossiers = history(p)
    decision = create_decision(
        kind="merge",
        number="1667/NQ-UBTVQH15",
        signed_on=date(2026, 6, 16),
        effective_on=date(2026, 7, 1),
        unit_codes=[p.a.code, p.b.code, p.c.code],
        new_code="H32.210",
        new_name="Xã Nam Cam Ranh",
    )
    engine.schedule(decision)  # the date has passed: applied at once
    new = decision.sources.model.objects.get(code="H32.210")
    access.clear_cache(p.people["clerk.a"])  # memberships moved to the new unit
    n1 = s.receive_dossier(p.people["clerk.a"], procedure=p.proc, unit=new, applicant=applicant(8), now=at(2026, 7, 6))
    s.finish_dossier(SYSTEM, n1, now=at(2026, 7, 7, 10))
    return p


JUNE_A = {**ZERO, "direct_postal": 2, "carried_over": 1, "early": 1, "on_time": 1, "late": 1}
JUNE_B = {**ZERO, "direct_postal": 2, "on_time": 1, "overdue": 1}
JUNE_C = {**ZERO, "direct_postal": 1, "within_time": 1, "refused": 1}
JUNE_TOTAL = {**ZERO, "direct_postal": 5, "carried_over": 1, "early": 1, "on_time": 2, "late": 1}
JUNE_TOTAL.update(within_time=1, overdue=1, refused=1)


@pytest.mark.parametrize("source", ["rollup", "base"])
def test_june_shows_the_old_units_and_sums_them_as_of_july(merged: Province, source: str) -> None:
    assert Dossier.objects.get(pk=merged.dossiers["B2"].pk).unit.code == "H32.210"  # moved, yet June shows it at B
    june = resolution_report(date(2026, 6, 1), date(2026, 6, 30), "unit", source=source)
    assert by_key(june) == {"H32.201": JUNE_A, "H32.202": JUNE_B, "H32.203": JUNE_C}
    assert cells(june["total"]) == JUNE_TOTAL

    today = resolution_report(date(2026, 6, 1), date(2026, 6, 30), "unit", source=source, as_of=date(2026, 7, 1))
    assert by_key(today) == {"H32.210": JUNE_TOTAL}
    assert today["rows"][0]["name"] == "Xã Nam Cam Ranh" and today["as_of"] == "2026-07-01"
    assert today["total"] == june["total"]

    # Before the merger took effect, grouping "as of" changes nothing.
    before = resolution_report(date(2026, 6, 1), date(2026, 6, 30), "unit", source=source, as_of=date(2026, 6, 30))
    assert by_key(before) == by_key(june)

    july = resolution_report(date(2026, 7, 1), date(2026, 7, 31), "unit", source=source)
    assert by_key(july) == {"H32.210": {**ZERO, "direct_postal": 1, "carried_over": 2, "early": 1, "overdue": 2}}


def test_rollups_survive_a_rebuild_and_the_cli_says_the_same(merged: Province, capsys: Any) -> None:
    rebuild()
    assert by_key(resolution_report(date(2026, 6, 1), date(2026, 6, 30), "unit")) == {
        "H32.201": JUNE_A, "H32.202": JUNE_B, "H32.203": JUNE_C,
    }  # fmt: skip
    capsys.readouterr()
    assert main(["report", "resolution", "--from", "2026-06-01", "--to", "2026-06-30", "--as-of", "2026-07-01"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in doc["rows"]] == ["H32.210"] and cells(doc["total"]) == JUNE_TOTAL

    # The 766 index of today's unit over June counts its predecessors with --as-of.
    args = ["index", "766", "--from", "2026-06-01", "--to", "2026-06-30", "--unit", "H32.210"]
    assert main([*args, "--as-of", "2026-07-01"]) == 0
    index = json.loads(capsys.readouterr().out)
    c21 = next(c for g in index["groups"] for c in g["criteria"] if c["id"] == "2.1")
    assert (c21["numerator"], c21["denominator"]) == (4, 6)  # early 1 + on time 2 + within 1, of 5 new + 1 carried
    assert index["as_of"] == "2026-07-01"
    assert main(args[:-2]) == 0  # the whole province: the same figures, with or without the merger
    c21 = next(c for g in json.loads(capsys.readouterr().out)["groups"] for c in g["criteria"] if c["id"] == "2.1")
    assert (c21["numerator"], c21["denominator"]) == (4, 6)

    assert main(["report", "resolution", "--from", "2026-06-01", "--to", "2026-06-30", "--as-of", "1.7.2026"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_the_dashboard_groups_by_the_units_as_of_a_date(merged: Province, client: Any) -> None:
    client.force_login(merged.people["admin"])
    r = client.get("/analytics/", {"from": "2026-06-01", "to": "2026-06-30"})
    assert r.status_code == 200 and b"H32.201" in r.content and b"H32.210" not in r.content
    r = client.get("/analytics/", {"from": "2026-06-01", "to": "2026-06-30", "as_of": "2026-07-01"})
    assert r.status_code == 200 and b"H32.210" in r.content and b"H32.201" not in r.content
    assert client.get("/analytics/", {"as_of": "bad"}).status_code == 400


def test_every_period_before_the_merger_reads_the_same_after_it(province: Province, clock: Any) -> None:
    p = province
    p.dossiers = history(p)
    starts = [date(2026, 5, 20), date(2026, 6, 1), date(2026, 6, 10), date(2026, 6, 23)]
    ends = [date(2026, 6, 2), date(2026, 6, 15), date(2026, 6, 22), date(2026, 6, 25), date(2026, 6, 30)]
    periods = [(a, b) for a in starts for b in ends if a <= b]
    before = {
        (a, b, src): resolution_report(a, b, "unit", source=src) for a, b in periods for src in ("rollup", "base")
    }
    decision = create_decision(
        kind="merge", number="1667", signed_on=date(2026, 6, 16), effective_on=date(2026, 7, 1),
        unit_codes=[p.a.code, p.b.code, p.c.code], new_code="H32.210", new_name="Xã Nam Cam Ranh",
    )  # fmt: skip
    engine.schedule(decision)
    for (a, b, src), doc in before.items():
        assert resolution_report(a, b, "unit", source=src) == doc, (a, b, src)
        grouped = resolution_report(a, b, "unit", source=src, as_of=date(2026, 7, 1))
        assert [r["key"] for r in grouped["rows"]] in ([], ["H32.210"])
        assert grouped["total"] == doc["total"], (a, b, src)
