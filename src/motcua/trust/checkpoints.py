"""Signed checkpoints: anchors of every dossier's chain head, kept outside the database.

A checkpoint is one line of the append-only log `<checkpoint dir>/log.jsonl`:

    {"n", "at", "dossiers", "events", "root", "heads", "prev", "key", "public_key", "signature"}

- `root`: Merkle root (SHA-256, leaves `00 ‖ code NUL count NUL head`, nodes `01 ‖ left ‖ right`,
  an odd last node moves up unchanged) over every dossier's (code, event count, head hash), in the
  order of the codes' UTF-8 bytes; the list itself is written beside the log (`heads`, gzip, one
  `code TAB count TAB head` per line) so that a check can name the dossier that changed;
- `prev`: SHA-256 of the previous log line (64 zeros for the first), so lines cannot be removed,
  reordered or edited without breaking every later one;
- `signature`: Ed25519 (`keys.private_key`) over the canonical JSON of the other fields.

`check_log` verifies the log against the trusted public key; `check_database` compares the
database with one checkpoint: a dossier deleted, a chain cut, or an event at or before the
checkpointed head rewritten are named. Taking a checkpoint first checks each head's seal, so a
checkpoint never vouches for a head written without the key.
"""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.db import connection
from django.utils import timezone

from motcua import config
from motcua.trust import keys

GENESIS = "0" * 64


class CheckpointError(Exception):
    """A checkpoint cannot be taken or read (one English line)."""


def directory() -> Path:
    raw = config.env("MOTCUA_CHECKPOINT_DIR")
    return Path(raw) if raw else config.data_dir() / "checkpoints"


def log_path() -> Path:
    return directory() / "log.jsonl"


