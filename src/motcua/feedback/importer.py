"""`motcua feedback import FILE.jsonl [--dry-run]` (contracts §9.2): all-or-nothing, line-numbered errors.

Each line becomes a feedback in its final or current state with one `imported` event (the same
hash chain as live feedback); its timing (§9.1) is evaluated from the line's times.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.core.text import nfc_deep
from motcua.feedback import rules
from motcua.feedback.chain import GENESIS, canonical_bytes, event_hash
from motcua.feedback.models import Case, Channel, Feedback, FeedbackEvent, Status

STATUSES = ("received", "rejected", "forwarded", "answered", "published")
TIMES = ("received_at", "forwarded_at", "rejected_at", "answered_at", "published_at")
REQUIRED_TIME = {
    "rejected": "rejected_at",
    "forwarded": "forwarded_at",
    "answered": "answered_at",
    "published": "published_at",
}


@dataclass
class ImportResult:
    lines: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"lines": self.lines, "imported": self.imported, "dry_run": self.dry_run, "errors": self.errors}


def _time(obj: dict[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be an ISO 8601 timestamp with offset or null")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key} {value!r} is not an ISO 8601 timestamp") from None
    if t.tzinfo is None:
        raise ValueError(f"{key} {value!r} has no UTC offset")
    return t


def parse_line(obj: Any, units: dict[str, int]) -> dict[str, Any]:
    """One line checked into field values; raises ValueError with a plain-English reason."""
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    code = obj.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        raise ValueError("code must be a non-empty string of at most 64 characters")
    unit = obj.get("unit")
    if not isinstance(unit, str) or unit not in units:
        raise ValueError(f"unknown unit {unit!r}")
    status = obj.get("status")
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    times = {k: _time(obj, k) for k in TIMES}
    received = times["received_at"]
    if received is None:
        raise ValueError("received_at is required")
    for k in TIMES[1:]:
        t = times[k]
        if t is not None and t < received:
            raise ValueError(f"{k} is before received_at")
    if (need := REQUIRED_TIME.get(status)) and times[need] is None:
        raise ValueError(f"status {status} needs {need}")
    if status == "published" and times["answered_at"] is None:
        raise ValueError("status published needs answered_at")
    if status in ("received", "forwarded") and (times["answered_at"] or times["published_at"] or times["rejected_at"]):
        raise ValueError(f"status {status} cannot carry answered_at, published_at or rejected_at")
    if status == "rejected" and (times["answered_at"] or times["published_at"]):
        raise ValueError("status rejected cannot carry answered_at or published_at")
    if status == "answered" and times["published_at"] is not None:
        raise ValueError("status answered cannot carry published_at (use status published)")
    if times["answered_at"] and times["forwarded_at"] and times["answered_at"] < times["forwarded_at"]:
        raise ValueError("answered_at is before forwarded_at")
    if times["published_at"] and times["answered_at"] and times["published_at"] < times["answered_at"]:
        raise ValueError("published_at is before answered_at")
    rating = obj.get("rating")
    if rating is not None:
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValueError(f"rating {rating!r} must be an integer 1..5 or null")
        if status not in ("answered", "published"):
            raise ValueError("rating needs an answer (status answered or published)")
    return {"code": code, "unit": unit, "status": status, "rating": rating, **times}


def _build(
    v: dict[str, Any], raw: dict[str, Any], units: dict[str, int], cal_for: Any
) -> tuple[Feedback, FeedbackEvent]:
    from motcua.feedback.commands import new_token

    cal = cal_for(v["unit"])
    steps = rules.history_steps(
        received_at=v["received_at"],
        forwarded_at=v["forwarded_at"],
        rejected_at=v["rejected_at"],
        answered_at=v["answered_at"],
        published_at=v["published_at"],
    )
    evaluated = rules.evaluate(cal, steps)
    clock_start = v["forwarded_at"] or v["received_at"]
    due_step, due_at = rules.next_due(cal, v["status"], clock_start, v["answered_at"])
    case = Case.NOT_ACCEPTED if v["status"] == "rejected" else (Case.OUTSIDE_AUTHORITY if v["forwarded_at"] else "")
    title = str(raw.get("title") or "Phản ánh, kiến nghị (dữ liệu chuyển đổi)")[:300]
    content, answer = str(raw.get("content") or ""), str(raw.get("answer") or "")
    fb = Feedback(
        code=v["code"],
        unit_id=units[v["unit"]],
        receiving_unit_id=units[v["unit"]],
        channel=Channel.IMPORT,
        status=v["status"],
        case=case,
        title=title,
        content=content,
        title_public=rules.redact(title)[:300],
        content_public=rules.redact(content),
        answer=answer,
        answer_public=rules.redact(answer),
        received_at=v["received_at"],
        clock_start=clock_start,
        forwarded_at=v["forwarded_at"],
        rejected_at=v["rejected_at"],
        answered_at=v["answered_at"],
        published_at=v["published_at"],
        due_at=due_at,
        due_step=due_step,
        steps=evaluated,
        late=not all(s["met"] for s in evaluated),
        rating=v["rating"],
        rated_at=v["published_at"] or v["answered_at"] if v["rating"] is not None else None,
        rating_token=new_token(),
        event_count=1,
        version=1,
    )
    payload = json.loads(json.dumps(raw, default=str))
    h = event_hash(
        GENESIS,
        canonical_bytes(code=fb.code, seq=1, type="imported", actor_id=None, at=v["received_at"], payload=payload),
    )
    fb.last_event_hash = h
    ev = FeedbackEvent(seq=1, type="imported", actor=None, at=v["received_at"], payload=payload, hash=h)
    return fb, ev


def import_lines(lines: list[str], dry_run: bool = False) -> ImportResult:
    from motcua.calendar.service import calendar_for_unit
    from motcua.organizations.models import Unit

    units = dict(Unit.objects.values_list("code", "id"))
    unit_rows = {u.code: u for u in Unit.objects.all()}
    result = ImportResult(dry_run=dry_run)
    seen: dict[str, int] = {}
    parsed: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result.lines += 1
        try:
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg})") from None
            raw = nfc_deep(raw)
            v = parse_line(raw, units)
            if v["code"] in seen:
                raise ValueError(f"duplicate code {v['code']} (also on line {seen[v['code']]})")
            seen[v["code"]] = n
            parsed.append((v, raw))
        except ValueError as exc:
            result.errors.append({"line": n, "error": str(exc)})
    existing = set(Feedback.objects.filter(code__in=list(seen)).values_list("code", flat=True))
    for code in sorted(existing, key=lambda c: seen[c]):
        result.errors.append({"line": seen[code], "error": f"code {code} already exists"})
    result.errors.sort(key=lambda e: e["line"])
    if result.errors:
        return result
    if dry_run:
        result.imported = len(parsed)
        return result
    built = [_build(v, raw, units, lambda code: calendar_for_unit(unit_rows[code])) for v, raw in parsed]
    with transaction.atomic():
        rows = Feedback.objects.bulk_create([fb for fb, _ev in built], batch_size=1000)
        ids = dict(Feedback.objects.filter(code__in=[fb.code for fb in rows]).values_list("code", "id"))
        events = []
        for fb, ev in built:
            ev.feedback_id = ids[fb.code]
            events.append(ev)
        FeedbackEvent.objects.bulk_create(events, batch_size=1000)
    result.imported = len(built)
    return result


def import_file(path: str, dry_run: bool = False) -> ImportResult:
    with open(path, encoding="utf-8") as fh:
        return import_lines(fh.read().splitlines(), dry_run=dry_run)


__all__ = ["ImportResult", "Status", "import_file", "import_lines", "parse_line"]
