"""What the event chain says about the rows beside it (pure: no Django).

`motcua audit verify` compares, for each dossier, these facts re-derived from the hashed events
with the rows the screens and reports read:
- the applicant (name, ID number, phone, e-mail, address, citizen account): the first event's
  `applicant` payload (live intake: `kernel.append`; history import: the source line's `applicant`);
- step runs (the processing control sheet): `step_started` opens a run (order, name, unit code,
  assignee, due time, start), `step_completed` closes it (end, outcome), `stopped` / `withdrawn`
  close the runs still open (end, no outcome); `unit_transferred` (a restructuring decision) moves
  the runs still open at a unit of its `units` map to that unit's successor;
- documents: every `{"document": id, "sha256", "filename", "kind"}` in an event's payload (top
  level or one level down) is the document row with that id, attached at that event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

APPLICANT_KEYS = ("name", "id_number", "phone", "email", "address", "user")
STEP_TYPES = frozenset({"step_started", "step_completed", "stopped", "withdrawn", "unit_transferred"})
CLOSES_OPEN_RUNS = frozenset({"stopped", "withdrawn"})


def applicant(first_payload: dict[str, Any] | None) -> tuple[Any, ...]:
    facts = (first_payload or {}).get("applicant")
    if not isinstance(facts, dict):
        facts = {}
    return tuple(facts.get(k) or ("" if k != "user" else None) for k in APPLICANT_KEYS)


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class Runs:
    """Step runs folded from a dossier's step events, as rows: (event_seq, order, name, unit code,
    assignee id, started_at, due_at, finished_at, outcome)."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: dict[int, list[Any]] = {}

    def apply(self, seq: int, type_: str, at: datetime, payload: dict[str, Any]) -> None:
        if type_ == "step_started":
            step = payload.get("step") or {}
            self.rows[seq] = [
                seq,
                step.get("order"),
                step.get("name"),
                step.get("unit"),
                step.get("assignee"),
                at,
                _dt(step.get("due_at")),
                None,
                "",
            ]
        elif type_ == "step_completed":
            run = self.rows.get(payload.get("started_seq"))  # type: ignore[arg-type]
            if run is not None:
                run[7], run[8] = at, payload.get("outcome", "")
        elif type_ in CLOSES_OPEN_RUNS:
            for run in self.rows.values():
                if run[7] is None:
                    run[7] = at
        elif type_ == "unit_transferred":
            moves = payload.get("units") or {}
            for run in self.rows.values():
                if run[7] is None and run[3] in moves:
                    run[3] = moves[run[3]]

    def as_list(self) -> list[tuple[Any, ...]]:
        return [tuple(self.rows[k]) for k in sorted(self.rows)]


def document_refs(seq: int, payload: dict[str, Any], out: dict[int, tuple[Any, ...]]) -> None:
    """Add the documents an event's payload names: id → (event_seq, sha256, filename, kind)."""
    if "document" in payload and "sha256" in payload:
        out[payload["document"]] = (seq, payload["sha256"], payload.get("filename"), payload.get("kind"))
    for value in payload.values():
        if isinstance(value, dict) and "document" in value and "sha256" in value:
            out[value["document"]] = (seq, value["sha256"], value.get("filename"), value.get("kind"))
