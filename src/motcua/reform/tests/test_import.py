"""Criteria-set import: the shipped samples, XLSX, all-or-nothing with located errors, the CLI."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from motcua.cli import main
from motcua.reform.importer import ImportFailed, import_set
from motcua.reform.models import CriteriaSet, Criterion, ReformEvent
from motcua.reform.tests.conftest import DATA


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_shipped_sets_import(db: Any, name: str) -> None:
    result = import_set(name, (DATA / name).read_bytes())
    cs = result.criteria_set
    assert cs is not None and result.total == 100
    fields = Criterion.objects.filter(criteria_set=cs, parent__isnull=True)
    assert sum(f.max_points for f in fields) == 100
    assert fields.get(code="8").children.get(code="8.1").method == "survey"
    assert Criterion.objects.get(criteria_set=cs, code="3.2.1").metric == "on_time_rate"
    assert ReformEvent.objects.filter(criteria_set=cs, type="set_imported").count() == 1


def _xlsx(rows: list[list[Any]], header: list[list[Any]] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "set"
    for r in header or [["code", "X-2026"], ["name", "Bộ thử"], ["year", 2026], ["group", "departments"]]:
        ws.append(r)
    crit = wb.create_sheet("criteria")
    crit.append(["code", "name", "max", "method", "metric", "rule", "guidance"])
    for r in rows:
        crit.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_import_and_errors(db: Any) -> None:
    good = _xlsx(
        [
            ["1", "Chỉ đạo điều hành", None, None],
            ["1.1", "Kế hoạch", 60, "manual"],
            ["1.2", "Hồ sơ đúng hạn", 40, "computed", "on_time_rate", '{"kind": "target", "target": 0.95}'],
        ]
    )
    assert import_set("set.xlsx", good, dry_run=True).criteria_set is None
    assert not CriteriaSet.objects.exists()
    cs = import_set("set.xlsx", good).criteria_set
    assert cs is not None and Criterion.objects.get(criteria_set=cs, code="1").max_points == 100
    bad = _xlsx(
        [
            ["1", "A", None, None],
            ["1.1", "B", "nhiều", "manual"],
            ["1.2", "C", 5, "computed", "nope", "{bad json"],
            ["2.1", "D", 5, "manual"],
        ],
        [["code", "Y"], ["name", "n"], ["year", 2026], ["group", "departments"]],
    )
    with pytest.raises(ImportFailed) as exc:
        import_set("bad.xlsx", bad)
    text = "\n".join(exc.value.errors)
    assert "sheet 'criteria' row 3: criterion 1.1: 'max' must be a number" in text
    assert "row 4: 'rule' is not valid JSON" in text and "unknown metric 'nope'" in text
    assert "row 5: criterion 2.1 comes before (or without) its parent 2" in text
    assert CriteriaSet.objects.count() == 1  # nothing of the bad file was written


def test_cli_import(db: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = DATA / "cchc-xa-2025.yaml"
    assert main(["reform", "import", str(path), "--dry-run"]) == 0
    assert "would import criteria set CCHC-XA-2025" in capsys.readouterr().out
    assert main(["reform", "import", str(path)]) == 0
    assert main(["reform", "import", str(path)]) == 1  # the same set twice
    assert "already exists" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed\n", encoding="utf-8")
    assert main(["reform", "import", str(broken)]) == 1
    assert "not valid YAML" in capsys.readouterr().err
