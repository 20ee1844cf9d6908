"""The wire protocol between motcua and the national portal (DVCQG) or its simulator: signed JSON over HTTP.

Both directions carry one JSON object per POST with two headers:
`X-DVCQG-Timestamp` (Unix seconds) and `X-DVCQG-Signature` = hex HMAC-SHA256 over
`<timestamp>.<body bytes>` with the shared secret (`MOTCUA_NATIONAL_SECRET`). A request older or
newer than `MAX_SKEW_SECONDS` is refused, so a captured request cannot be replayed later; within
the window a replay is harmless because every message is idempotent (`message_id`, or dossier code
and sequence).

Pure module: no Django import, so the simulator, the adapter and tests share it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

TIMESTAMP_HEADER = "X-DVCQG-Timestamp"
SIGNATURE_HEADER = "X-DVCQG-Signature"
MAX_SKEW_SECONDS = 300


def body_of(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers that authenticate `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: ts, SIGNATURE_HEADER: digest, "Content-Type": "application/json"}


def verify(secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None) -> bool:
    """True when the signature is right and the timestamp is within the allowed skew."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def verify_headers(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """`verify` with the two headers of a received request (a case-insensitive mapping, e.g. Django's)."""
    return verify(secret, body, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER))
