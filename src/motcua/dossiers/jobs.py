"""Periodic duties of the dossier engine, called by `motcua worker` (notifications context)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import clock
from motcua.dossiers.models import Dossier, Duty, DutyKind, Status

# Warn this long before a duty's deadline.
WARN_BEFORE = timedelta(hours=4)


def tick(now: datetime | None = None) -> dict[str, Any]:
    """Close dossiers whose supplement was not completed in time; mark duties warned or breached.

    Idempotent: running it twice at the same `now` changes nothing the second time.
    """
    from motcua.dossiers import services

    now = now or timezone.now()
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
        open_duties = Duty.objects.filter(met_at__isnull=True)
        warned = open_duties.filter(warned_at__isnull=True, due_at__lte=now + WARN_BEFORE, due_at__gt=now).update(
            warned_at=now
        )
        breached_qs = open_duties.filter(breached_at__isnull=True, due_at__lte=now)
        breached_kinds = list(breached_qs.values_list("kind", flat=True))
        breached = breached_qs.update(breached_at=now)
    return {
        "closed": closed,
        "warned": warned,
        "breached": breached,
        "breached_by_kind": {k: breached_kinds.count(k) for k in sorted(set(breached_kinds))},
        "errors": errors,
        "kinds": [k.value for k in DutyKind],
    }
