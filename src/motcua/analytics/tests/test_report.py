"""§5 and §6 on a hand-built dataset; expected numbers worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from motcua.analytics.index766 import index_766
from motcua.analytics.report import Scope, resolution_report, unit_and_descendants
from motcua.analytics.rollup import rebuild
from motcua.analytics.tests.conftest import make_dossier, t, update_dossier
from motcua.cli import main

F, T = date(2025, 1, 10), date(2025, 1, 20)


@pytest.fixture
def dataset(world: dict[str, Any]) -> dict[str, Any]:
    j, c, p1, p2 = world["justice"], world["commune"], world["p1"], world["p2"]
    fin = {"status": "finished"}
    # A: online, received on the first day, finished ON the due date -> on_time
    make_dossier(
        "A",
        j,
        p1,
        channel="online",
        received_at=t("2025-01-10", 8),
        due_at=t("2025-01-13", 17),
        finished_at=t("2025-01-13", 16),
        synced_national=True,
        e_result=True,
        digitized=True,
        **fin,
    )
    # B: direct, finished before the due date -> early; fee paid online
    make_dossier(
        "B",
        j,
        p2,
        received_at=t("2025-01-12"),
        due_at=t("2025-01-15", 17),
        finished_at=t("2025-01-14"),
        fee_amount=10000,
        paid_online=True,
        synced_national=True,
        digitized=True,
        **fin,
    )
    # C: postal, returned after the due date -> late; fee not paid online
    make_dossier(
        "C",
        j,
        p2,
        channel="postal",
        received_at=t("2025-01-15"),
        due_at=t("2025-01-16", 17),
        finished_at=t("2025-01-18"),
        returned_at=t("2025-01-18", 15),
        status="returned",
        fee_amount=10000,
        synced_national=True,
        digitized=True,
    )
    # D: in progress, due after the period end -> within_time
    make_dossier("D", j, p1, received_at=t("2025-01-18"), due_at=t("2025-01-25", 17), digitized=True)
    # E: online, in progress, due inside the period -> overdue; negative feedback
    make_dossier(
        "E",
        j,
        p1,
        channel="online",
        received_at=t("2025-01-11"),
        due_at=t("2025-01-14", 17),
        digitized=True,
        negative_feedback=True,
    )
    # F: received long ago, still in progress -> carried_over, overdue
    make_dossier("F", c, p1, received_at=t("2024-06-01"), due_at=t("2024-06-05", 17))
    # G: received before the period, finished on the first day -> carried_over, late
    make_dossier(
        "G", c, p1, received_at=t("2025-01-05"), due_at=t("2025-01-08", 17), finished_at=t("2025-01-10"), **fin
    )
    # H: received and finished before the period -> not counted at all
    make_dossier(
        "H", c, p1, received_at=t("2025-01-05"), due_at=t("2025-01-08", 17), finished_at=t("2025-01-09"), **fin
    )
    # I: online, finished after the period end, due after the end -> in progress within_time
    make_dossier(
        "I",
        j,
        p1,
        channel="online",
        received_at=t("2025-01-19"),
        due_at=t("2025-01-22", 17),
        finished_at=t("2025-01-22"),
        digitized=True,
        **fin,
    )
    # J: finished after the period end but due inside it -> in progress overdue
    make_dossier(
        "J",
        j,
        p2,
        received_at=t("2025-01-16"),
        due_at=t("2025-01-17", 17),
        finished_at=t("2025-01-21"),
        digitized=True,
        **fin,
    )
    # K: withdrawn inside the period
    make_dossier(
        "K", j, p1, received_at=t("2025-01-13"), finished_at=t("2025-01-14"), status="withdrawn", digitized=True
    )
    # L: refused -> only in `refused`
    make_dossier(
        "L", j, p1, channel="online", received_at=t("2025-01-14"), finished_at=t("2025-01-14"), status="refused"
    )
    # M: 00:30 local on the day after the period (17:30 UTC on the last day) -> not counted
    make_dossier("M", j, p1, received_at=t("2025-01-21", 0, 30))
    # N: 23:30 local on the last day, due that day -> new, within_time (u = to)
    make_dossier("N", j, p1, received_at=t("2025-01-20", 23, 30), due_at=t("2025-01-20", 23, 45), digitized=True)
    # O: carried over, stopped inside the period
    make_dossier(
        "O",
        c,
        p1,
        received_at=t("2025-01-01"),
        due_at=t("2025-01-03", 17),
        finished_at=t("2025-01-15"),
        status="stopped",
    )
    return world


EXPECTED_TOTAL = {
    "received": {"total": 12, "online": 3, "direct_postal": 6, "carried_over": 3},
    "resolved": {"total": 4, "early": 1, "on_time": 1, "late": 2},
    "withdrawn_or_stopped": 2,
    "in_progress": {"total": 6, "within_time": 3, "overdue": 3},
    "refused": 1,
    "on_time_rate": round(7 / 12, 4),
    "late_rate": round(5 / 12, 4),
}


@pytest.mark.parametrize("source", ["rollup", "base"])
def test_resolution_total_by_hand(dataset: dict[str, Any], source: str) -> None:
    doc = resolution_report(F, T, "unit", source=source)
    assert doc["total"] == EXPECTED_TOTAL
    rows = {r["key"]: r for r in doc["rows"]}
    assert set(rows) == {"H32.27", "H32.101"}
    assert rows["H32.101"]["name"] == "Phường Nha Trang"
    assert rows["H32.101"]["received"] == {"total": 3, "online": 0, "direct_postal": 0, "carried_over": 3}
    assert rows["H32.101"]["resolved"] == {"total": 1, "early": 0, "on_time": 0, "late": 1}
    assert rows["H32.101"]["withdrawn_or_stopped"] == 1
    assert rows["H32.101"]["in_progress"] == {"total": 1, "within_time": 0, "overdue": 1}
    assert rows["H32.27"]["received"]["total"] == 9
    assert rows["H32.27"]["refused"] == 1


@pytest.mark.parametrize("source", ["rollup", "base"])
def test_grouping_by_field_procedure_level(dataset: dict[str, Any], source: str) -> None:
    by_field = {r["key"]: r for r in resolution_report(F, T, "field", source=source)["rows"]}
    # P2 (CT): B early, C late, J overdue
    assert by_field["CT"]["name"] == "Chứng thực"
    assert by_field["CT"]["received"]["total"] == 3
    assert by_field["CT"]["resolved"] == {"total": 2, "early": 1, "on_time": 0, "late": 1}
    by_proc = {r["key"]: r for r in resolution_report(F, T, "procedure", source=source)["rows"]}
    assert by_proc["1.001193"]["received"]["total"] == 9
    by_level = {r["key"]: r for r in resolution_report(F, T, "level", source=source)["rows"]}
    assert by_level["commune"]["received"]["total"] == 3
    assert by_level["province"]["name"] == "Cấp tỉnh"


def test_unit_scope_includes_descendants(dataset: dict[str, Any]) -> None:
    ids = unit_and_descendants("H32")
    doc = resolution_report(F, T, "unit", Scope(unit_ids=ids))
    assert doc["total"] == EXPECTED_TOTAL
    only = resolution_report(F, T, "unit", Scope(unit_ids=unit_and_descendants("H32.101")))
    assert only["total"]["received"]["total"] == 3


def test_single_day_period_and_empty_period(dataset: dict[str, Any]) -> None:
    # On 2025-01-10 alone: A new (online); F, G, O carried; G finished that day (late).
    doc = resolution_report(date(2025, 1, 10), date(2025, 1, 10), source="rollup")
    assert doc == resolution_report(date(2025, 1, 10), date(2025, 1, 10), source="base")
    assert doc["total"]["received"] == {"total": 4, "online": 1, "direct_postal": 0, "carried_over": 3}
    assert doc["total"]["resolved"]["late"] == 1
    # Nothing before the first dossier: zero denominators give zero rates.
    empty = resolution_report(date(2020, 1, 1), date(2020, 1, 31))
    assert empty["rows"] == []
    assert empty["total"]["on_time_rate"] == 0.0 and empty["total"]["late_rate"] == 0.0


def test_signal_updates_and_rebuild_agree(dataset: dict[str, Any]) -> None:
    from motcua.dossiers.models import Dossier

    d = Dossier.objects.get(code="D")
    update_dossier(d, status="finished", finished_at=t("2025-01-19"))
    doc = resolution_report(F, T)
    assert doc["total"]["resolved"]["early"] == 2
    assert doc == resolution_report(F, T, source="base")
    rebuild()
    assert resolution_report(F, T) == doc


def test_766_by_hand(dataset: dict[str, Any]) -> None:
    doc = index_766(F, T)
    crit = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    assert crit["1.1"]["share"] is None and crit["1.1"]["points"] == 0
    assert (crit["1.3"]["numerator"], crit["1.3"]["denominator"], crit["1.3"]["points"]) == (1, 2, 2.0)
    # new (not refused) = A B C D E I J K N = 9; synced A B C
    assert (crit["1.4"]["numerator"], crit["1.4"]["denominator"], crit["1.4"]["points"]) == (3, 9, 1.33)
    assert (crit["2.1"]["numerator"], crit["2.1"]["denominator"], crit["2.1"]["points"]) == (7, 12, 11.67)
    assert crit["3.1"]["points"] == 2.5  # 1/2 online, full at 80%: 4 × 0.5 / 0.8
    assert (crit["3.2"]["numerator"], crit["3.2"]["denominator"], crit["3.2"]["points"]) == (1, 1, 2.0)
    assert (crit["3.3"]["numerator"], crit["3.3"]["denominator"], crit["3.3"]["points"]) == (3, 9, 4.0)
    assert (crit["3.5"]["numerator"], crit["3.5"]["denominator"], crit["3.5"]["points"]) == (0, 1, 0.0)
    assert (crit["3.6"]["numerator"], crit["3.6"]["denominator"], crit["3.6"]["points"]) == (1, 2, 6.0)
    assert (crit["4.1"]["numerator"], crit["4.1"]["points"]) == (1, 0.83)
    assert (crit["4.2"]["numerator"], crit["4.2"]["points"]) == (9, 10.0)
    assert (crit["4.3"]["numerator"], crit["4.3"]["share"], crit["4.3"]["points"]) == (0, 0.0, 0.0)
    assert crit["5.1"]["share"] is None and crit["5.2"]["share"] is None
    # 5.3: 1 − (5/12 late + 1/9 complaints) = 0.4722; 6 × 0.4722 / 0.9 = 3.15
    assert crit["5.3"]["share"] == 0.4722 and crit["5.3"]["points"] == 3.15
    assert doc["total"] == 43.48
    assert index_766(F, T, source="base") == doc
    assert [g["max"] for g in doc["groups"]] == [18, 20, 12, 10, 22, 18]


def test_766_zero_denominators(world: dict[str, Any]) -> None:
    doc = index_766(F, T)
    crit = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    for cid in ("1.4", "2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "5.3"):
        assert crit[cid]["share"] is None and crit[cid]["points"] == 0, cid


def test_cli_resolution_json_and_errors(dataset: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "resolution", "--from", "2025-01-10", "--to", "2025-01-20"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == EXPECTED_TOTAL and doc["by"] == "unit"
    for argv, needle in [
        (["--from", "2025-13-01", "--to", "2025-01-20"], "not a date"),
        (["--from", "2025-01-21", "--to", "2025-01-20"], "after"),
        (["--from", "0001-01-01", "--to", "0001-01-01"], "between 1901-01-01 and 2199-12-31"),
        (["--from", "2025-01-01", "--to", "9999-12-31"], "between"),
        (["--from", "2025-01-10", "--to", "2025-01-20", "--unit", "NOPE"], "unknown unit"),
        (["--from", "2025-01-10", "--to", "2025-01-20", "--by", "x"], "--by"),
        (["--from", "2025-01-10", "--to", "2025-01-20", "--format", "doc"], "--format"),
        (["--from", "2025-01-10", "--to", "2025-01-20", "--format", "xlsx"], "--output"),
    ]:
        assert main(["report", "resolution", *argv]) == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1


def test_cli_index_and_drill(dataset: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    assert main(["index", "766", "--from", "2025-01-10", "--to", "2025-01-20", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 43.48
    scoring = tmp_path / "s.json"
    scoring.write_text(json.dumps({"2.1": {"max": 40}}))
    assert main(["index", "766", "--from", "2025-01-10", "--to", "2025-01-20", "--scoring", str(scoring)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == round(43.48 - 11.67 + 23.33, 2)  # 2.1 now 40 × 7/12
    assert main(["index", "766", "--from", "2025-01-10", "--to", "2025-01-20", "--drill", "2.1"]) == 0
    parts = {p["cell"]: p for p in json.loads(capsys.readouterr().out)["parts"]}
    assert sorted(d["code"] for d in parts["late"]["dossiers"]) == ["C", "G"]
    assert sorted(d["code"] for d in parts["overdue"]["dossiers"]) == ["E", "F", "J"]
    scoring.write_text(json.dumps({"9.9": {"max": 1}}))
    assert main(["index", "766", "--from", "2025-01-10", "--to", "2025-01-20", "--scoring", str(scoring)]) == 2


def test_kl91_and_indicators(dataset: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    from django.contrib.auth import get_user_model

    from motcua.dossiers.models import Dossier

    user = get_user_model().objects.create(username="cb1")
    Dossier.objects.filter(code__in=["A", "B", "C"]).update(handled_by=user)
    assert main(["report", "kl91", "--from", "2025-01-10", "--to", "2025-01-20"]) == 0
    doc = json.loads(capsys.readouterr().out)
    units = {u["unit"]: u for u in doc["units"]}
    assert units["H32.27"]["reasons"] == ["late"]  # late rate 3/9 ≥ 5%
    assert units["H32.27"]["satisfaction"] is None  # nobody rated (satisfaction comes from ratings)
    assert sorted(d["code"] for d in units["H32.27"]["dossiers"]) == ["C", "E", "J"]
    official = doc["officials"][0]
    assert (official["handled"], official["late"], official["flagged"]) == (3, 1, True)
    assert main(["report", "indicators", "--from", "2025-01-10", "--to", "2025-01-20"]) == 0
    ind = json.loads(capsys.readouterr().out)
    assert ind["total"]["online_share"] == {"numerator": 3, "denominator": 9, "rate": 0.3333}
    assert ind["total"]["online_payment_share"]["rate"] == 0.5
    assert ind["total"]["on_time_rate"] == {"numerator": 7, "denominator": 12, "rate": 0.5833}
    levels = {lv["level"]: lv for lv in ind["levels"]}
    assert levels["commune"]["on_time_rate"] == {"numerator": 1, "denominator": 3, "rate": 0.3333}  # O only
    assert ind["catalogue"]["procedures_full_online_share"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    out = tmp_path / "i.xlsx"
    args = ["report", "indicators", "--from", "2025-01-10", "--to", "2025-01-20", "--format", "xlsx"]
    assert main([*args, "--output", str(out)]) == 0
    from openpyxl import load_workbook

    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert ("Toàn tỉnh", "Tỷ lệ hồ sơ giải quyết đúng hạn", 7, 12, 0.5833) in rows


def test_766_publication_on_time_from_versions(world: dict[str, Any]) -> None:
    from motcua.catalog.models import ProcedureVersion

    # Effective Monday 20/01/2025; 5 working days before = Monday 13/01/2025.
    ProcedureVersion.objects.create(
        procedure=world["p1"], version=1, decision_date=date(2025, 1, 13), effective_date=date(2025, 1, 20)
    )  # on time (boundary)
    ProcedureVersion.objects.create(
        procedure=world["p2"], version=1, decision_date=date(2025, 1, 14), effective_date=date(2025, 1, 20)
    )  # late by one working day
    ProcedureVersion.objects.create(
        procedure=world["p2"], version=2, decision_date=date(2024, 1, 14), effective_date=date(2024, 3, 20)
    )  # outside the period: ignored
    crit = {c["id"]: c for g in index_766(F, T)["groups"] for c in g["criteria"]}
    assert (crit["1.1"]["numerator"], crit["1.1"]["denominator"], crit["1.1"]["points"]) == (1, 2, 3.0)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 1, 1), date(2025, 1, 31)),  # whole month: monthly rows only
        (date(2024, 12, 1), date(2025, 1, 15)),  # starts on the 1st, ends mid-month
        (date(2024, 6, 2), date(2025, 1, 31)),  # starts mid-month, ends at a month end
        (date(2024, 6, 1), date(2024, 6, 1)),  # one day, the first of a month
    ],
)
def test_month_boundaries_rollup_equals_base(dataset: dict[str, Any], start: date, end: date) -> None:
    for by in ("unit", "procedure"):
        assert resolution_report(start, end, by) == resolution_report(start, end, by, source="base")


def test_transfer_to_another_unit_moves_the_counts(dataset: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.analytics.models import DailyRollup
    from motcua.dossiers.models import Dossier

    update_dossier(Dossier.objects.get(code="D"), unit=dataset["commune"])
    rows = {r["key"]: r for r in resolution_report(F, T)["rows"]}
    assert rows["H32.101"]["received"]["total"] == 4 and rows["H32.27"]["received"]["total"] == 8
    assert resolution_report(F, T) == resolution_report(F, T, source="base")
    DailyRollup.objects.all().delete()  # damage the rollups, then repair them from the base table
    assert main(["analytics", "rebuild-rollups"]) == 0
    assert "rebuilt rollups" in capsys.readouterr().err
    assert resolution_report(F, T) == resolution_report(F, T, source="base")


def test_cli_in_a_fresh_process(tmp_path: Any) -> None:
    """The console script configures Django itself (no settings imported before setup)."""
    import os
    import subprocess
    import sys

    from motcua.analytics.cli import GROUPINGS
    from motcua.analytics.report import GROUPINGS as REPORT_GROUPINGS

    assert GROUPINGS == REPORT_GROUPINGS
    env = {**os.environ, "MOTCUA_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("MOTCUA_DATABASE_URL", None)  # a fresh SQLite database in tmp_path
    run = subprocess.run(
        [sys.executable, "-m", "motcua", "report", "resolution", "--from", "2025-01-01", "--to", "2025-01-31"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["total"]["received"]["total"] == 0
    bad = subprocess.run(
        [sys.executable, "-m", "motcua", "index", "766", "--from", "2025-02-01", "--to", "2025-01-31"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
