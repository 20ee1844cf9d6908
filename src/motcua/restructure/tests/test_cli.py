"""`motcua units restructure ...` and `motcua units history`: the plan, scheduling, cancelling, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.cli import main
from motcua.dossiers.models import Dossier
from motcua.restructure.models import Decision, DecisionStatus
from motcua.restructure.tests.conftest import Province, open_dossiers

pytestmark = pytest.mark.django_db

CREATE = [
    "units", "restructure", "create", "--kind", "merge", "--number", "5/NQ-HĐND", "--signed-on", "2026-11-20",
    "--unit", "H32.201", "--unit", "H32.202", "--into", "H32.203",
]  # fmt: skip


def test_create_preview_schedule_cancel_apply(province: Province, clock: Any, capsys: Any) -> None:
    d = open_dossiers(province)
    assert main([*CREATE, "--effective-on", "2026-12-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "draft" and doc["plan"]["ended_units"] == ["H32.201", "H32.202"]
    moving = sorted(x.code for k, x in d.items() if x.unit.code in ("H32.201", "H32.202"))
    assert [x["code"] for x in doc["plan"]["dossiers"]] == moving

    assert main(["units", "restructure", "preview", "5/NQ-HĐND"]) == 0
    text = capsys.readouterr().out
    assert "ends H32.201" in text and "link H32.202 -> H32.203 (primary)" in text

    assert main(["units", "restructure", "apply", "5/NQ-HĐND"]) == 0
    assert "scheduled" in capsys.readouterr().out
    assert main(["units", "restructure", "cancel", "5/NQ-HĐND"]) == 0
    assert Decision.objects.get().status == DecisionStatus.CANCELLED
    assert main(["units", "restructure", "apply", "5/NQ-HĐND"]) == 2
    assert "not a draft" in capsys.readouterr().err

    assert main([*CREATE[:6], "6/NQ-HĐND", *CREATE[7:], "--effective-on", "2026-11-25"]) == 0
    assert main(["units", "restructure", "apply", "6/NQ-HĐND"]) == 0  # the date has come: applied now
    assert "applied" in capsys.readouterr().out
    assert set(Dossier.objects.exclude(status="returned").values_list("unit__code", flat=True)) == {"H32.203"}
    assert main(["units", "restructure", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["status"]) for r in rows] == [("6/NQ-HĐND", "applied"), ("5/NQ-HĐND", "cancelled")]
    assert main(["units", "history", "H32.203", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["predecessors"] == ["H32.201", "H32.202"]
    assert main(["units", "restructure", "run-due"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*CREATE, "--effective-on", "1/12/2026"], "--effective-on: not a date"),
        ([*CREATE, "--effective-on", "2026-11-01"], "is after --effective-on"),
        ([*CREATE[:4], "fuse", *CREATE[5:], "--effective-on", "2026-12-01"], "--kind must be one of"),
        ([*CREATE[:-1], "NOPE", "--effective-on", "2026-12-01"], "unknown unit code 'NOPE'"),
        (["units", "restructure", "preview", "NOPE"], "no decision numbered"),
        (["units", "restructure", "cancel", "NOPE"], "no decision numbered"),
        (["units", "history", "NOPE"], "unknown unit code"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(province: Province, capsys: Any, args: list[str], message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
