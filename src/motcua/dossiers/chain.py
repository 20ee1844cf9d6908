"""The hash chain of dossier events: pure functions shared by services, imports and the auditor."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_bytes(
    *,
    dossier_code: str,
    seq: int,
    type: str,
    actor_id: int | None,
    at: datetime,
    payload: dict[str, Any],
    actor_label: str = "",
) -> bytes:
    """A stable byte form of an event: sorted keys, no white space, UTC ISO time with microseconds.

    `at` must be timezone-aware. `actor_label` (the acting official's display name at the time,
    `"system"`, `"import"`) is part of the bytes as `"by"` when not empty, so that the name shown in
    the history cannot be changed without breaking the chain.
    """
    if at.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    document = {
        "actor": actor_id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        **({"by": actor_label} if actor_label else {}),
        "dossier": dossier_code,
        "payload": payload,
        "seq": seq,
        "type": type,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(prev_hash: str, data: bytes) -> str:
    """H(prev_hash ‖ canonical bytes): editing, inserting or deleting an event breaks every later hash."""
    return hashlib.sha256(prev_hash.encode("ascii") + data).hexdigest()
