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
            dossier_code=row.values["code"], seq=1, type="imported", actor_id=None, at=writer.now, payload=row.source
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
