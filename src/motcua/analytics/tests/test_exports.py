"""XLSX, CSV and PDF exports read back show the same numbers as the JSON."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from motcua.analytics.report import flatten, resolution_report
from motcua.analytics.tests.test_report import dataset  # noqa: F401  (fixture)
from motcua.cli import main

F, T = date(2025, 1, 10), date(2025, 1, 20)


def test_xlsx_matches_json(dataset: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert (
        main(["report", "resolution", "--from", str(F), "--to", str(T), "--format", "xlsx", "--output", str(out)]) == 0
    )
    doc = resolution_report(F, T)
    ws = load_workbook(out).active
    assert ws["D4"].value == "Tổng số hồ sơ tiếp nhận" and ws["H4"].value == "Số hồ sơ đã giải quyết"
    assert "D4:G4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D4"].font.bold
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=5 + len(doc["rows"]) + 1)]
    for got, expected in zip(rows, [*doc["rows"], doc["total"]], strict=True):
        assert got[3:] == flatten(expected)
    assert rows[-1][2] == "Tổng cộng"


def test_csv_matches_json(dataset: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "r.csv"
    assert (
        main(
            [
                "report",
                "resolution",
                "--from",
                str(F),
                "--to",
                str(T),
                "--format",
                "csv",
                "--output",
                str(out),
                "--by",
                "field",
            ]
        )
        == 0
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    doc = resolution_report(F, T, "field")
    assert rows[0][2] == "Lĩnh vực"
    assert [float(x) for x in rows[-1][3:]] == [float(x) for x in flatten(doc["total"])]


def test_pdf_matches_json(dataset: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    from pypdf import PdfReader

    out = tmp_path / "r.pdf"
    assert (
        main(["report", "resolution", "--from", str(F), "--to", str(T), "--format", "pdf", "--output", str(out)]) == 0
    )
    reader = PdfReader(str(out))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = page.extract_text()
    assert "Sở Tư pháp" in text and "Tổng số hồ sơ tiếp nhận" in text and "Phường Nha Trang" in text
    doc = resolution_report(F, T)
    total_line = next(ln for ln in text.splitlines() if "Tổng cộng" in ln)
    numbers = re.findall(r"\d+(?:[.,]\d+)?%?", total_line.split("Tổng cộng", 1)[1])
    expected = [str(v) for v in flatten(doc["total"])[:13]]
    expected += [f"{v * 100:.2f}%" for v in flatten(doc["total"])[13:]]
    assert numbers == expected


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_binary_needs_output(dataset: dict[str, Any], fmt: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert main(["report", "resolution", "--from", str(F), "--to", str(T), "--format", fmt]) == 2
    assert "--output" in capsys.readouterr().err
