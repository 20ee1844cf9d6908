"""Historical dossier import from JSON Lines (contracts §4).

The file is read in chunks: each chunk is validated (line numbers kept), checked for codes already
in the database, then written — PostgreSQL `COPY` for dossiers and events (ids taken from the
sequence beforehand), `bulk_create` elsewhere — and its rollup counters accumulated. Everything
runs in one transaction: without `partial`, any error rolls the whole import back; with `dry_run`
nothing is written at all.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from motcua.analytics.rollup import Deltas, add_dossier, add_from_dossiers, apply_deltas
from motcua.analytics.rules import ALL_STATUSES, CHANNELS, ENDED_STATUSES, DossierFacts, local_date
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash

CHUNK = 20_000
BOOL_KEYS = ("paid_online", "digitized", "reused", "e_result", "synced_national", "negative_feedback")
# Receipts before this date fall under Decree 61/2018, from it under Decree 118/2025.
ND118_FROM = date(2025, 7, 1)


class ImportAborted(Exception):
    """Raised inside the transaction to roll back an atomic import that found errors."""


@dataclass
class ImportResult:
    lines: int = 0
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    partial: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "lines": self.lines,
            "imported": self.imported,
            "rejected": len(self.errors),
            "errors": self.errors,
        }


@dataclass
class Row:
    line: int
    source: dict[str, Any]
    values: dict[str, Any]


DueFn = Callable[[int, int, datetime], datetime]


def default_due_calculator() -> DueFn:
    """due_at from the procedure's deadline and the unit's calendar (cached per unit)."""
    from motcua.catalog.models import Procedure
    from motcua.organizations.models import Unit

    calendars: dict[int, Any] = {}
    procedures: dict[int, tuple[Decimal, str, time | None]] = {}

    def calendar(unit_id: int) -> Any:
        if unit_id not in calendars:
            unit = Unit.objects.get(id=unit_id)
            calendars[unit_id] = calendar_for_unit(unit)
        return calendars[unit_id]

    def due(unit_id: int, procedure_id: int, received: datetime) -> datetime:
        if procedure_id not in procedures:
            p = Procedure.objects.values_list("deadline_amount", "deadline_unit", "cutoff").get(id=procedure_id)
            procedures[procedure_id] = (p[0], p[1], p[2])
        amount, unit, cutoff = procedures[procedure_id]
        if unit != "same_day" and not amount:
            raise ValueError("the procedure has no deadline; give due_at")
        value = int(amount) if amount == int(amount) else amount
        return calendar(unit_id).due(received, value, unit, cutoff).due  # type: ignore[no-any-return]

    return due


def calendar_for_unit(unit: Any) -> Any:
    """The unit's working calendar: the calendar service when present, else the statutory default."""
    try:
        from motcua.calendar import service

        return service.calendar_for_unit(unit)
    except (ImportError, AttributeError):
        from motcua.calendar.holidays_vn import vietnam_calendar

        return vietnam_calendar()


def _parse_time(value: Any, key: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be an ISO 8601 timestamp string")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key} is not a valid ISO 8601 timestamp: {value!r}") from None
    if t.tzinfo is None:
        raise ValueError(f"{key} has no UTC offset: {value!r}")
    return t


