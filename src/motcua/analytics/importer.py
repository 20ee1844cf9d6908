"""Historical dossier import from JSON Lines (contracts §4).

The file is read in chunks: each chunk is validated (line numbers kept), checked for codes already
in the database, then written — PostgreSQL `COPY` for dossiers and events (ids taken from the
sequence beforehand), `bulk_create` elsewhere — and its rollup counters accumulated. Everything
runs in one transaction: without `partial`, any error rolls the whole import back; with `dry_run`
nothing is written at all.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from motcua.analytics.bulkload import SecondaryIndexes
from motcua.analytics.rollup import Deltas, add_dossier, add_from_dossiers, apply_deltas
from motcua.analytics.rules import ALL_STATUSES, CHANNELS, ENDED_STATUSES, DossierFacts
from motcua.core.text import nfc, nfc_deep
from motcua.dossiers.audit import canonical_payload
from motcua.dossiers.chain import GENESIS
from motcua.dossiers.clock import iso, regime_at_receipt

_quote: Any = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring

CHUNK = 20_000
PIPELINE = True  # PostgreSQL without --partial: write chunk k on a helper thread while preparing k+1
BOOL_KEYS = ("paid_online", "digitized", "reused", "e_result", "synced_national", "negative_feedback")


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
    # The source line's canonical JSON (`json.dumps(source, sort_keys=True, separators=(",", ":"),
    # ensure_ascii=False)`): the event payload, embedded as-is in the event's canonical bytes.
    canonical: bytes = b""
    rating: int | None = None  # the line's optional citizen rating (1..5), stored as a `ratings.Rating`


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
        self.calendars: dict[int, Any] = {}
        self.official_fns: dict[int, Callable[[datetime], datetime]] = {}
        # Called before this validator queries the database (the pipelined import settles its write).
        self.before_query: Callable[[], None] = lambda: None

    def calendar(self, unit_id: int) -> Any:
        """The unit's working calendar, fixed for the whole import."""
        if unit_id not in self.calendars:
            from motcua.organizations.models import Unit

            self.before_query()
            try:
                self.calendars[unit_id] = calendar_for_unit(Unit.objects.get(id=unit_id))
            except LookupError as exc:  # the unit names a calendar that does not exist
                raise ValueError(f"the unit's working calendar cannot be loaded: {exc}") from None
        return self.calendars[unit_id]

    def official_fn(self, unit_id: int) -> Callable[[datetime], datetime]:
        """The unit's `official_receipt`, its calendar looked up only when first called."""
        fn = self.official_fns.get(unit_id)
        if fn is None:
            fn = self.official_fns[unit_id] = lambda t: self.calendar(unit_id).official_receipt(t)
        return fn

    def row(self, line: int, text: str) -> Row:
        try:
            # orjson with an exact fallback to the standard library (dossiers.audit.canonical_payload):
            # same decoded value and same canonical bytes as json.loads + json.dumps, and the
            # standard library's error message for malformed lines.
            src, canonical = canonical_payload(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(src, dict):
            raise ValueError("a line must be a JSON object")
        if not canonical.isascii():
            # NFC at the edge: the canonical bytes hold every decoded string (escapes resolved), so
            # an ASCII line, the common case, costs one scan; others are normalised when needed.
            decoded = canonical.decode()
            if nfc(decoded) != decoded:
                src, canonical = canonical_payload(json.dumps(nfc_deep(src), ensure_ascii=False))
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
        applicant = applicant_values(src.get("applicant"))
        rating = src.get("rating")
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
            raise ValueError("rating must be a whole number from 1 to 5 (or absent)")
        if rating is not None and rating <= 2:
            flags["negative_feedback"] = True  # a negative rating counts against 766 criterion 5.3 (§9.3)
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
        if "official_receipt" in src:
            raise ValueError("official_receipt is computed from received_at and the unit's calendar; remove it")
        # The regime by the official receipt, as for a live dossier (clock.regime_at_receipt). When
        # it differs from the received time's, the event records the official receipt, so that
        # `derive` (which has no calendar) reaches the same regime.
        regime, official = regime_at_receipt(received, self.official_fn(unit_id))
        if official is not None:
            src = {**src, "official_receipt": iso(official)}
            canonical = _dumps(src).encode()
        self.seen.add(code)
        return Row(
            line,
            src,
            {
                "code": code,
                "procedure_id": proc_id,
                "unit_id": unit_id,
                "channel": channel,
                "status": status,
                "regime": regime.code,
                "received_at": received,
                "due_at": due,
                "finished_at": finished,
                "returned_at": returned,
                "fee_amount": fee,
                "imported": True,
                **applicant,
                **flags,
            },
            canonical,
            rating,
        )


def applicant_values(raw: Any) -> dict[str, str]:
    """The optional `applicant` of a line (contracts §4), checked like intake: NFC text (already, at the
    edge), a personal/enterprise number of 9, 10, 12 or 13 digits, a phone, an e-mail address."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from motcua.dossiers.commands.schemas import ID_NUMBER, PHONE

    out = {"applicant_name": "", "applicant_id_number": "", "applicant_phone": "", "applicant_email": ""}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise ValueError("applicant must be an object with name, id_number, phone, email")
    unknown = set(raw) - {"name", "id_number", "phone", "email"}
    if unknown:
        raise ValueError(f"applicant: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("name", "id_number", "phone", "email"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"applicant.{key} must be a string")
    name = (raw.get("name") or "").strip()
    id_number = (raw.get("id_number") or "").strip()
    phone = (raw.get("phone") or "").strip()
    email = (raw.get("email") or "").strip()
    if len(name) > 255:
        raise ValueError("applicant.name is longer than 255 characters")
    if id_number and not ID_NUMBER.match(id_number):
        raise ValueError("applicant.id_number must have 9, 10, 12 or 13 digits")
    if phone and not PHONE.match(phone):
        raise ValueError(f"applicant.phone {phone!r} is not a phone number")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(f"applicant.email {email!r} is not an e-mail address") from None
    return {
        "applicant_name": name,
        "applicant_id_number": id_number,
        "applicant_phone": phone,
        "applicant_email": email,
    }


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


def _unique_violation_types() -> tuple[type[BaseException], ...]:
    from django.db import IntegrityError

    types: list[type[BaseException]] = [IntegrityError]
    try:
        import psycopg

        types.append(psycopg.IntegrityError)  # raised by the raw COPY, not wrapped by Django
    except ImportError:  # pragma: no cover - SQLite-only installs
        pass
    return tuple(types)


def import_lines(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    partial: bool = False,
    due_fn: DueFn | None = None,
    progress: IO[str] | None = None,
    total_hint: int | None = None,
    bulk: bool = False,
) -> ImportResult:
    """Validate and import; returns the result (errors listed with line numbers).

    `bulk` (PostgreSQL): rebuild the dossier and event tables' secondary indexes once instead of
    maintaining them per row (`bulkload`; locks both tables until commit). Opt-in only: with the
    COPY overlapped with the Python work it measured no faster on 200,000 lines (docs/benchmarks.md).

    Codes already in the database: without `partial`, while no error has been found, chunks are
    written without asking the database first — the unique index on `code` rejects a duplicate,
    and then everything written so far (under one savepoint) is rolled back and the codes of the
    written chunks and of the failing one are checked, giving the same line-numbered errors as a
    check before writing. Chunks that are not written (dry run, `partial`, or after an error) are
    checked with a query before being written or skipped.
    """
    result = ImportResult(dry_run=dry_run, partial=partial)
    validator = Validator(due_fn if due_fn is not None else default_due_calculator())
    writer = Writer()
    deltas: Deltas = {}
    written_ids: list[int] = []
    written: list[tuple[int, str]] = []  # (line, code) written optimistically under `savepoint`
    savepoint: str | None = None
    violations = _unique_violation_types()
    reported = 0
    indexes: SecondaryIndexes | None = None
    if writer.pg and not dry_run and bulk:
        from motcua.dossiers.models import Dossier, DossierEvent

        indexes = SecondaryIndexes([Dossier._meta.db_table, DossierEvent._meta.db_table])

    def report_existing(candidates: list[tuple[int, str]]) -> set[str]:
        existing = _existing_codes([code for _, code in candidates])
        for number, code in candidates:
            if code in existing:
                result.errors.append({"line": number, "error": f"duplicate code {code!r}: already in the database"})
        return existing

    def written_ok(rows: list[Row], new_ids: list[int]) -> None:
        written.extend((r.line, r.values["code"]) for r in rows)
        _collect(writer, rows, new_ids, written_ids, deltas)
        result.imported += len(rows)

    def write_failed(rows: list[Row], exc: BaseException) -> None:
        # Django may mark the transaction broken (bulk_create's inner atomic); rolling back to the
        # savepoint taken before any write makes it usable again.
        assert savepoint is not None
        transaction.set_rollback(False)
        transaction.savepoint_rollback(savepoint)
        if not report_existing(written + [(r.line, r.values["code"]) for r in rows]):
            raise exc  # not a code already in the database (e.g. a concurrent import): abort
        written_ids.clear()
        deltas.clear()
        writer.ratings.clear()
        result.imported = 0

    # PostgreSQL, without --partial: chunk k is sent (ids, COPY) on a helper thread while this one
    # validates and renders chunk k+1. This thread stays off the connection while a write is
    # pending: `settle` (wait for it, then record its ids or handle its failure) runs before any
    # query here — before the next write, before the end, and before a due date is computed.
    pipelined = PIPELINE and writer.pg and not partial and not dry_run
    pool = ThreadPoolExecutor(1, thread_name_prefix="import-copy") if pipelined else None
    pending: tuple[Future[list[int]], list[Row]] | None = None

    def settle() -> None:
        nonlocal pending
        if pending is None:
            return
        future, rows = pending
        pending = None
        try:
            new_ids = future.result()
        except violations as exc:
            write_failed(rows, exc)
        else:
            written_ok(rows, new_ids)

    if validator.due_fn is not None and pool is not None:
        compute_due = validator.due_fn

        def due_after_settling(unit_id: int, procedure_id: int, received: datetime) -> datetime:
            settle()
            return compute_due(unit_id, procedure_id, received)

        validator.due_fn = due_after_settling
    if pool is not None:
        validator.before_query = settle

    try:
        with transaction.atomic():
            raw = connection.connection if pool is not None else None
            try:
                for chunk in _chunks(lines, CHUNK):
                    result.lines = chunk[-1][0]
                    rows: list[Row] = []
                    for number, text in chunk:
                        try:
                            rows.append(validator.row(number, text))
                        except ValueError as exc:
                            result.errors.append({"line": number, "error": str(exc)})
                    rendered = writer.render(rows) if pool is not None and rows and not result.errors else None
                    settle()
                    optimistic = not dry_run and not partial and not result.errors and rows
                    if indexes is not None and not indexes.saved and (optimistic or (partial and rows)):
                        indexes.drop()  # before the first write (restored by a rollback)
                    if optimistic:
                        if savepoint is None:
                            savepoint = transaction.savepoint()
                        if pool is not None:
                            rendered = rendered or writer.render(rows)
                            pending = (pool.submit(writer.send, rendered, raw), rows)
                        else:
                            try:
                                new_ids = writer.write(rows)
                            except violations as exc:
                                write_failed(rows, exc)
                            else:
                                written_ok(rows, new_ids)
                    else:
                        existing = report_existing([(r.line, r.values["code"]) for r in rows])
                        if existing:
                            rows = [r for r in rows if r.values["code"] not in existing]
                        if not dry_run and (partial or not result.errors) and rows:
                            _collect(writer, rows, writer.write(rows), written_ids, deltas)
                        result.imported += len(rows) if (partial or not result.errors) else 0
                    if progress is not None and result.lines // 100_000 > reported:
                        reported = result.lines // 100_000
                        pct = f" ({100 * result.lines // total_hint}%)" if total_hint else ""
                        print(f"import: {result.lines} lines read{pct}, {len(result.errors)} errors", file=progress)
                settle()
            finally:
                if pool is not None:
                    pool.shutdown(wait=True)  # never end the transaction under a running COPY
            result.errors.sort(key=lambda e: e["line"])
            if dry_run or (result.errors and not partial):
                raise ImportAborted
            if indexes is not None:
                indexes.restore()
            apply_deltas(deltas)
            add_from_dossiers(written_ids)
            writer.save_ratings()
    except ImportAborted:
        if not dry_run:
            result.imported = 0
    if dry_run:
        result.imported = 0 if result.errors and not partial else result.imported
    return result


def _collect(writer: Writer, rows: list[Row], new_ids: list[int], written_ids: list[int], deltas: Deltas) -> None:
    writer.ratings.extend(
        (pk, r.rating, r.values["finished_at"] or r.values["received_at"])
        for pk, r in zip(new_ids, rows, strict=True)
        if r.rating is not None
    )
    if writer.pg:
        written_ids.extend(new_ids)  # counters computed by the server at the end
    else:
        for r in rows:
            v = r.values
            add_dossier(deltas, v["unit_id"], v["procedure_id"], facts_from_values(v))


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
        self.at_utc = self.now.astimezone(UTC).isoformat(timespec="microseconds").encode()
        self.pg = connection.vendor == "postgresql"
        self.ratings: list[tuple[int, int, datetime]] = []  # (dossier id, 1..5, when) of rated lines
        self._layout_cache: tuple[list[str], list[str], str, str] | None = None
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
            prev, h = self._event(r.values["code"], r.source, r.canonical)
            if "last_event_hash" in present:
                r.values["last_event_hash"] = h
            if "event_count" in present:
                r.values["event_count"] = 1
            out.append((prev, h))
        return out

    def _event(self, code: str, source: dict[str, Any], canonical: bytes = b"") -> tuple[str, str]:
        """(GENESIS, hash) of the `imported` event: `chain.canonical_bytes` assembled from the row's
        canonical payload bytes (same bytes, tested), hashed after GENESIS."""
        if not canonical:
            canonical = _dumps(source).encode()
        data = b'{"actor":null,"at":"%b","by":"import","dossier":%b,"payload":%b,"seq":1,"type":"imported"}' % (
            self.at_utc,
            _quote(code).encode(),
            canonical,
        )
        return GENESIS, hashlib.sha256(_GENESIS_BYTES + data).hexdigest()

    def save_ratings(self) -> None:
        """Store the imported lines' ratings (contracts §4, §9.3) once their dossiers exist."""
        from motcua.ratings.models import Rating, RatingChannel

        Rating.objects.bulk_create(
            [
                Rating(
                    dossier_id=pk,
                    channel=RatingChannel.IMPORT,
                    scale="import-5",
                    answers={"overall": value},
                    overall=value,
                    rated_at=at,
                )
                for pk, value, at in self.ratings
            ],
            batch_size=1000,
        )

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
        return self.send(self.render(rows), connection.connection)

    def _layout(self) -> tuple[list[str], list[str], str, str]:
        """(varying columns, COPY column list, constant suffix, fixed event columns), computed once."""
        if self._layout_cache is None:
            all_cols = [f.attname for f in self.dossier_fields]
            # COPY column order: id, the columns every row carries (formatted per row), the cached
            # chain head, then the others, whose defaults are rendered once as a tab-separated suffix.
            varying = [c for c in ROW_COLUMNS if c in all_cols]
            constant = [c for c in all_cols if c != "id" and c not in varying and c not in self.CHAIN_FIELDS]
            assert all(c in all_cols for c in self.CHAIN_FIELDS)  # the head of each new chain is cached
            suffix = "".join("\t" + _copy_text(self.defaults[c]) for c in constant)
            assert set(EVENT_COLUMNS) == {f.attname for f in self.event_fields if f.attname != "id"}
            event_fixed = "\t1\timported\t\\N\timport\t" + _copy_text(self.now) + "\t"
            self._layout_cache = (varying, ["id", *varying, *self.CHAIN_FIELDS, *constant], suffix, event_fixed)
        return self._layout_cache

    def render(self, rows: list[Row]) -> tuple[list[str], list[str]]:
        """COPY text of each row's dossier and event, without the leading dossier id (known at `send`).

        Also computes each event's hash and sets the rows' cached chain columns.
        """
        varying, _, suffix, event_fixed = self._layout()
        quote, sha256, genesis, at_utc, text = _quote, hashlib.sha256, _GENESIS_BYTES, self.at_utc, _copy_text
        dlines, elines = [], []
        for r in rows:
            values = r.values
            canonical = r.canonical or _dumps(r.source).encode()
            h = sha256(
                genesis
                + b'{"actor":null,"at":"%b","by":"import","dossier":%b,"payload":%b,"seq":1,"type":"imported"}'
                % (at_utc, quote(values["code"]).encode(), canonical)
            ).hexdigest()
            values["last_event_hash"], values["event_count"] = h, 1
            dlines.append("\t" + "\t".join([text(values[c]) for c in varying]) + f"\t{h}\t1{suffix}\n")
            payload = canonical.decode()
            if "\\" in payload:
                payload = payload.replace("\\", "\\\\")  # JSON text has no raw tab or newline
            elines.append(f"{event_fixed}{payload}\t{GENESIS}\t{h}\n")
        return dlines, elines

    def send(self, rendered: tuple[list[str], list[str]], conn: Any) -> list[int]:
        """Take ids from the sequence and COPY the rendered rows through the psycopg connection `conn`.

        Uses only `conn` (no Django state), so that it may run on a helper thread while the main
        thread prepares the next chunk; the main thread then keeps off the connection.
        """
        from motcua.dossiers.models import Dossier, DossierEvent

        dt, et = Dossier._meta.db_table, DossierEvent._meta.db_table
        _, cols, _, _ = self._layout()
        dlines, elines = rendered
        with conn.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval(pg_get_serial_sequence('{dt}', 'id')) FROM generate_series(1, %s)", [len(dlines)]
            )
            ids = [int(r[0]) for r in cursor.fetchall()]
            with cursor.copy(f"COPY {dt} ({', '.join(cols)}) FROM STDIN") as copy:
                copy.write("".join([f"{pk}{d}" for pk, d in zip(ids, dlines, strict=True)]))
            with cursor.copy(f"COPY {et} ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                copy.write("".join([f"{pk}{e}" for pk, e in zip(ids, elines, strict=True)]))
        return ids


EVENT_COLUMNS = ("dossier_id", "seq", "type", "actor_id", "actor_label", "at", "payload", "prev_hash", "hash")
# The Dossier columns an imported row carries (Validator.row), in COPY order.
ROW_COLUMNS = (
    "code",
    "procedure_id",
    "unit_id",
    "channel",
    "status",
    "regime",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "fee_amount",
    "imported",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    *BOOL_KEYS,
)
_GENESIS_BYTES = GENESIS.encode("ascii")
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode


def import_file(path: str, **kwargs: Any) -> ImportResult:
    if "total_hint" not in kwargs:
        kwargs["total_hint"] = count_lines(path)
    with open(path, encoding="utf-8-sig") as fh:
        return import_lines(fh, progress=kwargs.pop("progress", sys.stderr), **kwargs)


def count_lines(path: str) -> int:
    """Number of lines in the file (a quick binary pass, for progress percentages)."""
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")
