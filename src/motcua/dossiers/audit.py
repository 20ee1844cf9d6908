"""`motcua audit verify`: every event chain intact and every cached state equal to its re-derivation.

Streams dossiers (ordered by id) and their events (ordered by dossier, seq) side by side with a
server-side cursor, so memory stays flat however many events there are. Detects:
- an edited event (its recomputed hash differs from the stored one, or the next prev_hash differs);
- an inserted or deleted event (a gap or repeat in seq, a prev_hash that is not the previous hash,
  or a count / head hash different from the dossier row's `event_count` / `last_event_hash`,
  which catches deleting the last event);
- cached state (status, due time, ...) different from `derive(events)`.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import connection

from motcua.documents.models import Document
from motcua.dossiers import audit_snapshot, audit_worker, evidence
from motcua.dossiers.chain import GENESIS
from motcua.dossiers.derive import CACHED_FIELDS, State
from motcua.dossiers.derive import apply as apply_event
from motcua.dossiers.lifecycle import IllegalTransition
from motcua.dossiers.models import Dossier, DossierEvent, StepRun
from motcua.organizations.models import Unit
from motcua.trust import keys

_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode
_oloads = orjson.loads
_odumps = orjson.dumps
_OSORT = orjson.OPT_SORT_KEYS
_quote: Any = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def fast_canonical(
    code: str, seq: int, type_: str, actor_id: int | None, at_utc: str, payload: Any, actor_label: str = ""
) -> bytes:
    """Same bytes as `chain.canonical_bytes` (tested), assembled without re-encoding the whole document."""
    actor = "null" if actor_id is None else str(int(actor_id))
    by = f'"by":{_quote(actor_label)},' if actor_label else ""
    return (
        f'{{"actor":{actor},"at":"{at_utc}",{by}"dossier":{_quote(code)},"payload":{_dumps(payload)},'
        f'"seq":{int(seq)},"type":{_quote(type_)}}}'
    ).encode()


TIME_FIELDS = ("received_at", "due_at", "appointment_at", "finished_at", "returned_at")
JSON_FIELDS = ("clock_state", "current_steps")


def _utc_text(column: str) -> str:
    """SQL giving a timestamp column as canonical UTC text `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    # SQLite stores naive UTC text, without the fraction when it is zero.
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN length({column}) = 19 "
        f"THEN replace({column}, ' ', 'T') || '.000000+00:00' ELSE replace({column}, ' ', 'T') || '+00:00' END"
    )


def _json_text(column: str) -> str:
    return f"{column}::text" if connection.vendor == "postgresql" else column


def _utc(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class Problem:
    dossier: str
    seq: int | None
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        where = f" event {self.seq}" if self.seq is not None else ""
        return f"dossier {self.dossier}{where}: {self.reason}"


@dataclass
class Report:
    dossiers: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        first = self.problems[0] if self.problems else None
        return {
            "ok": self.ok,
            "dossiers": self.dossiers,
            "events": self.events,
            "first": None
            if first is None
            else {"dossier": first.dossier, "seq": first.seq, "reason": first.reason, "detail": first.detail},
            "problems": [
                {"dossier": p.dossier, "seq": p.seq, "reason": p.reason, "detail": p.detail} for p in self.problems
            ],
        }


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows: list[tuple[Any, ...]] = cur.fetchall()
        return rows


# Rows per round trip: dossiers are read in id-ordered batches of this size, then the events of
# exactly that id span in one query (client-side cursor: no per-chunk FETCH round trips), so memory
# stays bounded by one batch however many events there are.
BATCH = 5000


def _event_rows(start: int | None, end: int | None, ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    """Events with start <= dossier_id < end (None: unbounded; `ids`: only those), by dossier and seq."""
    table = DossierEvent._meta.db_table
    sql = (
        f"SELECT dossier_id, seq, type, actor_id, {_utc_text('at')}, {_json_text('payload')}, prev_hash, hash, "
        f"actor_label FROM {table} WHERE 1 = 1"
    )
    params: list[Any] = []
    if start is not None:
        sql += " AND dossier_id >= %s"
        params.append(start)
    if end is not None:
        sql += " AND dossier_id < %s"
        params.append(end)
    if ids is not None:
        sql += " AND dossier_id = ANY(%s)"
        params.append(ids)
    return _fetch(sql + " ORDER BY dossier_id, seq", params)


APPLICANT_COLUMNS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_user_id",
)
DOSSIER_NAMES = ("id", "code", "event_count", "last_event_hash", *CACHED_FIELDS, "head_seal", *APPLICANT_COLUMNS)
_SEAL_AT = DOSSIER_NAMES.index("head_seal")
_APPLICANT_AT = slice(_SEAL_AT + 1, _SEAL_AT + 1 + len(APPLICANT_COLUMNS))


def _span(
    sql: str, column: str, start: int | None, end: int | None, ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    params: list[Any] = []
    if ids is not None:
        sql += f" AND {column} = ANY(%s)"
        params.append(ids)
    if start is not None:
        sql += f" AND {column} >= %s"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < %s"
        params.append(end)
    return sql, params


def _by_dossier(rows: list[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        out.setdefault(row[0], []).append(row[1:])
    return out


def _step_rows(start: int | None, end: int | None, ids: list[int] | None = None) -> dict[int, list[tuple[Any, ...]]]:
    """Step runs of the dossiers in [start, end), as `evidence.Runs` rows (times parsed), per dossier."""
    sql, params = _span(
        f"SELECT s.dossier_id, s.event_seq, s.{connection.ops.quote_name('order')}, s.name, u.code, s.assignee_id, "
        f"{_utc_text('s.started_at')}, {_utc_text('s.due_at')}, {_utc_text('s.finished_at')}, s.outcome "
        f"FROM {StepRun._meta.db_table} s JOIN {Unit._meta.db_table} u ON u.id = s.unit_id WHERE 1 = 1",
        "s.dossier_id",
        start,
        end,
        ids,
    )
    parse = _parse_or_text
    rows = [
        (r[0], r[1], r[2], r[3], r[4], r[5], parse(r[6]), parse(r[7]), parse(r[8]), r[9])
        for r in _fetch(sql + " ORDER BY s.dossier_id, s.event_seq", params)
    ]
    return _by_dossier(rows)


def _parse_or_text(value: str | None) -> datetime | str | None:
    """A canonical UTC text as a datetime; anything else (written around the ORM) stays text: a difference."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


def _document_rows(
    start: int | None, end: int | None, ids: list[int] | None = None
) -> dict[int, list[tuple[Any, ...]]]:
    """Documents of the dossiers in [start, end): (id, event_seq, sha256, filename, kind, stored path), per dossier."""
    sql, params = _span(
        f"SELECT dossier_id, id, event_seq, sha256, filename, kind, file FROM {Document._meta.db_table} WHERE 1 = 1",
        "dossier_id",
        start,
        end,
        ids,
    )
    return _by_dossier(_fetch(sql + " ORDER BY dossier_id, id", params))


def file_sha256(name: str) -> str | None:
    """SHA-256 of a stored upload (None when it is missing), read in blocks."""
    path = Path(settings.MEDIA_ROOT) / name
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _dossier_rows(
    start: int | None, end: int | None, code: str | None, limit: int, ids: list[int] | None = None
) -> list[tuple[Any, ...]]:
    """Dossier rows (ordered by id) with the cached columns, times as canonical UTC text and JSON as text."""
    exprs = [_utc_text(n) if n in TIME_FIELDS else _json_text(n) if n in JSON_FIELDS else n for n in DOSSIER_NAMES]
    sql = f"SELECT {', '.join(exprs)} FROM {Dossier._meta.db_table} WHERE 1 = 1"
    params: list[Any] = []
    if start is not None:
        sql += " AND id >= %s"
        params.append(start)
    if end is not None:
        sql += " AND id < %s"
        params.append(end)
    if code is not None:
        sql += " AND code = %s"
        params.append(code)
    if ids is not None:
        sql += " AND id = ANY(%s)"
        params.append(ids)
    return _fetch(sql + f" ORDER BY id LIMIT {int(limit)}", params)


def _compare(row: dict[str, Any], state: State) -> dict[str, Any]:
    diff = {}
    for name in CACHED_FIELDS:
        if name == "due_at" and state.due_unverified:
            continue  # imported history whose source line had no due time (computed at import)
        cached, derived = row[name], getattr(state, name)
        if name in TIME_FIELDS:
            derived = _utc(derived)
        elif name in JSON_FIELDS:
            cached = json.loads(cached) if isinstance(cached, str) else cached
        if cached != derived:
            diff[name] = {"cached": cached, "derived": derived}
    return diff


_CACHED_AT = [(DOSSIER_NAMES.index(n), n, n in TIME_FIELDS, n in JSON_FIELDS) for n in CACHED_FIELDS]
_parse = datetime.fromisoformat


def _same(values: tuple[Any, ...], state: State) -> bool:
    """True when every cached column equals its re-derivation (a fast form of `not _compare(...)`).

    Times: the cached UTC text is parsed and compared as an instant with the derived (aware)
    datetime, which is equal exactly when their canonical UTC texts are; a naive derived time never
    compares equal here, so it falls back to `_compare`. JSON columns are compared decoded, as in
    `_compare`.
    """
    for index, name, is_time, is_json in _CACHED_AT:
        cached, derived = values[index], getattr(state, name)
        if is_time:
            if name == "due_at" and state.due_unverified:
                continue
            if cached is None or derived is None:
                if cached is not derived:
                    return False
            elif derived.tzinfo is None:
                return False
            else:
                try:
                    if _parse(cached) != derived:
                        return False
                except ValueError:  # not canonical UTC text (e.g. written around the ORM): a difference
                    return False
        elif is_json:
            if (json.loads(cached) if isinstance(cached, str) else cached) != derived:
                return False
        elif cached != derived:
            return False
    return True


def canonical_payload(text: str) -> tuple[Any, bytes]:
    """Decode an event payload's JSON text; return it with its canonical JSON bytes.

    The bytes equal `json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    default=str).encode()` of `json.loads(text)` (what `chain.canonical_bytes` embeds; tested with
    hypothesis). orjson (C) does both steps; it differs from the standard library only on numbers:
    floats below 1e-4 (orjson writes `0.00001`, Python `1e-05`), integers beyond 64 bits (orjson
    decodes them as floats, hence an exponent), and non-finite or unparsable input (an error).
    Any output with an exponent or `0.0000`, and any orjson error, takes the exact standard path,
    so a false alarm only costs speed.
    """
    try:
        payload = _oloads(text)
        out = _odumps(payload, option=_OSORT)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        payload = None
        out = b"e+"
    if b"e+" in out or b"e-" in out or b"0.0000" in out:
        payload = json.loads(text)
        out = _dumps(payload).encode()
    return payload, out


def verify(
    code: str | None = None,
    *,
    stop_at_first: bool = True,
    check_state: bool = True,
    workers: int | None = None,
    check_files: bool = True,
    full: bool = False,
) -> Report:
    """Verify every dossier (or the one with `code`); problems come in dossier-id order.

    On PostgreSQL with the trust key, a dossier whose rows are unchanged since it last passed is
    not re-derived (`audit_snapshot`); `full` re-derives every dossier.

    On PostgreSQL, outside a transaction and over at least `PARALLEL_MIN` dossiers, the id space is
    split into consecutive ranges verified by `workers` (default `os.cpu_count()`) forked processes,
    each with its own connection. Results are merged in range order and, with `stop_at_first`,
    cut at the first range with a problem, so the report (first problem, counts) is the one a
    single sequential pass gives.
    """
    if code is not None:
        ids = list(Dossier.objects.filter(code=code).values_list("id", flat=True))
        if not ids:
            return Report()
        return _verify_range(ids[0], ids[0] + 1, code, stop_at_first, check_state, check_files, full)
    ranges = _plan(workers)
    if len(ranges) == 1:
        return _verify_range(None, None, None, stop_at_first, check_state, check_files, full)
    if not full and check_state and audit_snapshot.enabled() and _seal_key() is not None:
        # Incremental: most of the work is the digest statement in the database, so threads (one
        # connection each) keep both the server's cores busy without starting Python processes.
        pool: Executor = ThreadPoolExecutor(max_workers=_workers(workers), thread_name_prefix="audit-verify")
        return _parallel(pool, _in_thread, ranges, stop_at_first, check_state, check_files, full)
    # "spawn", not "fork": forking a process that runs other threads (a web server, a browser
    # driver, a test live server) can copy a held lock into the child and hang it forever.
    ctx = multiprocessing.get_context("spawn")
    db = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    pool = ProcessPoolExecutor(
        max_workers=_workers(workers), mp_context=ctx, initializer=audit_worker.init, initargs=(db,)
    )
    return _parallel(pool, audit_worker.verify_range, ranges, stop_at_first, check_state, check_files, full)


def _in_thread(*args: Any) -> Report:
    try:
        return _verify_range(*args)
    finally:
        connection.close()  # this thread's own connection


def _parallel(
    pool: Executor,
    task: Callable[..., Report],
    ranges: list[tuple[int | None, int | None]],
    stop_at_first: bool,
    check_state: bool,
    check_files: bool,
    full: bool = False,
) -> Report:
    with pool:
        futures = [pool.submit(task, lo, hi, None, stop_at_first, check_state, check_files, full) for lo, hi in ranges]
        report = Report()
        for future in futures:
            part = future.result()
            report.dossiers += part.dossiers
            report.events += part.events
            report.problems.extend(part.problems)
            if stop_at_first and part.problems:
                report.problems = report.problems[:1]
                for rest in futures:
                    rest.cancel()
                break
    return report


PARALLEL_MIN = 20_000  # dossiers; below this, forking costs more than it saves


def _workers(workers: int | None) -> int:
    return max(1, workers if workers is not None else (os.cpu_count() or 1))


def _plan(workers: int | None) -> list[tuple[int | None, int | None]]:
    """Consecutive id ranges covering every possible dossier_id (the ends are open)."""
    n = _workers(workers)
    if n == 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [(None, None)]
    count, low, high = _fetch(f"SELECT count(*), min(id), max(id) FROM {Dossier._meta.db_table}", [])[0]
    if count < PARALLEL_MIN:
        return [(None, None)]
    parts = 4 * n  # smaller pieces even out the workers' luck with a loaded machine
    step = max(1, (high - low + 1) // parts)
    bounds = [low + step * k for k in range(1, parts)]
    bounds = [b for b in bounds if b <= high]
    edges: list[int | None] = [None, *bounds, None]
    return list(itertools.pairwise(edges))


def _verify_range(
    lo: int | None,
    hi: int | None,
    code: str | None,
    stop_at_first: bool,
    check_state: bool,
    check_files: bool = True,
    full: bool = False,
) -> Report:
    """Verify dossiers with lo <= id < hi, and report events in that span whose dossier does not exist."""
    # Nothing verify() allocates forms reference cycles (rows, decoded payloads, states), so the
    # cyclic collector is paused meanwhile: its periodic full passes over a large heap cost more
    # than the check itself. Reference counting still frees every batch.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _verify_batches(lo, hi, code, stop_at_first, check_state, check_files, full)
    finally:
        if enabled:
            gc.enable()


def _seal_key() -> bytes | None:
    try:
        return keys.seal_key(create=False)
    except keys.KeyError_:
        return None


def _verify_batches(
    lo: int | None,
    hi: int | None,
    code: str | None,
    stop_at_first: bool,
    check_state: bool,
    check_files: bool,
    full: bool = False,
) -> Report:
    report = Report()
    start = lo
    key = _seal_key()
    checker = _Checker(report, stop_at_first, check_state, check_files, key, orphans=code is None)
    if key is not None and check_state and not full and audit_snapshot.enabled():
        return _verify_incremental(checker, lo, hi, code, key)
    while True:
        dossiers = _dossier_rows(start, hi, code, BATCH)
        full_batch = len(dossiers) == BATCH
        end = dossiers[-1][0] + 1 if full_batch else hi
        done = checker.batch(dossiers, _event_rows(start, end), _step_rows(start, end), _document_rows(start, end))
        if done or not full_batch:
            return report
        start = end


def _verify_incremental(checker: _Checker, lo: int | None, hi: int | None, code: str | None, key: bytes) -> Report:
    """`audit_snapshot`: the full check only for dossiers whose rows changed since they last passed it.

    Gives the report a full pass gives (problems in id order, the same counts): a dossier whose
    digest and MAC still agree passed the very check on the very rows it would be given now.
    (`full` takes the plain path instead: every dossier re-derived, no digest, no MAC written.)
    """
    report = checker.report
    start = lo
    while True:
        heads = audit_snapshot.rows(start, hi, code, BATCH)
        full_batch = len(heads) == BATCH
        end = heads[-1][0] + 1 if full_batch else hi
        macs = {h[0]: audit_snapshot.mac(key, h[0], h[3]) for h in heads}
        warm = {h[0] for h in heads if hmac.compare_digest(h[4], macs[h[0]])}
        if warm and checker.check_files:
            warm -= _files_changed(start, end, warm)
        if warm and code is None and audit_snapshot.event_count(start, end) != sum(h[2] for h in heads):
            warm = set()  # the full check names the orphans in their place
        report.dossiers += len(warm)
        report.events += sum(h[2] for h in heads if h[0] in warm)
        done = False
        if len(warm) < len(heads):
            before = len(report.problems)
            if not warm:
                args: tuple[Any, ...] = (start, end, None)
                rows = _dossier_rows(start, end, code, BATCH)
            else:
                suspects = [h[0] for h in heads if h[0] not in warm]
                args = (None, None, suspects)
                rows = _dossier_rows(None, None, None, BATCH, suspects)
            done = checker.batch(rows, _event_rows(*args), _step_rows(*args), _document_rows(*args))
            if not done:
                failed = {p.dossier for p in report.problems[before:]}
                audit_snapshot.store([(r[0], macs[r[0]]) for r in rows if r[1] not in failed and r[0] in macs])
        if done or not full_batch:
            return report
        start = end


def _files_changed(start: int | None, end: int | None, warm: set[int]) -> set[int]:
    """The unchanged dossiers whose stored files no longer hash to their documents' SHA-256."""
    return {
        dossier_id
        for dossier_id, rows in _document_rows(start, end).items()
        if dossier_id in warm and any(file_sha256(name) != sha for _, _, sha, _, _, name in rows)
    }


_SEAL_MISMATCH = "chain head seal does not match (events appended, removed or rewritten without the trust key)"


class _Checker:
    """The per-dossier checks of one verification pass (see the module docstring)."""

    def __init__(
        self,
        report: Report,
        stop_at_first: bool,
        check_state: bool,
        check_files: bool,
        seal_key: bytes | None,
        *,
        orphans: bool,
    ) -> None:
        self.report = report
        self.stop_at_first = stop_at_first
        self.check_state = check_state
        self.check_files = check_files
        self.seal_key = seal_key
        self.orphans = orphans

    def _add(self, problem: Problem) -> bool:
        self.report.problems.append(problem)
        return self.stop_at_first

    def _seal(self, code: str, values: tuple[Any, ...], first_type: str | None) -> Problem | None:
        stored = values[_SEAL_AT]
        if not stored:
            if values[2] == 1 and first_type == "imported":
                return None  # history import: sealed by the next checkpoint
            return Problem(code, None, "chain head is not sealed")
        if self.seal_key is None:
            return Problem(code, None, "cannot check the chain head seal: no trust key (MOTCUA_TRUST_KEY_FILE)")
        if not hmac.compare_digest(stored, keys.seal(code, values[2], values[3], self.seal_key)):
            return Problem(code, None, _SEAL_MISMATCH)
        return None

    def _evidence(
        self,
        code: str,
        values: tuple[Any, ...],
        first_payload: Any,
        runs: evidence.Runs | None,
        refs: dict[int, tuple[Any, ...]] | None,
        step_rows: list[tuple[Any, ...]],
        doc_rows: list[tuple[Any, ...]],
    ) -> Problem | None:
        expected = evidence.applicant(first_payload if isinstance(first_payload, dict) else None)
        if tuple(v if v != "" else None for v in values[_APPLICANT_AT]) != tuple(
            v if v != "" else None for v in expected
        ):
            changed = [
                APPLICANT_COLUMNS[i]
                for i, (a, b) in enumerate(zip(values[_APPLICANT_AT], expected, strict=True))
                if (a or None) != (b or None)
            ]
            return Problem(code, 1, "applicant differs from the first event: " + ", ".join(changed))
        derived_runs = runs.as_list() if runs is not None else []
        if step_rows != derived_runs:
            seqs = {r[0] for r in step_rows} ^ {r[0] for r in derived_runs} or {
                a[0] for a, b in zip(step_rows, derived_runs, strict=False) if a != b
            }
            return Problem(code, min(seqs) if seqs else None, "step run differs from the step events")
        refs = refs or {}
        for doc_id, event_seq, sha, filename, kind, name in doc_rows:
            if refs.get(doc_id) != (event_seq, sha, filename, kind):
                return Problem(
                    code, event_seq, f"document {doc_id} differs from its event (file name, kind or SHA-256)"
                )
            if self.check_files and file_sha256(name) != sha:
                return Problem(code, event_seq, f"document {doc_id}: stored file missing or not the recorded SHA-256")
        if len(refs) != len(doc_rows):
            missing = sorted(set(refs) - {r[0] for r in doc_rows})
            return Problem(code, refs[missing[0]][0] if missing else None, "document named by an event is missing")
        return None

    def batch(
        self,
        dossiers: list[tuple[Any, ...]],
        event_rows: list[tuple[Any, ...]],
        step_rows: dict[int, list[tuple[Any, ...]]],
        doc_rows: dict[int, list[tuple[Any, ...]]],
    ) -> bool:
        """Check one batch; returns True when verification should stop (first problem found)."""
        report = self.report
        check_state = self.check_state
        events = iter(event_rows)
        pending = next(events, None)
        sha256 = hashlib.sha256
        parse = datetime.fromisoformat
        canonical = canonical_payload
        step_types = evidence.STEP_TYPES
        doc_refs = evidence.document_refs
        type_json: dict[str, bytes] = {}
        names = DOSSIER_NAMES

        for values in dossiers:
            report.dossiers += 1
            dossier_id, dossier_code = values[0], values[1]
            # Events of dossiers that no longer exist (or sort before this one) are orphans.
            while pending is not None and pending[0] < dossier_id:
                if self.orphans and self._add(Problem(f"#{pending[0]}", pending[1], "event of an unknown dossier")):
                    return True
                pending = next(events, None)
            code_json = _quote(dossier_code).encode()
            running = GENESIS
            expected_seq = 1
            state = State()
            problem: Problem | None = None
            first_type: str | None = None
            first_payload: Any = None
            runs: evidence.Runs | None = None
            refs: dict[int, tuple[Any, ...]] | None = None
            while pending is not None and pending[0] == dossier_id:
                _, seq, type_, actor_id, at_utc, payload, prev_hash, stored, label = pending
                report.events += 1
                if problem is None:
                    if isinstance(payload, str):
                        payload, payload_json = canonical(payload)
                    else:
                        payload_json = _dumps(payload).encode()
                    tj = type_json.get(type_)
                    if tj is None:
                        tj = type_json[type_] = _quote(type_).encode()
                    data = b'{"actor":%b,"at":"%b",%b"dossier":%b,"payload":%b,"seq":%d,"type":%b}' % (
                        b"null" if actor_id is None else b"%d" % actor_id,
                        at_utc.encode(),
                        b'"by":%b,' % _quote(label).encode() if label else b"",
                        code_json,
                        payload_json,
                        seq,
                        tj,
                    )
                    digest = sha256(running.encode() + data).hexdigest()
                    if seq != expected_seq:
                        reason = "missing event (deleted)" if seq > expected_seq else "unexpected event (inserted)"
                        problem = Problem(dossier_code, expected_seq if seq > expected_seq else seq, reason)
                    elif prev_hash != running:
                        problem = Problem(dossier_code, seq, "broken link: prev_hash is not the previous event's hash")
                    elif digest != stored:
                        problem = Problem(dossier_code, seq, "event altered: hash does not match its content")
                    else:
                        at = parse(at_utc)
                        if seq == 1:
                            first_type, first_payload = type_, payload
                        if type_ in step_types:
                            if runs is None:
                                runs = evidence.Runs()
                            runs.apply(seq, type_, at, payload)
                        if isinstance(payload, dict) and payload:
                            if refs is None:
                                refs = {}
                            doc_refs(seq, payload, refs)
                        if check_state:
                            try:
                                apply_event(state, type_, at, payload)
                            except IllegalTransition:
                                problem = Problem(dossier_code, seq, f"illegal transition {type_} from {state.status}")
                    running = stored
                    expected_seq += 1
                pending = next(events, None)
            intact = problem is None and expected_seq - 1 == values[2] and running == values[3]
            if intact:
                problem = self._seal(dossier_code, values, first_type) or self._evidence(
                    dossier_code,
                    values,
                    first_payload,
                    runs,
                    refs,
                    step_rows.get(dossier_id, []),
                    doc_rows.get(dossier_id, []),
                )
                if problem is None and (not check_state or _same(values, state)):
                    continue  # the common case; anything else is examined (and described) below
            row = dict(zip(names, values, strict=True))
            if problem is None and expected_seq - 1 != row["event_count"]:
                missing_from = expected_seq
                reason = (
                    "missing event (deleted)"
                    if expected_seq - 1 < row["event_count"]
                    else "unexpected event (inserted)"
                )
                problem = Problem(
                    dossier_code, missing_from, reason, {"stored": expected_seq - 1, "expected": row["event_count"]}
                )
            if problem is None and running != row["last_event_hash"]:
                problem = Problem(dossier_code, expected_seq - 1, "head hash differs from the dossier row")
            if problem is None and check_state:
                diff = _compare(row, state)
                if diff:
                    problem = Problem(
                        dossier_code, None, "cached state differs from the events: " + ", ".join(diff), diff
                    )
            if problem is not None and self._add(problem):
                return True
        while pending is not None:
            if self.orphans and self._add(Problem(f"#{pending[0]}", pending[1], "event of an unknown dossier")):
                return True
            pending = next(events, None)
        return False