class Validator:
    def __init__(self, due_fn: DueFn | None) -> None:
        from motcua.catalog.models import Procedure
        from motcua.organizations.models import Unit

        self.procedures = dict(Procedure.objects.values_list("code", "id"))
        self.units = dict(Unit.objects.values_list("code", "id"))
        self.seen: set[str] = set()
        self.due_fn = due_fn

    def row(self, line: int, text: str) -> Row:
        try:
            src = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(src, dict):
            raise ValueError("a line must be a JSON object")
        code = src.get("code")
        if not isinstance(code, str) or not code.strip() or len(code) > 64:
            raise ValueError("code must be a non-empty string of at most 64 characters")
        proc = src.get("procedure")
        if proc not in self.procedures:
            raise ValueError(f"unknown procedure code {proc!r}")
        unit = src.get("unit")
        if unit not in self.units:
            raise ValueError(f"unknown unit code {unit!r}")
        channel = src.get("channel")
        if channel not in CHANNELS:
            raise ValueError(f"bad channel {channel!r}; expected direct, online or postal")
        status = src.get("status")
        if status not in ALL_STATUSES:
            raise ValueError(f"bad status {status!r}")
        if "received_at" not in src:
            raise ValueError("received_at is required")
        received = _parse_time(src["received_at"], "received_at")
        finished = _parse_time(src["finished_at"], "finished_at") if src.get("finished_at") is not None else None
        if status in ENDED_STATUSES and finished is None:
            raise ValueError(f"finished_at is required for status {status}")
        if status not in ENDED_STATUSES and finished is not None:
            raise ValueError(f"finished_at must be absent for status {status}")
        if finished is not None and finished < received:
            raise ValueError("finished_at is before received_at")
        returned = _parse_time(src["returned_at"], "returned_at") if src.get("returned_at") is not None else None
        fee = src.get("fee_amount", 0)
        if isinstance(fee, bool) or not isinstance(fee, int) or fee < 0:
            raise ValueError("fee_amount must be a non-negative integer")
        flags = {}
        for k in BOOL_KEYS:
            v = src.get(k, False)
            if not isinstance(v, bool):
                raise ValueError(f"{k} must be true or false")
            flags[k] = v
        unit_id, proc_id = self.units[unit], self.procedures[proc]
        if src.get("due_at") is not None:
            due = _parse_time(src["due_at"], "due_at")
        elif self.due_fn is not None:
            try:
                due = self.due_fn(unit_id, proc_id, received)
            except ValueError as exc:
                raise ValueError(f"due_at omitted and cannot be computed: {exc}") from None
        else:
            raise ValueError("due_at is required")
        if code in self.seen:
            raise ValueError(f"duplicate code {code!r} in the file")
        self.seen.add(code)
        r = local_date(received)
        return Row(
            line,
            src,
            {
                "code": code,
                "procedure_id": proc_id,
                "unit_id": unit_id,
                "channel": channel,
                "status": status,
                "regime": "nd61" if r is not None and r < ND118_FROM else "nd118",
                "received_at": received,
                "due_at": due,
                "finished_at": finished,
                "returned_at": returned,
                "fee_amount": fee,
                "imported": True,
                **flags,
            },
        )


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        chunk.append((number, text))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing_codes(codes: list[str]) -> set[str]:
    from motcua.dossiers.models import Dossier

    found: set[str] = set()
    for start in range(0, len(codes), 5000):
        found.update(Dossier.objects.filter(code__in=codes[start : start + 5000]).values_list("code", flat=True))
    return found


def import_lines(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    partial: bool = False,
    due_fn: DueFn | None = None,
    progress: IO[str] | None = None,
    total_hint: int | None = None,
) -> ImportResult:
    """Validate and import; returns the result (errors listed with line numbers)."""
    result = ImportResult(dry_run=dry_run, partial=partial)
    validator = Validator(due_fn if due_fn is not None else default_due_calculator())
    writer = Writer()
    deltas: Deltas = {}
    written_ids: list[int] = []
    reported = 0
    try:
        with transaction.atomic():
            for chunk in _chunks(lines, CHUNK):
                result.lines = chunk[-1][0]
                rows: list[Row] = []
                for number, text in chunk:
                    try:
                        rows.append(validator.row(number, text))
                    except ValueError as exc:
                        result.errors.append({"line": number, "error": str(exc)})
                existing = _existing_codes([r.values["code"] for r in rows])
                if existing:
                    kept = []
                    for r in rows:
                        if r.values["code"] in existing:
                            result.errors.append(
                                {
                                    "line": r.line,
                                    "error": f"duplicate code {r.values['code']!r}: already in the database",
                                }
                            )
                        else:
                            kept.append(r)
                    rows = kept
                if not dry_run and (partial or not result.errors) and rows:
                    new_ids = writer.write(rows)
                    if writer.pg:
                        written_ids.extend(new_ids)  # counters computed by the server at the end
                    else:
                        for r in rows:
                            v = r.values
                            add_dossier(deltas, v["unit_id"], v["procedure_id"], facts_from_values(v))
                result.imported += len(rows) if (partial or not result.errors) else 0
                if progress is not None and result.lines // 100_000 > reported:
                    reported = result.lines // 100_000
                    pct = f" ({100 * result.lines // total_hint}%)" if total_hint else ""
                    print(f"import: {result.lines} lines read{pct}, {len(result.errors)} errors", file=progress)
            result.errors.sort(key=lambda e: e["line"])
            if dry_run or (result.errors and not partial):
                raise ImportAborted
            apply_deltas(deltas)
            add_from_dossiers(written_ids)
    except ImportAborted:
        if not dry_run:
            result.imported = 0
    if dry_run:
        result.imported = 0 if result.errors and not partial else result.imported
    return result


def facts_from_values(v: dict[str, Any]) -> DossierFacts:
    from motcua.analytics.rollup import facts_of

    return facts_of(v)


# --- writing ---------------------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    s = str(value)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


