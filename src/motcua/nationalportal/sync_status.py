"""The sync control room's figures: per dossier and per unit, what is pending, failed or acknowledged,
and which dossiers look overdue only on the national side because their messages did not get there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.lifecycle import OPEN
from motcua.dossiers.models import Dossier
from motcua.nationalportal.models import NationalDossier, State
from motcua.notifications.models import OutboxMessage, OutboxStatus


@dataclass
class DossierSync:
    national: NationalDossier
    dossier: Dossier | None
    pending: int = 0
    failed: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    national_status: str = ""  # as the national side last acknowledged it
    national_status_label: str = ""
    national_due: datetime | None = None
    overdue_here: bool = False
    overdue_there: bool = False

    @property
    def state(self) -> str:
        if self.national.state == State.HELD:
            return "held"
        if self.failed:
            return "failed"
        if self.pending:
            return "pending"
        return "acknowledged" if self.sent else "none"

    @property
    def overdue_only_national(self) -> bool:
        """Overdue as the national portal sees it, not overdue in fact: the sync fault made it so."""
        return self.overdue_there and not self.overdue_here and self.state in ("failed", "pending")


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def collect(qs: QuerySet[NationalDossier] | None = None, now: datetime | None = None) -> list[DossierSync]:
    now = now or timezone.now()
    rows = list((qs or NationalDossier.objects.all()).select_related("dossier", "dossier__unit"))
    ids = [r.dossier_id for r in rows if r.dossier_id]
    by_dossier: dict[int, list[OutboxMessage]] = {}
    for m in OutboxMessage.objects.filter(channel="dvcqg", dossier_id__in=ids).order_by("id"):
        by_dossier.setdefault(m.dossier_id, []).append(m)  # type: ignore[arg-type]
    out = []
    for nd in rows:
        d = nd.dossier
        item = DossierSync(national=nd, dossier=d)
        last_sent: dict[str, Any] | None = None
        for m in by_dossier.get(nd.dossier_id or 0, []):
            if m.status == OutboxStatus.SENT:
                item.sent += 1
                last_sent = m.context
            elif m.status == OutboxStatus.FAILED:
                item.failed += 1
                if m.last_error and m.last_error not in item.errors:
                    item.errors.append(m.last_error)
            else:
                item.pending += 1
                if m.last_error and m.last_error not in item.errors:
                    item.errors.append(m.last_error)
        if d is not None:
            due = d.due_at
            item.overdue_here = d.status in OPEN and due is not None and due < now
            if d.finished_at is not None and due is not None and d.finished_at > due:
                item.overdue_here = True
            if last_sent is not None:
                item.national_status = str(last_sent.get("status", ""))
                item.national_status_label = str(last_sent.get("status_label", ""))
                item.national_due = _parse(last_sent.get("due_at"))
                item.overdue_there = (
                    item.national_status in OPEN and item.national_due is not None and item.national_due < now
                )
        out.append(item)
    return out


def by_unit(items: list[DossierSync]) -> list[dict[str, Any]]:
    units: dict[str, dict[str, Any]] = {}
    for item in items:
        code = item.dossier.unit.code if item.dossier is not None else item.national.unit_code
        name = item.dossier.unit.name if item.dossier is not None else item.national.unit_code
        row = units.setdefault(
            code,
            {
                "code": code,
                "name": name,
                "held": 0,
                "pending": 0,
                "failed": 0,
                "acknowledged": 0,
                "overdue_national": 0,
            },
        )
        if item.state in row:
            row[item.state] += 1
        if item.overdue_only_national:
            row["overdue_national"] += 1
    return sorted(units.values(), key=lambda r: r["code"])


def resend(dossier: Dossier) -> int:
    """Put the dossier's failed messages back in the queue, in their order; the number re-queued."""
    return OutboxMessage.objects.filter(channel="dvcqg", dossier=dossier, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=None
    )
