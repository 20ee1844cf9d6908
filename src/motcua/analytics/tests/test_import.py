"""`motcua dossiers import` (contracts §4): validation with line numbers, atomicity, --partial, --dry-run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from motcua.analytics.report import resolution_report
from motcua.cli import main
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash


def line(code: str, **over: Any) -> str:
    doc: dict[str, Any] = {
        "code": code,
        "procedure": "1.001193",
        "unit": "H32.27",
        "channel": "online",
        "received_at": "2025-01-06T08:15:00+07:00",
        "due_at": "2025-01-07T17:00:00+07:00",
        "status": "returned",
        "finished_at": "2025-01-07T10:00:00+07:00",
        "returned_at": "2025-01-07T14:00:00+07:00",
        "fee_amount": 0,
        "paid_online": False,
        "digitized": True,
        "reused": False,
        "e_result": True,
    }
    for k, v in over.items():
        if v is None:
            doc.pop(k, None)
        else:
            doc[k] = v
    return json.dumps(doc, ensure_ascii=False)


def write(tmp_path: Path, lines: list[str]) -> str:
    p = tmp_path / "history.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(p)


BAD = [
    line("OK-1"),
    line("BAD-PROC", procedure="9.999999"),
    line("BAD-UNIT", unit="H99"),
    line("BAD-TIME", received_at="2025-01-06 08:15"),
    line("NO-OFFSET", received_at="2025-01-06T08:15:00"),
    line("BAD-CHANNEL", channel="fax"),
    line("BAD-STATUS", status="done"),
    line("NO-FINISH", finished_at=None),
    line("STRAY-FINISH", status="processing"),
    line("BEFORE", finished_at="2025-01-05T10:00:00+07:00"),
    line("OK-1"),
    "{not json",
    line("OK-2", status="processing", finished_at=None, returned_at=None),
]


def test_broken_file_rejected_with_line_numbers(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from motcua.dossiers.models import Dossier, DossierEvent

    path = write(tmp_path, BAD)
    assert main(["dossiers", "import", path]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 2:" in err and "(11 errors)" in err
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert main(["dossiers", "import", path, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [e["line"] for e in doc["errors"]] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    messages = {e["line"]: e["error"] for e in doc["errors"]}
    assert "unknown procedure" in messages[2] and "unknown unit" in messages[3]
    assert "UTC offset" in messages[5] and "channel" in messages[6] and "status" in messages[7]
    assert "required" in messages[8] and "absent" in messages[9] and "before received_at" in messages[10]
    assert "duplicate" in messages[11] and "malformed JSON" in messages[12]
    assert doc["imported"] == 0 and Dossier.objects.count() == 0


def test_partial_imports_valid_lines(world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.dossiers.models import Dossier, DossierEvent

    path = write(tmp_path, BAD)
    assert main(["dossiers", "import", path, "--partial", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["imported"] == 2 and doc["rejected"] == 11
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["OK-1", "OK-2"]
    assert DossierEvent.objects.count() == 2
    # a second run finds the codes already in the database
    assert main(["dossiers", "import", path, "--partial", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["imported"] == 0
    assert "already in the database" in {e["line"]: e["error"] for e in doc["errors"]}[1]


def test_import_creates_real_dossiers_and_rollups(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from motcua.dossiers.models import Dossier, DossierEvent

    lines = [line("H32.27-250106-0001"), line("H32.27-250106-0002", channel="direct", due_at=None)]
    path = write(tmp_path, lines)
    assert main(["dossiers", "import", path, "--dry-run"]) == 0
    assert Dossier.objects.count() == 0
    assert main(["dossiers", "import", path]) == 0
    capsys.readouterr()
    d = Dossier.objects.get(code="H32.27-250106-0001")
    assert d.imported and d.status == "returned" and d.regime == "nd61"
    ev = DossierEvent.objects.get(dossier=d)
    assert ev.seq == 1 and ev.type == "imported" and ev.prev_hash == GENESIS
    assert ev.payload == json.loads(lines[0])
    data = canonical_bytes(
        dossier_code=d.code, seq=1, type="imported", actor_id=None, at=ev.at, payload=ev.payload, actor_label="import"
    )
    assert ev.hash == event_hash(GENESIS, data)
    # due_at omitted: 3 working days after Monday 06/01/2025 -> Thursday 09/01/2025, end of office hours
    d2 = Dossier.objects.get(code="H32.27-250106-0002")
    assert d2.due_at is not None and d2.due_at.date() == date(2025, 1, 9)
    doc = resolution_report(date(2025, 1, 1), date(2025, 1, 31))
    assert doc == resolution_report(date(2025, 1, 1), date(2025, 1, 31), source="base")
    assert doc["total"]["received"] == {"total": 2, "online": 1, "direct_postal": 1, "carried_over": 0}
    assert (doc["total"]["resolved"]["on_time"], doc["total"]["resolved"]["early"]) == (1, 1)


def test_import_cli_bad_path(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dossiers", "import", "/nonexistent.jsonl"]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.postgres
def test_copy_path_on_postgres(world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.dossiers.models import Dossier, DossierEvent

    # A backslash and a tab in the applicant's name: COPY's text format must escape them.
    applicant = {"name": "Nguyễn Văn \\ A\t", "id_number": "", "phone": "", "email": ""}
    lines = [line(f"PG-{i}", applicant=applicant) for i in range(50)]
    path = write(tmp_path, lines)
    assert main(["dossiers", "import", path]) == 0
    assert Dossier.objects.count() == 50
    ev = DossierEvent.objects.get(dossier__code="PG-7")
    assert ev.payload["applicant"] == applicant
    data = canonical_bytes(
        dossier_code="PG-7", seq=1, type="imported", actor_id=None, at=ev.at, payload=ev.payload, actor_label="import"
    )
    assert ev.hash == event_hash(GENESIS, data)
