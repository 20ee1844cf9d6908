"""The province's oversight feeds the PAR score: overdue remediation (inspections) and late tasks (assignments)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import time_machine
import yaml

from motcua.dossiers.tests.factories import at
from motcua.inspections import commands as inspections
from motcua.inspections.tests.conftest import world
from motcua.inspections.tests.test_commands import concluded_item
from motcua.reform import metrics, scoring

__all__ = ["world"]
DATA = Path(__file__).resolve().parents[1] / "data"


def criterion(code: str) -> dict[str, Any]:
    def walk(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node in nodes:
            if node["code"] == code:
                return node
            if found := walk(node.get("children", [])):
                return found
        return None

    found = walk(yaml.safe_load((DATA / "cchc-xa-2025.yaml").read_text(encoding="utf-8"))["criteria"])
    assert found is not None
    return found


def test_overdue_remediation_scores_criterion_1_4(world: dict[str, Any]) -> None:
    on_time, overdue = concluded_item(world, days=5), concluded_item(world, days=5)  # both due 09/03/2026
    inspections.execute("report_progress", world["ward_admin"], on_time, {"text": "Đã cập nhật"}, now=at(2026, 3, 4))
    inspections.execute("close", world["inspector"], on_time, {}, now=at(2026, 3, 5, 9))
    assert overdue.pk
    rule, maximum = criterion("1.4")["rule"], Decimal(criterion("1.4")["max"])
    with time_machine.travel(at(2026, 3, 6, 9), tick=False):  # nothing due yet: full points
        fig = metrics.REGISTRY["overdue_remediation"].figure("H32.101", 2026)
        assert (fig["numerator"], fig["denominator"]) == (0, 2)
        assert scoring.rule_points(maximum, fig["share"], rule) == maximum
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):  # one of two overdue: 50% > 20%, no points
        fig = metrics.REGISTRY["overdue_remediation"].figure("H32.101", 2026)
        assert (fig["numerator"], fig["denominator"], fig["share"]) == (1, 2, 0.5)
        assert scoring.rule_points(maximum, fig["share"], rule) == Decimal("0.00")
        assert fig["link"] == "/backoffice/kiem-tra/qua-han/?year=2026"
    assert metrics.REGISTRY["overdue_remediation"].figure("H32.27", 2026)["share"] is None  # none: self points


def test_late_tasks_reach_criterion_1_6_through_the_registry(monkeypatch: Any) -> None:
    from motcua.assignments import metrics as tasks

    monkeypatch.setattr(
        tasks, "tasks_late", lambda unit, year: (1, 20) if (unit, year) == ("H32.101", 2026) else (0, 0)
    )
    fig = metrics.REGISTRY["tasks_late"].figure("H32.101", 2026)
    assert (fig["numerator"], fig["denominator"], fig["share"]) == (1, 20, 0.05)
    assert fig["link"] == "/backoffice/nhiem-vu/?unit=H32.101&year=2026"
    rule, maximum = criterion("1.6")["rule"], Decimal(criterion("1.6")["max"])
    assert scoring.rule_points(maximum, fig["share"], rule) == Decimal("0.50")  # up to 10% late: half