class Writer:
    """Writes validated rows; column lists come from the models at run time."""

    def __init__(self) -> None:
        from motcua.dossiers.models import Dossier, DossierEvent

        self.now = timezone.now()
        self.pg = connection.vendor == "postgresql"
        self.dossier_fields = [f for f in Dossier._meta.concrete_fields]
        self.event_fields = [f for f in DossierEvent._meta.concrete_fields]
        self.defaults: dict[str, Any] = {}
        for f in self.dossier_fields:
            if f.has_default():
                default = f.get_default()
                self.defaults[f.attname] = json.dumps(default) if isinstance(default, dict | list) else default
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = self.now
            else:
                self.defaults[f.attname] = None

    # Cached chain state the dossier context may keep on Dossier (set when those columns exist).
    CHAIN_FIELDS = ("last_event_hash", "event_count")

    def _chain(self, rows: list[Row]) -> list[tuple[str, str]]:
        """The event (prev_hash, hash) of each row; also fills the dossier's cached chain columns if any."""
        present = {f.attname for f in self.dossier_fields} & set(self.CHAIN_FIELDS)
        out = []
        for r in rows:
            prev, h = self._event(r.values["code"], r.source)
            if "last_event_hash" in present:
                r.values["last_event_hash"] = h
            if "event_count" in present:
                r.values["event_count"] = 1
            out.append((prev, h))
        return out

    def _event(self, code: str, source: dict[str, Any]) -> tuple[str, str]:
        data = canonical_bytes(dossier_code=code, seq=1, type="imported", actor_id=None, at=self.now, payload=source)
        return GENESIS, event_hash(GENESIS, data)

    def write(self, rows: list[Row]) -> list[int]:
        """Write the rows; returns the new dossier ids."""
        return self._copy(rows) if self.pg else self._bulk(rows)

    def _bulk(self, rows: list[Row]) -> list[int]:
        from motcua.dossiers.models import Dossier, DossierEvent

        hashes = self._chain(rows)
        objs = [Dossier(**r.values) for r in rows]
        Dossier.objects.bulk_create(objs, batch_size=500)
        events = []
        for obj, r, (prev, h) in zip(objs, rows, hashes, strict=True):
            events.append(
                DossierEvent(
                    dossier_id=obj.pk,
                    seq=1,
                    type="imported",
                    actor_label="import",
                    at=self.now,
                    payload=r.source,
                    prev_hash=prev,
                    hash=h,
                )
            )
        DossierEvent.objects.bulk_create(events, batch_size=500)
        return [int(o.pk) for o in objs]

    def _copy(self, rows: list[Row]) -> list[int]:
        from motcua.dossiers.models import Dossier, DossierEvent

        dt, et = Dossier._meta.db_table, DossierEvent._meta.db_table
        hashes = self._chain(rows)
        cols = [f.attname for f in self.dossier_fields]
        # Columns the rows never carry are rendered once; only the others are formatted per row.
        row_keys = set(rows[0].values)
        template = [None if c == "id" or c in row_keys else _copy_text(self.defaults[c]) for c in cols]
        slots = [(i, c) for i, c in enumerate(cols) if template[i] is None and c != "id"]
        id_slot = cols.index("id")
        ecols = [f.attname for f in self.event_fields if f.attname != "id"]
        at = _copy_text(self.now)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{dt}', 'id')) FROM generate_series(1, %s)", [len(rows)]
            )
            ids = [r[0] for r in cursor.fetchall()]
            dlines, elines = [], []
            for pk, r, (prev, h) in zip(ids, rows, hashes, strict=True):
                values = r.values
                line = list(template)
                line[id_slot] = str(pk)
                for i, c in slots:
                    line[i] = _copy_text(values[c])
                dlines.append("\t".join(line))  # type: ignore[arg-type]
                event = {
                    "dossier_id": str(pk),
                    "seq": "1",
                    "type": "imported",
                    "actor_id": "\\N",
                    "actor_label": "import",
                    "at": at,
                    "payload": _copy_text(json.dumps(r.source, ensure_ascii=False)),
                    "prev_hash": prev,
                    "hash": h,
                }
                elines.append("\t".join(event.get(c, "\\N") for c in ecols))
            raw = cursor.cursor  # the psycopg cursor behind Django's wrapper
            with raw.copy(f"COPY {dt} ({', '.join(cols)}) FROM STDIN") as copy:
                copy.write("\n".join(dlines) + "\n")
            with raw.copy(f"COPY {et} ({', '.join(ecols)}) FROM STDIN") as copy:
                copy.write("\n".join(elines) + "\n")
        return [int(i) for i in ids]


def import_file(path: str, **kwargs: Any) -> ImportResult:
    with open(path, encoding="utf-8-sig") as fh:
        return import_lines(fh, progress=kwargs.pop("progress", sys.stderr), **kwargs)
