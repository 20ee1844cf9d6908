"""The hash chain of feedback events: the dossier chain's rule (`dossiers.chain`) over a feedback code."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from motcua.dossiers.chain import GENESIS, event_hash

__all__ = ["GENESIS", "canonical_bytes", "event_hash"]


def canonical_bytes(
    *, code: str, seq: int, type: str, actor_id: int | None, at: datetime, payload: dict[str, Any]
) -> bytes:
    """Sorted keys, no white space, UTC ISO time with microseconds (as `dossiers.chain.canonical_bytes`)."""
    if at.tzinfo is None:
        raise ValueError("event time must be timezone-aware")
    document = {
        "actor": actor_id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "feedback": code,
        "payload": payload,
        "seq": seq,
        "type": type,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
