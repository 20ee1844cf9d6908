"""Demo data: the sample catalogue of tỉnh Khánh Hòa, through the same import as `motcua catalog import`."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

SAMPLE = Path(__file__).resolve().parent.parent / "demo" / "sample-catalog.yaml"


def load(stdout: TextIO) -> None:
    from motcua.catalog.importer import import_file

    summary = import_file(SAMPLE)
    print(f"motcua: sample catalogue: {summary.one_line()}", file=stdout)
