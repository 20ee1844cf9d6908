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
    return hmac.new(key, b"%b\0%d\0%b" % (version(), dossier_id, digest.encode()), hashlib.sha256).hexdigest()


def _range(column: str, start: int | None, end: int | None, code: str | None) -> tuple[str, list[Any]]:
    sql, params = "", []
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


def rows(start: int | None, end: int | None, code: str | None, limit: int) -> list[tuple[int, str, int, str, str]]:
    """(id, code, event count, digest, stored MAC or '') of up to `limit` dossiers from `start`, by id."""
    where, params = _range("x.id", start, end, code)
    d, e, s = Dossier._meta.db_table, DossierEvent._meta.db_table, StepRun._meta.db_table
    doc, v = Document._meta.db_table, VerifiedState._meta.db_table
    sql = f"""
        WITH d AS (SELECT x.id, x.code, ROW(x.*)::text AS t FROM {d} x WHERE TRUE {where}
                   ORDER BY x.id LIMIT {int(limit)}),
        span AS (SELECT min(id) AS lo, max(id) AS hi FROM d),
        e AS (SELECT r.dossier_id, count(*) AS n, string_agg(ROW(r.*)::text, E'\\n' ORDER BY r.seq) AS t
              FROM {e} r, span WHERE r.dossier_id BETWEEN span.lo AND span.hi GROUP BY r.dossier_id),
        s AS (SELECT r.dossier_id, string_agg(ROW(r.*)::text, E'\\n' ORDER BY r.id) AS t
              FROM {s} r, span WHERE r.dossier_id BETWEEN span.lo AND span.hi GROUP BY r.dossier_id),
        doc AS (SELECT r.dossier_id, string_agg(ROW(r.*)::text, E'\\n' ORDER BY r.id) AS t
                FROM {doc} r, span WHERE r.dossier_id BETWEEN span.lo AND span.hi GROUP BY r.dossier_id)
        SELECT d.id, d.code, coalesce(e.n, 0),
               encode(sha256(convert_to(concat_ws(E'\\x1e', d.t, e.t, s.t, doc.t), 'UTF8')), 'hex'),
               coalesce(v.mac, '')
        FROM d LEFT JOIN e ON e.dossier_id = d.id LEFT JOIN s ON s.dossier_id = d.id
             LEFT JOIN doc ON doc.dossier_id = d.id LEFT JOIN {v} v ON v.dossier_id = d.id
        ORDER BY d.id
    """
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def has_orphans(start: int | None, end: int | None) -> bool:
    """True when some event with start <= dossier_id < end has no dossier row."""
    where, params = _range("r.dossier_id", start, end, None)
    e, d = DossierEvent._meta.db_table, Dossier._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT 1 FROM {e} r WHERE TRUE {where} AND NOT EXISTS (SELECT 1 FROM {d} x WHERE x.id = r.dossier_id) "
            "LIMIT 1",
            params,
        )
        return cur.fetchone() is not None


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
