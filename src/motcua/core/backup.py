"""`motcua backup` / `motcua restore`: the database, the document store and a manifest that proves both.

A backup is a folder:

    database.sqlite3 | database.pgdump   SQLite's online backup API / `pg_dump --format=custom`
    media/...                            the document store (MEDIA_ROOT), copied after the dump, so
                                         every document the dump names is there
    manifest.json                        written last (its presence marks a complete backup): format,
                                         database vendor, applied migrations, SHA-256 and size of every file

`restore` checks the whole manifest before it writes anything, and only into an empty installation
(no table in the database, no file in the document store): it never merges into live data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

FORMAT = "motcua-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one English line."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The connection arguments of the default database for a PostgreSQL client program."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not on PATH: install the PostgreSQL client programs")
    s = connection.settings_dict
    args = [program, "--no-owner", "--no-privileges", f"--dbname={s['NAME']}"]
    if s.get("HOST"):
        args.append(f"--host={s['HOST']}")
    if s.get("PORT"):
        args.append(f"--port={s['PORT']}")
    if s.get("USER"):
        args.append(f"--username={s['USER']}")
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    out = subprocess.run(args, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        lines = [line for line in out.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{args[0]} failed: {lines[0] if lines else 'exit code ' + str(out.returncode)}")


def _dump(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # a consistent copy while others keep writing
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_command("pg_dump")
        _run([*args, "--format=custom", f"--file={target}"], env)
    else:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")


def _applied_migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def backup(output: Path) -> dict[str, Any]:
    """Write a complete backup into `output` (absent or empty); returns the manifest."""
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: choose a new folder")
    if connection.vendor not in DUMP_FILES:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    output.mkdir(parents=True, exist_ok=True)
    dump = output / DUMP_FILES[connection.vendor]
    _dump(dump)
    media = _media_root()
    if media.is_dir():
        shutil.copytree(media, output / "media", symlinks=False)
    files = [
        {"path": p.relative_to(output).as_posix(), "size": p.stat().st_size, "sha256": sha256_file(p)}
        for p in _files_under(output)
    ]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"vendor": connection.vendor, "file": dump.name},
        "migrations": _applied_migrations(),
        "files": files,
    }
    partial = output / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.rename(output / MANIFEST)
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """The manifest of a complete, untouched backup; `BackupError` naming the first problem otherwise."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a complete motcua backup") from None
    except (ValueError, OSError) as exc:
        raise BackupError(f"{folder / MANIFEST} is unreadable: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{folder} is not a motcua backup of format version {VERSION}")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    present = {p.relative_to(folder).as_posix() for p in _files_under(folder)} - {MANIFEST}
    for path in sorted(present - set(listed)):
        raise BackupError(f"{path} is in the backup folder but not in the manifest")
    for path, entry in sorted(listed.items()):
        file = folder / path
        if path not in present:
            raise BackupError(f"{path} is missing from the backup")
        if file.stat().st_size != entry["size"] or sha256_file(file) != entry["sha256"]:
            raise BackupError(f"{path} does not match its SHA-256 in the manifest")
    if manifest["database"]["file"] not in listed:
        raise BackupError("the database dump is missing from the backup")
    return manifest


def _check_target(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"this backup holds a {vendor} database; the configured database is {connection.vendor}")
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore only into a new installation")
    media = _media_root()
    if media.is_dir() and _files_under(media):
        raise BackupError(f"the document store {media} is not empty: restore only into a new installation")
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(f"the backup comes from a newer motcua (unknown migration {unknown[0]}): upgrade first")


def restore(folder: Path) -> dict[str, Any]:
    """Verify `folder`, then load it into the empty configured installation; returns the manifest."""
    manifest = verify(folder)
    _check_target(manifest)
    dump = folder / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        connections.close_all()
        source = sqlite3.connect(f"file:{dump}?mode=ro&immutable=1", uri=True)  # leaves the backup untouched
        destination = sqlite3.connect(name)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    else:
        args, env = _pg_command("pg_restore")
        _run([*args, "--exit-on-error", "--single-transaction", str(dump)], env)
    if (folder / "media").is_dir():
        shutil.copytree(folder / "media", _media_root(), dirs_exist_ok=True)
    return manifest
