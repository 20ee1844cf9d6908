"""Signed checkpoints: the command, the periodic job, the exports, and checks against a given checkpoint."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.cli import main
from motcua.dossiers import jobs
from motcua.dossiers import services as s
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.trust import checkpoints

pytestmark = pytest.mark.django_db(transaction=True)


def receive(world: Any, n: int) -> Any:
    return s.receive_dossier(
        world.clerk,
        procedure=f.procedure(code=f"1.00{n}"),
        unit=world.commune,
        applicant=world.applicant,
        now=at(2026, 3, 2, 9, n),
    )


def test_merkle_root_is_order_free_of_the_database_and_changes_with_any_head() -> None:
    heads = [("B", 2, "b" * 64), ("A", 1, "a" * 64), ("C", 3, "c" * 64)]
    root = checkpoints.merkle_root([checkpoints.leaf(*h) for h in checkpoints._sorted(heads)])
    again = checkpoints.merkle_root([checkpoints.leaf(*h) for h in checkpoints._sorted(reversed(heads))])
    assert root == again
    changed = [("A", 1, "a" * 64), ("B", 3, "b" * 64), ("C", 3, "c" * 64)]
    assert checkpoints.merkle_root([checkpoints.leaf(*h) for h in changed]) != root


def test_checkpoint_command_export_and_a_given_checkpoint(world: Any, capsys: Any, tmp_path: Path) -> None:
    d = receive(world, 1)
    assert main(["audit", "checkpoint", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["n"] == 1 and first["dossiers"] == 1 and first["events"] == 1 and first["prev"] == "0" * 64
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    receive(world, 2)
    assert main(["audit", "checkpoint"]) == 0
    capsys.readouterr()
    # the database holds checkpoint 1 too: a chain that grew since then is not a problem
    assert main(["audit", "verify", "--checkpoint", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["checkpoint"] == 1
    assert main(["audit", "export", "--checkpoint", "2"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["n"] == 2 and exported["dossiers"] == 2 and "how_to_verify" in exported
    pdf = tmp_path / "checkpoint.pdf"
    assert main(["audit", "export", "--format", "pdf", "--output", str(pdf)]) == 0
    reader = PdfReader(pdf)
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "ĐIỂM KIỂM CHỨNG" in text and exported["root"][:20] in text.replace("\n", "")


def test_the_worker_tick_checkpoints_hourly_and_after_the_days_close(world: Any) -> None:
    receive(world, 1)
    t = at(2026, 3, 2, 15)
    assert jobs.tick(t)["checkpoint"] == 1
    assert jobs.tick(t + timedelta(minutes=30))["checkpoint"] is None
    assert jobs.tick(t + timedelta(minutes=61))["checkpoint"] == 2  # hourly
    assert jobs.tick(at(2026, 3, 2, 17, 0) + timedelta(seconds=30))["checkpoint"] == 3  # < 1 h, but the day closed
    assert jobs.tick(at(2026, 3, 2, 17, 2))["checkpoint"] is None


def test_removing_the_last_log_line_shows(world: Any, capsys: Any) -> None:
    receive(world, 1)
    assert main(["audit", "checkpoint"]) == 0
    assert main(["audit", "checkpoint"]) == 0
    path = checkpoints.log_path()
    path.write_bytes(b"\n".join(path.read_bytes().splitlines()[:1]) + b"\n")
    capsys.readouterr()
    assert main(["audit", "verify", "--json"]) == 1
    assert "has a head list but no log line" in capsys.readouterr().out


def test_a_head_written_without_the_key_is_never_checkpointed(world: Any, capsys: Any) -> None:
    from django.db import connection

    from motcua.trust.appendonly import lifted

    d = receive(world, 1)
    with lifted("test: tamper"), connection.cursor() as cur:
        cur.execute("UPDATE dossiers_dossier SET head_seal = %s WHERE id = %s", ["0" * 64, d.pk])
    assert main(["audit", "checkpoint"]) == 1
    assert d.code in capsys.readouterr().err
    assert not checkpoints.log_path().exists()
