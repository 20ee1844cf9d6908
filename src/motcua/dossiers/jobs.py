"""Periodic duties of the dossier engine, called by `motcua worker` (notifications context)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.dossiers import alerts, clock
from motcua.dossiers.models import Dossier, Duty, DutyKind, Status

# Warn this long before a duty's deadline.
WARN_BEFORE = timedelta(hours=4)


# Duties counted on the dossier's SLA clock: they cannot fall due while the clock stands still.
CLOCKED = (DutyKind.RESOLUTION, DutyKind.APOLOGY)
CLOCK_STOPPED = (Status.SUPPLEMENT, Status.AWAITING_FEE)


def _watched_duties() -> QuerySet[Duty]:
    """Open duties, less the clocked ones of dossiers whose clock is stopped (supplement, fee, justified pause).

    Their due time moves when the clock resumes, so warning about the stale one would be noise.
    """
    stopped = Dossier.objects.filter(Q(status__in=CLOCK_STOPPED) | Q(clock_state__reason="pause")).values("pk")
    return Duty.objects.filter(met_at__isnull=True).exclude(kind__in=CLOCKED, dossier__in=stopped)


def _claim(qs: QuerySet[Duty]) -> list[int]:
    """Ids of the duties to mark, locked against a second worker (PostgreSQL; SQLite holds its write lock)."""
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("pk").values_list("pk", flat=True))


def tick(now: datetime | None = None) -> dict[str, Any]:
    """Close dossiers whose supplement was not completed in time; mark duties warned or breached and
    alert the responsible officials (`alerts`).

    Idempotent: running it twice at the same `now` changes nothing the second time.
    """
    from motcua.dossiers import services

    now = now or timezone.now()
    from motcua.restructure.engine import apply_due  # restructuring decisions whose effective date has come

    restructured = apply_due(now)
    closed: list[str] = []
    errors: list[str] = []
    waiting = Dossier.objects.filter(status=Status.SUPPLEMENT).only("id", "code", "regime", "clock_state")
    for d in waiting.iterator():
        regime = clock.regime_by_code(d.regime)
        requested = (d.clock_state or {}).get("supplement_requested_at")
        if regime.supplement_timeout_days is None or not requested:
            continue
        if now >= datetime.fromisoformat(requested) + timedelta(days=regime.supplement_timeout_days):
            try:
                services.close_unsupplemented(services.SYSTEM, d.pk, now=now)
                closed.append(d.code)
            except services.DossierError as exc:  # changed meanwhile (e.g. supplied): report, do not hide
                errors.append(f"{d.code}: {exc.code}")
    with transaction.atomic():
        open_duties = _watched_duties()
        warn_ids = _claim(open_duties.filter(warned_at__isnull=True, due_at__lte=now + WARN_BEFORE, due_at__gt=now))
        breach_ids = _claim(open_duties.filter(breached_at__isnull=True, due_at__lte=now))
        warned = Duty.objects.filter(pk__in=warn_ids).update(warned_at=now)
        breached_kinds = list(Duty.objects.filter(pk__in=breach_ids).values_list("kind", flat=True))
        breached = Duty.objects.filter(pk__in=breach_ids).update(breached_at=now)
        alerted = alerts.raise_alerts(warn_ids, "warning", now) + alerts.raise_alerts(breach_ids, "breach", now)
    checkpoint = _checkpoint(now, errors)
    return {
        "checkpoint": checkpoint,
        "closed": closed,
        "warned": warned,
        "breached": breached,
        "alerted": alerted,
        "breached_by_kind": {k: breached_kinds.count(k) for k in sorted(set(breached_kinds))},
        "errors": errors,
        "kinds": [k.value for k in DutyKind],
        "restructured": restructured,
    }


def _checkpoint(now: datetime, errors: list[str]) -> int | None:
    """Sign a checkpoint of every chain head when one is due (hourly and after the day's close)."""
    from motcua.trust import checkpoints, keys

    try:
        if not checkpoints.due(now):
            return None
        return int(checkpoints.create(now)["n"])
    except (checkpoints.CheckpointError, keys.KeyError_, OSError) as exc:  # visible, never silent
        errors.append(f"checkpoint: {exc}")
        return None
