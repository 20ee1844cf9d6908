"""Verify every feedback's event chain (called by `motcua audit verify` beside the dossier audit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from motcua.feedback.chain import GENESIS, canonical_bytes, event_hash


@dataclass
class FeedbackAudit:
    feedback: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"feedback": self.feedback, "events": self.events, "ok": self.ok, "problems": self.problems}


def verify(code: str | None = None, stop_at_first: bool = True) -> FeedbackAudit:
    """Re-hash each chain; the row's `event_count`/`last_event_hash` catch a deleted last event.

    A problem reads "feedback CODE event SEQ: reason".
    """
    from motcua.feedback.models import Feedback, FeedbackEvent

    report = FeedbackAudit()
    rows = Feedback.objects.order_by("id")
    if code:
        rows = rows.filter(code=code)
    for fb in rows.only("id", "code", "event_count", "last_event_hash").iterator(chunk_size=500):
        report.feedback += 1
        prev, expected_seq, problem = GENESIS, 1, ""
        for ev in FeedbackEvent.objects.filter(feedback_id=fb.id).order_by("seq").iterator(chunk_size=500):
            report.events += 1
            if ev.seq != expected_seq:
                problem = f"feedback {fb.code} event {expected_seq}: missing (found {ev.seq})"
                break
            data = canonical_bytes(
                code=fb.code, seq=ev.seq, type=ev.type, actor_id=ev.actor_id, at=ev.at, payload=ev.payload
            )
            h = event_hash(prev, data)
            if h != ev.hash:
                problem = f"feedback {fb.code} event {ev.seq}: hash mismatch (edited or reordered)"
                break
            prev, expected_seq = h, expected_seq + 1
        if not problem and (expected_seq - 1 != fb.event_count or prev != fb.last_event_hash):
            problem = f"feedback {fb.code} event {fb.event_count}: head does not match (an event was deleted)"
        if problem:
            report.problems.append(problem)
            if stop_at_first:
                break
    return report


def feedback_chains_ok(report_all: bool = False) -> bool:
    """`motcua audit verify`'s feedback part, run when the dossier chains are intact: silent when the
    feedback chains are too; otherwise one line per broken feedback on stderr (stdout may carry JSON)."""
    import sys

    report = verify(stop_at_first=not report_all)
    if report.ok:
        return True
    for problem in report.problems:
        print(f"motcua: audit failed: {problem}", file=sys.stderr)
    return False
