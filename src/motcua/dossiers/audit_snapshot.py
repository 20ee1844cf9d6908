"""Incremental `audit verify` on PostgreSQL: skip the dossiers whose rows are unchanged since a full check.

Re-deriving a dossier (decode every payload, rebuild the canonical bytes, hash, fold the state,
compare step runs and documents) costs Python microseconds per event; whether anything the check
reads has changed since it last passed is one set-based statement in the database: SHA-256 over
the text of the dossier row, its events (ordered by seq), step runs and documents (each
`ROW(...)::text`, which quotes its values, so the concatenation names the rows unambiguously).
After a dossier passes the full check, `trust.VerifiedState` keeps HMAC(seal key, `VERSION` ‖ id
‖ digest). A later pass checks the MAC per dossier and sends to the full check only the dossiers
whose digest or MAC differ: an edited event, cache, step run or document row, a row added or
removed, a new checker version or another key. Without the key the MAC cannot be forged.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import inspect
from typing import Any

from django.db import connection

from motcua.documents.models import Document
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.trust.models import VerifiedState


def enabled() -> bool:
    return connection.vendor == "postgresql"


@functools.cache
def version() -> bytes:
    """Digest of the checker's own source: changing how dossiers are checked invalidates every MAC."""
    from motcua.dossiers import audit, chain, derive, evidence, lifecycle

    digest = hashlib.sha256()
    for module in (audit, chain, derive, evidence, lifecycle):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest().encode()


def mac(key: bytes, dossier_id: int, digest: str) -> str:
    return hmac.digest(key, b"%b\0%d\0%b" % (version(), dossier_id, digest.encode()), "sha256").hex()


def _range(column: str, start: int | None, end: int | None, code: str | None) -> tuple[str, list[Any]]:
    sql = ""
    params: list[Any] = []
    if start is not None:
        sql += f" AND {column} >= %s"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < %s"
        params.append(end)
    if code is not None:
        sql += " AND x.code = %s"
        params.append(code)
    return sql, params


# An event's columns that the full check reads, as text (cheaper than `ROW(r.*)::text`): each
# free-text column is prefixed by its length; the others (integers, a timestamp, jsonb text, which
# escapes control characters) cannot hold the separators, so the text names the values exactly.
EVENT_TEXT = (
    "concat(r.seq, E'\\x1f', length(r.type), ':', r.type, E'\\x1f', r.actor_id, E'\\x1f', "
    "length(r.actor_label), ':', r.actor_label, E'\\x1f', r.at, E'\\x1f', r.payload, E'\\x1f', "
    "length(r.prev_hash), ':', r.prev_hash, E'\\x1f', length(r.hash), ':', r.hash)"
)


def rows(start: int | None, end: int | None, code: str | None, limit: int) -> list[tuple[int, str, int, str, str]]:
    """(id, code, event count, digest, stored MAC or '') of up to `limit` dossiers from `start`, by id.

    The batch's id span is read first, so that the digest statement gets it as constants: every
    table is then read by an index range scan of exactly that span.
    """
    where, params = _range("x.id", start, end, code)
    d, e, s = Dossier._meta.db_table, DossierEvent._meta.db_table, StepRun._meta.db_table
    doc, v = Document._meta.db_table, VerifiedState._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT min(id), max(id) FROM (SELECT x.id FROM {d} x WHERE TRUE {where} ORDER BY x.id "
            f"LIMIT {int(limit)}) t",
            params,
        )
        lo, hi = cur.fetchone()
        if lo is None:
            return []
        only = " AND x.code = %s" if code is not None else ""
        cur.execute(
            f"""
            WITH e AS (SELECT r.dossier_id, count(*) AS n, string_agg({EVENT_TEXT}, E'\\x1e' ORDER BY r.seq) AS t
                       FROM {e} r WHERE r.dossier_id BETWEEN %(lo)s AND %(hi)s GROUP BY r.dossier_id),
            s AS (SELECT r.dossier_id, string_agg(ROW(r.*)::text, E'\\n' ORDER BY r.id) AS t
                  FROM {s} r WHERE r.dossier_id BETWEEN %(lo)s AND %(hi)s GROUP BY r.dossier_id),
            doc AS (SELECT r.dossier_id, string_agg(ROW(r.*)::text, E'\\n' ORDER BY r.id) AS t
                    FROM {doc} r WHERE r.dossier_id BETWEEN %(lo)s AND %(hi)s GROUP BY r.dossier_id)
            SELECT x.id, x.code, coalesce(e.n, 0),
                   encode(sha256(convert_to(concat(ROW(x.*)::text, E'\\x1d', coalesce(e.n, 0), E'\\x1d', e.t,
                                                   E'\\x1d', s.t, E'\\x1d', doc.t), 'UTF8')), 'hex'),
                   coalesce(v.mac, '')
            FROM {d} x LEFT JOIN e ON e.dossier_id = x.id LEFT JOIN s ON s.dossier_id = x.id
                 LEFT JOIN doc ON doc.dossier_id = x.id LEFT JOIN {v} v ON v.dossier_id = x.id
            WHERE x.id BETWEEN %(lo)s AND %(hi)s {only.replace("%s", "%(code)s")}
            ORDER BY x.id
            """,
            {"lo": lo, "hi": hi, "code": code},
        )
        return list(cur.fetchall())


def event_count(start: int | None, end: int | None) -> int:
    """Events with start <= dossier_id < end: more than the batch's dossiers hold means orphans (index only)."""
    where, params = _range("r.dossier_id", start, end, None)
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {DossierEvent._meta.db_table} r WHERE TRUE {where}", params)
        count: int = cur.fetchone()[0]
        return count


def store(macs: list[tuple[int, str]]) -> None:
    """Record (dossier id, MAC) pairs of dossiers that just passed the full check (one statement)."""
    if not macs:
        return
    ids, values = zip(*macs, strict=True)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {VerifiedState._meta.db_table} (dossier_id, mac) "
            "SELECT * FROM unnest(%s::bigint[], %s::varchar[]) "
            "ON CONFLICT (dossier_id) DO UPDATE SET mac = EXCLUDED.mac",
            [list(ids), list(values)],
        )
