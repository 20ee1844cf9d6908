"""History import fast paths: canonical bytes equal to `chain.canonical_bytes`; codes already in the
database found after an optimistic write (same errors, nothing imported)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from motcua.analytics.tests.test_import import line, write
from motcua.cli import main
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash


def test_event_hash_equals_chain_canonical_bytes(world: dict[str, Any]) -> None:
    """The fast canonical form (orjson + exact fallback) hashes the bytes `chain.canonical_bytes` gives."""
    from motcua.analytics.importer import Validator, Writer

    validator, writer = Validator(None), Writer()
    extras: list[Any] = [
        {"note": 'Nguyễn \\ \t \n \u2028 "q"'},
        {"x": 1e-7, "y": 1.5e300, "z": 0.1, "w": 100000.0},
        {"big": 18446744073709551616, "neg": -9223372036854775809, "u64": 18446744073709551615},
        {"nested": [{"b": 1, "a": [True, None, 2.5]}], "empty": {}},
    ]
    for i, extra in enumerate(extras):
        row = validator.row(i + 1, line(f"CANON-{i}", **extra))
        prev, h = writer._event(row.values["code"], row.source, row.canonical)
        data = canonical_bytes(
            dossier_code=row.values["code"],
            seq=1,
            type="imported",
            actor_id=None,
            at=writer.now,
            payload=row.source,
            actor_label="import",
        )
        assert (prev, h) == (GENESIS, event_hash(GENESIS, data))
        assert row.source == json.loads(line(f"CANON-{i}", **extra))


def test_code_already_in_database_found_after_optimistic_write(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks are written before asking the database about their codes; a duplicate rolls them back
    and yields the same line-numbered errors, and nothing is imported."""
    from motcua.analytics import importer
    from motcua.analytics.models import DailyRollup
    from motcua.dossiers.models import Dossier, DossierEvent

    assert main(["dossiers", "import", write(tmp_path, [line("DUP-1"), line("DUP-5")])]) == 0
    capsys.readouterr()
    before = (Dossier.objects.count(), DossierEvent.objects.count(), DailyRollup.objects.count())
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [line(f"NEW-{i}") if i not in (1, 5) else line(f"DUP-{i}") for i in range(8)]
    path = write(tmp_path, lines)
    assert main(["dossiers", "import", path, "--json"]) == 1
    out = capsys.readouterr()
    assert out.out, out.err
    doc = json.loads(out.out)
    assert [(e["line"], "already in the database" in e["error"]) for e in doc["errors"]] == [(2, True), (6, True)]
    assert doc["imported"] == 0
    assert (Dossier.objects.count(), DossierEvent.objects.count(), DailyRollup.objects.count()) == before
    # the same file with --partial imports the six new lines
    assert main(["dossiers", "import", path, "--partial", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 6
    assert Dossier.objects.filter(code__startswith="NEW-").count() == 6


@pytest.mark.postgres
def test_bulk_mode_rebuilds_the_same_indexes(
    world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--bulk drops the secondary indexes during the import and recreates them identically before
    commit; an aborted bulk import leaves them untouched (transactional DDL)."""
    from datetime import date

    from motcua.analytics import importer
    from motcua.analytics.bulkload import index_names
    from motcua.analytics.report import resolution_report
    from motcua.dossiers.audit import verify
    from motcua.dossiers.models import Dossier

    tables = ["dossiers_dossier", "dossiers_dossierevent"]
    before = index_names(tables)
    monkeypatch.setattr(importer, "CHUNK", 3)
    good = [line(f"BULK-{i}", channel=["online", "direct"][i % 2]) for i in range(10)]
    result = importer.import_lines(good, bulk=True)
    assert result.ok and result.imported == 10
    assert index_names(tables) == before
    assert Dossier.objects.filter(code__startswith="BULK-").count() == 10
    assert verify().ok
    period = (date(2025, 1, 1), date(2025, 1, 31))
    assert resolution_report(*period) == resolution_report(*period, source="base")
    # an error after some chunks were written: nothing imported, indexes as before
    bad = [line(f"BULK2-{i}") for i in range(7)] + [line("BULK-3")]
    result = importer.import_lines(bad, bulk=True)
    assert [e["line"] for e in result.errors] == [8] and result.imported == 0
    assert index_names(tables) == before
    assert not Dossier.objects.filter(code__startswith="BULK2-").exists()


def test_count_lines(tmp_path: Path) -> None:
    from motcua.analytics.importer import count_lines

    for text, n in [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("a\n\nb\n", 3)]:
        p = tmp_path / "f.jsonl"
        p.write_text(text)
        assert count_lines(str(p)) == n


def test_duplicate_found_while_next_chunk_computes_due_dates(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL pipelines writes on a helper thread: computing a due date (a query) first settles
    the pending write; a duplicate found then gives the same errors as without the pipeline."""
    from motcua.analytics import importer
    from motcua.dossiers.models import Dossier

    assert importer.import_lines([line("PIPE-DUP")]).ok
    monkeypatch.setattr(importer, "CHUNK", 2)
    lines = [line("PIPE-0"), line("PIPE-DUP"), line("PIPE-2", due_at=None), line("PIPE-3", due_at=None)]
    lines += [line(f"PIPE-{i}") for i in range(4, 9)]
    result = importer.import_lines(lines)
    assert result.errors == [{"line": 2, "error": "duplicate code 'PIPE-DUP': already in the database"}]
    assert result.imported == 0 and not Dossier.objects.filter(code="PIPE-0").exists()
    result = importer.import_lines(lines, partial=True)
    assert [e["line"] for e in result.errors] == [2] and result.imported == 8
    assert Dossier.objects.get(code="PIPE-3").due_at is not None
