"""Backup → restore into a fresh installation → `motcua audit verify` passes; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.cli import main
from motcua.core import backup
from motcua.core.tests.live import database_url
from motcua.dossiers import services as s
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, PNG, at
from motcua.organizations.models import Role
from motcua.trust import keys

pytestmark = pytest.mark.slow


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def make_history() -> list[str]:
    unit = f.unit("H32.27.01", name="UBND phường Nha Trang")
    clerk = f.official("clerk", unit, Role.CLERK)
    specialist = f.official("specialist", unit, Role.SPECIALIST)
    proc = f.procedure()
    applicant = s.Applicant(name="Trần Thị Bình", id_number="056090000001", phone="0900000001")
    codes = []
    for n in range(3):
        d = s.receive_dossier(clerk, procedure=proc, unit=unit, applicant=applicant, now=at(2026, 3, 2, 9, n))
        s.attach_document(
            clerk,
            d,
            upload=s.Upload(f"to-khai-{n}.pdf", PDF + bytes([n])),
            component="to_khai",
            now=at(2026, 3, 2, 9, 30),
        )
        s.attach_document(
            clerk, d, upload=s.Upload(f"anh-{n}.png", PNG), component="giay_chung_sinh", now=at(2026, 3, 2, 9, 40)
        )
        s.start_step(specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10, n))
        codes.append(d.code)
    return codes


def fresh_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update(
        MOTCUA_DATA_DIR=str(tmp_path / "fresh"),
        MOTCUA_DATABASE_URL=database_url,
        MOTCUA_MEDIA_DIR=str(tmp_path / "fresh-media"),
        # The trust key travels apart from backups (docs/ARCHITECTURE.md, "Trust"): the new host gets it.
        MOTCUA_TRUST_KEY_FILE=str(keys.key_path()),
    )
    return env


def motcua(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "motcua", *args], env=env, capture_output=True, text=True, timeout=300)


def count(env: dict[str, str], table: str) -> int:
    code = f"from django.db import connection as c; cur = c.cursor(); cur.execute('SELECT COUNT(*) FROM {table}'); print(cur.fetchone()[0])"
    out = motcua(env, "manage", "shell", "-c", code)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


def round_trip(tmp_path: Path, media: Path, target_url: str) -> None:
    codes = make_history()
    out_dir = tmp_path / "backup"
    assert main(["backup", "--output", str(out_dir)]) == 0
    manifest = json.loads((out_dir / "manifest.json").read_text())
    stored = {e["path"]: e["sha256"] for e in manifest["files"]}
    assert manifest["database"]["vendor"] == connection.vendor
    documents = [p for p in stored if p.startswith("media/")]
    assert len(documents) == 6, stored
    assert backup.verify(out_dir)["files"] == manifest["files"]

    env = fresh_env(tmp_path, target_url)
    restored = motcua(env, "restore", str(out_dir), "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["files"] == len(stored)
    verified = motcua(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "3 dossiers" in verified.stderr
    assert count(env, "dossiers_dossier") == len(codes)
    for path, digest in stored.items():
        if path.startswith("media/"):
            assert backup.sha256_file(tmp_path / "fresh-media" / path.removeprefix("media/")) == digest

    # A second restore would merge into live data: refused, nothing changed.
    again = motcua(env, "restore", str(out_dir))
    assert again.returncode == 1 and "not empty" in again.stderr and again.stderr.count("\n") == 1


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_a_fresh_installation(tmp_path: Path, media: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs on the SQLite suite")
    round_trip(tmp_path, media, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")


@pytest.fixture
def pg_target() -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    import psycopg

    name = f"motcua_restore_prod_{os.getpid()}"
    s = connection.settings_dict
    admin = psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url().rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_into_a_fresh_database(tmp_path: Path, media: Path, pg_target: str) -> None:
    round_trip(tmp_path, media, pg_target)


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused_before_anything_is_written(tmp_path: Path, media: Path) -> None:
    make_history()
    out_dir = tmp_path / "backup"
    assert main(["backup", "--output", str(out_dir)]) == 0
    victim = next(p for p in (out_dir / "media").rglob("*.pdf"))
    victim.write_bytes(victim.read_bytes() + b"x")
    env = fresh_env(tmp_path, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    if connection.vendor != "sqlite":
        env["MOTCUA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    out = motcua(env, "restore", str(out_dir))
    assert out.returncode == 1 and "does not match its SHA-256" in out.stderr, out.stderr
    assert not (tmp_path / "fresh-media").exists()
    (out_dir / "stray.txt").write_text("?")
    victim.write_bytes(victim.read_bytes()[:-1])
    with pytest.raises(backup.BackupError, match="not in the manifest"):
        backup.verify(out_dir)


@pytest.mark.django_db
def test_backup_refuses_a_folder_in_use(tmp_path: Path, media: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    assert main(["backup", "--output", str(tmp_path / "busy")]) == 1
    assert "not empty" in capsys.readouterr().err