def leaf(code: str, count: int, head: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{code}\0{count}\0{head}".encode()).digest()


def merkle_root(leaves: list[bytes]) -> str:
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = leaves
    while len(level) > 1:
        nxt = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def _sorted(heads: Iterable[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    return sorted(heads, key=lambda h: h[0].encode())


def signed_bytes(record: dict[str, Any]) -> bytes:
    body = {k: v for k, v in record.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _db_heads() -> list[tuple[str, int, str, str, int]]:
    """(code, event_count, last_event_hash, head_seal, first event is `imported`) of every dossier."""
    from motcua.dossiers.models import Dossier, DossierEvent

    d, e = Dossier._meta.db_table, DossierEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.code, d.event_count, d.last_event_hash, d.head_seal, "
            f"CASE WHEN d.head_seal = '' THEN (SELECT count(*) FROM {e} x WHERE x.dossier_id = d.id "
            f"AND x.seq = 1 AND x.type = 'imported') ELSE 0 END FROM {d} d"
        )
        return list(cur.fetchall())


def _read_log() -> list[tuple[bytes, dict[str, Any] | None]]:
    path = log_path()
    if not path.exists():
        return []
    out: list[tuple[bytes, dict[str, Any] | None]] = []
    for raw in path.read_bytes().splitlines():
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        out.append((raw, record if isinstance(record, dict) else None))
    return out


def create(now: datetime | None = None) -> dict[str, Any]:
    """Take a checkpoint of the database now; returns its record. Refuses a head whose seal is wrong."""
    now = now or timezone.now()
    private = keys.private_key()
    seal_key = keys.seal_key()
    rows = _db_heads()
    for code, count, head, seal, imported in rows:
        if count == 0:
            continue
        if not seal and count == 1 and imported:
            continue
        if not seal or not hmac.compare_digest(seal, keys.seal(code, count, head, seal_key)):
            raise CheckpointError(f"dossier {code}: chain head seal does not match; run `motcua audit verify`")
    heads = _sorted((code, count, head) for code, count, head, _, _ in rows)
    root = merkle_root([leaf(*h) for h in heads])
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = log_path()
    with open(path, "ab") as log:
        fcntl.flock(log, fcntl.LOCK_EX)  # one writer at a time (several workers)
        try:
            lines = _read_log()
            n = len(lines) + 1
            prev = hashlib.sha256(lines[-1][0]).hexdigest() if lines else GENESIS
            heads_name = f"heads-{n:06d}.tsv.gz"
            with gzip.open(folder / heads_name, "wt", encoding="utf-8") as out:
                for code, count, head in heads:
                    out.write(f"{code}\t{count}\t{head}\n")
            public = private.public_key()
            record: dict[str, Any] = {
                "n": n,
                "at": now.isoformat(),
                "dossiers": len(heads),
                "events": sum(h[1] for h in heads),
                "root": root,
                "heads": heads_name,
                "prev": prev,
                "key": keys.fingerprint(public),
                "public_key": keys.public_b64(public),
            }
            record["signature"] = base64.b64encode(private.sign(signed_bytes(record))).decode("ascii")
            log.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            log.flush()
            os.fsync(log.fileno())
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)
    return record


@dataclass
class LogCheck:
    records: list[dict[str, Any]] = field(default_factory=list)  # every line that parses
    valid: list[dict[str, Any]] = field(default_factory=list)  # chained and signed by the trusted key
    problems: list[str] = field(default_factory=list)


def check_log() -> LogCheck:
    """Every line of the log: well-formed, chained to the previous one, signed by the trusted key."""
    result = LogCheck()
    lines = _read_log()
    if not lines:
        return result
    trusted = keys.trusted_public_key()
    fp = keys.fingerprint(trusted)
    prev = GENESIS
    for i, (raw, record) in enumerate(lines, start=1):
        if record is None:
            result.problems.append(f"checkpoint log line {i} is not a checkpoint (the log was edited)")
            prev = hashlib.sha256(raw).hexdigest()
            continue
        before = len(result.problems)
        if record.get("n") != i or record.get("prev") != prev:
            result.problems.append(f"checkpoint {i}: not chained to the line before (the log was edited)")
        if record.get("key") != fp:
            result.problems.append(f"checkpoint {i}: signed by another key ({record.get('key')}, trusted {fp})")
        else:
            try:
                trusted.verify(base64.b64decode(str(record.get("signature", ""))), signed_bytes(record))
            except (InvalidSignature, ValueError):
                result.problems.append(f"checkpoint {i}: signature does not match its content (the log was edited)")
        result.records.append(record)
        if len(result.problems) == before:
            result.valid.append(record)
        prev = hashlib.sha256(raw).hexdigest()
    return result


def read_heads(record: dict[str, Any]) -> list[tuple[str, int, str]]:
    path = directory() / Path(str(record["heads"])).name
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            heads = []
            for line in f:
                code, count, head = line.rstrip("\n").split("\t")
                heads.append((code, int(count), head))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {record['n']}: cannot read its head list {path.name}: {exc}") from exc
    if merkle_root([leaf(*h) for h in heads]) != record["root"]:
        raise CheckpointError(f"checkpoint {record['n']}: head list {path.name} does not match the signed root")
    return heads


def check_database(record: dict[str, Any]) -> list[tuple[str, int | None, str]]:
    """(dossier code, event seq, reason) for every checkpointed head the database no longer holds."""
    from motcua.dossiers.models import Dossier, DossierEvent

    n = record["n"]
    anchors = read_heads(record)
    current = {code: (pk, count, head) for pk, code, count, head in _current_rows(Dossier)}
    problems: list[tuple[str, int | None, str]] = []
    later: list[tuple[str, int, int, str]] = []
    for code, count, head in anchors:
        found = current.get(code)
        if found is None:
            problems.append((code, None, f"dossier deleted since checkpoint {n}"))
        elif found[1] < count:
            problems.append((code, found[1] + 1, f"chain cut since checkpoint {n} (it had {count} events)"))
        elif found[1] == count:
            if found[2] != head:
                problems.append((code, count, f"chain rewritten since checkpoint {n}"))
        else:
            later.append((code, found[0], count, head))
    table = DossierEvent._meta.db_table
    for start in range(0, len(later), 400):
        chunk = later[start : start + 400]
        where = " OR ".join(["(dossier_id = %s AND seq = %s)"] * len(chunk))
        params: list[Any] = [v for _, pk, count, _ in chunk for v in (pk, count)]
        with connection.cursor() as cur:
            cur.execute(f"SELECT dossier_id, seq, hash FROM {table} WHERE {where}", params)
            stored = {(pk, seq): h for pk, seq, h in cur.fetchall()}
        for code, pk, count, head in chunk:
            if stored.get((pk, count)) != head:
                problems.append((code, count, f"chain rewritten since checkpoint {n}"))
    problems.sort(key=lambda p: p[0].encode())
    return problems


def _current_rows(model: Any) -> list[tuple[int, str, int, str]]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, code, event_count, last_event_hash FROM {model._meta.db_table}")
        return list(cur.fetchall())


def latest() -> dict[str, Any] | None:
    lines = _read_log()
    return lines[-1][1] if lines else None


def due(now: datetime) -> bool:
    """A checkpoint is due every MOTCUA_CHECKPOINT_MINUTES, and at the first tick after 17:00 local."""
    last = latest()
    if last is None:
        return True
    try:
        at = datetime.fromisoformat(str(last["at"]))
    except (KeyError, ValueError):
        return True
    if now - at >= timedelta(minutes=config.env_int("MOTCUA_CHECKPOINT_MINUTES")):
        return True
    local = timezone.localtime(now)
    close = timezone.make_aware(datetime.combine(local.date(), time(17)), local.tzinfo)
    return at < close <= now


def export_json(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "how_to_verify": (
            "Ed25519 signature (base64) by public_key over the JSON of the other fields, keys sorted, no spaces, "
            "UTF-8; root = Merkle root of SHA-256(00 ‖ code NUL count NUL head) over every dossier."
        ),
    }


def verify_against(n: int | None = None) -> tuple[dict[str, Any] | None, list[tuple[str, int | None, str]]]:
    """Check the log, then the database against checkpoint `n` (default: the latest).

    Returns the checkpoint used (None when there is none yet) and the problems as (dossier or
    `(checkpoint log)`, event seq, reason).
    """
    problems: list[tuple[str, int | None, str]] = []
    log = check_log()
    problems += [("(checkpoint log)", None, p) for p in log.problems]
    numbers = sorted(int(p.name[6:12]) for p in directory().glob("heads-*.tsv.gz") if p.name[6:12].isdigit())
    if numbers and numbers[-1] > len(log.records):
        problems.append(("(checkpoint log)", None, f"checkpoint {numbers[-1]} has a head list but no log line"))
    if not log.valid:
        return None, problems
    if n is None:
        record = log.valid[-1]  # the latest checkpoint that is really ours
    else:
        matching = [r for r in log.valid if r.get("n") == n]
        if not matching:
            raise CheckpointError(f"no checkpoint {n} in {log_path()}")
        record = matching[0]
    try:
        problems += check_database(record)
    except CheckpointError as exc:
        problems.append(("(checkpoint log)", None, str(exc)))
    return record, problems
