"""Acceptance 1: import a set, run a full round for three communes, check indices, bands and KL 91 caps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from motcua.analytics.tests.conftest import t
from motcua.reform import commands
from motcua.reform.commands import ReformError, execute
from motcua.reform.importer import import_set
from motcua.reform.models import Assessment, ReformEvent
from motcua.reform.tests.conftest import finished_dossiers

HERE = Path(__file__).resolve().parent


def _self(a: Assessment, actor: Any, **points: str) -> Assessment:
    scores = {code.replace("_", "."): {"points": p, "comment": "Có kế hoạch"} for code, p in points.items()}
    return execute("self_score", actor, a, {"scores": scores})


@pytest.fixture
def round_2025(province: dict[str, Any], staff: dict[str, Any]) -> dict[str, Any]:
    proc = province["proc"]
    finished_dossiers(province["H32.101"], proc, 50, late=0)
    finished_dossiers(province["H32.102"], proc, 50, late=3)  # 6% late
    cs = import_set("acceptance.yaml", (HERE / "acceptance.yaml").read_bytes()).criteria_set
    with time_machine.travel(t("2026-01-05"), tick=False):
        rnd = commands.open_round(staff["reform"], cs)
    return {"round": rnd, "a": {a.unit.code: a for a in rnd.assessments.select_related("unit")}}


def test_full_round_three_units(round_2025: dict[str, Any], staff: dict[str, Any]) -> None:
    rnd, a = round_2025["round"], round_2025["a"]
    assert set(a) == {"H32.101", "H32.102", "H32.103"}  # the communes only
    reform, appraiser = staff["reform"], staff["appraiser"]
    with time_machine.travel(t("2026-01-10"), tick=False):
        _self(a["H32.101"], staff["admin101"], **{"1_1": "30", "1_2": "20", "2_2": "10"})
        _self(a["H32.102"], staff["admin102"], **{"1_1": "30", "1_2": "20", "2_2": "10"})
        _self(a["H32.103"], staff["admin103"], **{"1_1": "20", "1_2": "10", "2_1": "15", "2_2": "5"})
        for code, user in (("H32.101", "admin101"), ("H32.102", "admin102"), ("H32.103", "admin103")):
            data = {"criterion": "1.1", "filename": "kh.pdf", "content": b"%PDF-1.4 " + code.encode()}
            execute("upload_evidence", staff[user], a[code], data)
        for code, user in (("H32.101", "admin101"), ("H32.102", "admin102"), ("H32.103", "admin103")):
            a[code] = execute("submit", staff[user], a[code])
        for code, value in (("H32.101", "95"), ("H32.102", "96"), ("H32.103", "70")):
            a[code] = execute("survey", reform, a[code], {"criterion": "3.1", "value": value})
    with time_machine.travel(t("2026-02-01"), tick=False):
        commands.advance_round("start_appraisal", reform, rnd)
        a["H32.101"] = execute(
            "adjust", appraiser, a["H32.101"], {"criterion": "1.2", "points": "18", "reason": "Báo cáo quý IV nộp muộn"}
        )
        a["H32.103"] = execute(
            "adjust", appraiser, a["H32.103"], {"criterion": "1.1", "points": "15", "reason": "Kế hoạch thiếu nội dung"}
        )
        for code in a:
            a[code] = execute("finalise", appraiser, a[code])
        commands.advance_round("publish", reform, rnd)

    r1, r2, r3 = (a[c].result for c in ("H32.101", "H32.102", "H32.103"))
    # H32.101: 30 + 18 + 20 (50/50 on time ≥ 98%) + 10 + 19 (95% × 20) = 97 → Tốt
    assert (r1["points"], r1["index"], r1["band"], r1["capped"]) == ("97.00", 97.0, "tot", False)
    assert r1["self_points"] == "99.00"
    assert [f["index"] for f in r1["fields"]] == [96.0, 100.0, 95.0]
    # H32.102: 30 + 20 + 19.18 (20 × 0.94 / 0.98) + 10 + 19.20 = 98.38 → enough for Tốt, 6% late → Khá
    assert (r2["points"], r2["index"], r2["points_band"], r2["band"]) == ("98.38", 98.38, "tot", "kha")
    assert r2["late_share"] == 0.06 and r2["capped"]
    assert "6,00%" in r2["cap_note"] and "91-KL/TU" in r2["cap_note"]
    # H32.103: no dossiers → its own 15 points stand for 2.1; 15 + 10 + 15 + 5 + 14 (70%) = 59 → Yếu
    assert (r3["points"], r3["index"], r3["band"]) == ("59.00", 59.0, "yeu")
    assert any("xem xét trách nhiệm" in c for c in r3["consequences"])
    assert all(x.status == "final" for x in rnd.assessments.all())
    types = list(ReformEvent.objects.filter(assessment=a["H32.101"]).values_list("type", flat=True))
    assert types == [
        "self_scored",
        "evidence_uploaded",
        "submitted",
        "survey_entered",
        "adjusted",
        "finalised",
    ]


def test_refusals(round_2025: dict[str, Any], staff: dict[str, Any]) -> None:
    a = round_2025["a"]
    with pytest.raises(PermissionDenied):  # another unit's admin
        _self(a["H32.102"], staff["admin101"], **{"1_1": "1"})
    with pytest.raises(PermissionDenied):  # a clerk has no reform action
        _self(a["H32.101"], staff["clerk"], **{"1_1": "1"})
    with pytest.raises(ReformError) as exc:  # above the maximum
        _self(a["H32.101"], staff["admin101"], **{"1_1": "31"})
    assert "points-1.1" in exc.value.fields
    with pytest.raises(ReformError, match="Chưa tự chấm"):
        execute("submit", staff["admin101"], a["H32.101"])
    with pytest.raises(ReformError, match="trạng thái"):  # not submitted yet
        execute("adjust", staff["appraiser"], a["H32.101"], {"criterion": "1.1", "points": "1", "reason": "x"})
    _self(a["H32.101"], staff["admin101"], **{"1_1": "30", "1_2": "20", "2_2": "10"})
    with pytest.raises(ReformError, match=r"Chưa có tài liệu kiểm chứng cho các tiêu chí: 1\.1\."):
        execute("submit", staff["admin101"], a["H32.101"])
    pdf = {"criterion": "1.1", "filename": "kh.pdf", "content": b"%PDF-1.4 x"}
    execute("upload_evidence", staff["admin101"], a["H32.101"], pdf)
    execute("upload_evidence", staff["admin101"], a["H32.101"], pdf)  # a retried upload: kept once
    a1 = execute("submit", staff["admin101"], a["H32.101"])
    assert a1.scores.get(criterion__code="1.1").evidence.count() == 1
    with pytest.raises(ReformError, match="lý do"):
        execute("adjust", staff["appraiser"], a1, {"criterion": "1.1", "points": "20", "reason": "  "})
    with pytest.raises(ReformError, match="trạng thái"):  # the round is still open: no finalising
        execute("finalise", staff["appraiser"], a1)
    with pytest.raises(ReformError, match="chưa chốt"):
        commands.advance_round("start_appraisal", staff["reform"], round_2025["round"])
        commands.advance_round("publish", staff["reform"], round_2025["round"])
    a1 = Assessment.objects.select_related("round", "unit").get(pk=a1.pk)  # the round moved on
    assert set(commands.offered(staff["admin101"], a1)) == {"refresh"}
    assert set(commands.offered(staff["appraiser"], a1)) == {"refresh", "return", "adjust", "finalise"}
    assert Decimal(a1.result["points"]) == Decimal("80.00")  # 60 + 20 (on time); survey not yet entered
