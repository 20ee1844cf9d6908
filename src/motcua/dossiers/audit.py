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

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from motcua.dossiers.chain import GENESIS
from motcua.dossiers.derive import CACHED_FIELDS, State
from motcua.dossiers.derive import apply as apply_event
from motcua.dossiers.lifecycle import IllegalTransition
from motcua.dossiers.models import Dossier, DossierEvent

_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode
_quote: Any = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def fast_canonical(code: str, seq: int, type_: str, actor_id: int | None, at_utc: str, payload: Any) -> bytes:
    """Same bytes as `chain.canonical_bytes` (tested), assembled without re-encoding the whole document."""
    return _assemble(_quote(code), seq, _quote(type_), actor_id, at_utc, payload)


def _assemble(code_json: str, seq: int, type_json: str, actor_id: int | None, at_utc: str, payload: Any) -> bytes:
    actor = "null" if actor_id is None else str(int(actor_id))
    return (
        f'{{"actor":{actor},"at":"{at_utc}","dossier":{code_json},"payload":{_dumps(payload)},'
        f'"seq":{int(seq)},"type":{type_json}}}'
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


def _stream(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(10000)
            if not rows:
                return
            yield from rows


def _event_rows(dossier_ids: list[int] | None) -> Iterator[tuple[Any, ...]]:
    table = DossierEvent._meta.db_table
    sql = (
        f"SELECT dossier_id, seq, type, actor_id, {_utc_text('at')}, {_json_text('payload')}, prev_hash, hash "
        f"FROM {table}"
    )
    params: list[Any] = []
    if dossier_ids is not None:
        sql += f" WHERE dossier_id IN ({','.join(['%s'] * len(dossier_ids))})"
        params = list(dossier_ids)
    return _stream(sql + " ORDER BY dossier_id, seq", params)


def _dossier_rows(code: str | None) -> Iterator[dict[str, Any]]:
    """Dossier rows with the cached columns, times as canonical UTC text and JSON as text (no per-value converters)."""
    names = ["id", "code", "event_count", "last_event_hash", *CACHED_FIELDS]
    exprs = [_utc_text(n) if n in TIME_FIELDS else _json_text(n) if n in JSON_FIELDS else n for n in names]
    sql = f"SELECT {', '.join(exprs)} FROM {Dossier._meta.db_table}"
    params: list[Any] = []
    if code is not None:
        sql += " WHERE code = %s"
        params = [code]
    for row in _stream(sql + " ORDER BY id", params):
        yield dict(zip(names, row, strict=True))


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


def verify(code: str | None = None, *, stop_at_first: bool = True, check_state: bool = True) -> Report:
    report = Report()
    ids = None if code is None else list(Dossier.objects.filter(code=code).values_list("id", flat=True))
    events = _event_rows(ids)
    pending = next(events, None)
    sha256 = hashlib.sha256
    loads = json.loads
    parse = datetime.fromisoformat
    type_json: dict[str, str] = {}

    for row in _dossier_rows(code):
        report.dossiers += 1
        dossier_id, dossier_code = row["id"], row["code"]
        # Events of dossiers that no longer exist (or sort before this one) are orphans.
        while pending is not None and pending[0] < dossier_id:
            report.problems.append(Problem(f"#{pending[0]}", pending[1], "event of an unknown dossier"))
            if stop_at_first:
                return report
            pending = next(events, None)
        code_json = _quote(dossier_code)
        running = GENESIS
        expected_seq = 1
        state = State()
        problem: Problem | None = None
        while pending is not None and pending[0] == dossier_id:
            _, seq, type_, actor_id, at_utc, payload, prev_hash, stored = pending
            report.events += 1
            if problem is None:
                if isinstance(payload, str):
                    payload = loads(payload)
                tj = type_json.get(type_) or type_json.setdefault(type_, _quote(type_))
                data = _assemble(code_json, seq, tj, actor_id, at_utc, payload)
                digest = sha256(running.encode("ascii") + data).hexdigest()
                if seq != expected_seq:
                    reason = "missing event (deleted)" if seq > expected_seq else "unexpected event (inserted)"
                    problem = Problem(dossier_code, expected_seq if seq > expected_seq else seq, reason)
                elif prev_hash != running:
                    problem = Problem(dossier_code, seq, "broken link: prev_hash is not the previous event's hash")
                elif digest != stored:
                    problem = Problem(dossier_code, seq, "event altered: hash does not match its content")
                elif check_state:
                    try:
                        apply_event(state, type_, parse(at_utc), payload)
                    except IllegalTransition:
                        problem = Problem(dossier_code, seq, f"illegal transition {type_} from {state.status}")
                running = stored
                expected_seq += 1
            pending = next(events, None)
        if problem is None and expected_seq - 1 != row["event_count"]:
            missing_from = expected_seq
            reason = (
                "missing event (deleted)" if expected_seq - 1 < row["event_count"] else "unexpected event (inserted)"
            )
            problem = Problem(
                dossier_code, missing_from, reason, {"stored": expected_seq - 1, "expected": row["event_count"]}
            )
        if problem is None and running != row["last_event_hash"]:
            problem = Problem(dossier_code, expected_seq - 1, "head hash differs from the dossier row")
        if problem is None and check_state:
            diff = _compare(row, state)
            if diff:
                problem = Problem(dossier_code, None, "cached state differs from the events: " + ", ".join(diff), diff)
        if problem is not None:
            report.problems.append(problem)
            if stop_at_first:
                return report
    while pending is not None:
        report.problems.append(Problem(f"#{pending[0]}", pending[1], "event of an unknown dossier"))
        if stop_at_first:
            return report
        pending = next(events, None)
    return report
