"""`motcua worker`: delivers the outbox, runs queued django-tasks and the periodic dossier duties.

Delivery is at-least-once towards the provider and exactly-once towards the citizen: a row is
claimed under a lease (`sending` + `next_attempt_at` = lease end) so several workers never take the
same row, the provider gets `OutboxMessage.key` as idempotency key, and a worker killed after
sending but before marking `sent` leaves a row whose lease expires and is re-sent with the same key
(which the provider ignores).
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core import partitions
from motcua.notifications.channels import DeferredDelivery, DeliveryError, PermanentDeliveryError, adapter_for
from motcua.notifications.models import OutboxMessage, OutboxStatus
from motcua.notifications.render import render

log = logging.getLogger("motcua.worker")

MAX_ATTEMPTS = int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6))
BACKOFF_BASE_SECONDS = float(getattr(settings, "OUTBOX_BACKOFF_BASE_SECONDS", 30))
BACKOFF_MAX_SECONDS = float(getattr(settings, "OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600))
LEASE_SECONDS = float(getattr(settings, "OUTBOX_LEASE_SECONDS", 120))
BATCH_SIZE = 20
IDLE_SLEEP_SECONDS = 1.0
TICK_EVERY_SECONDS = 60.0


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: base·2^(n-1), capped."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _due(now: datetime) -> Q:
    pending = Q(status=OutboxStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    # A `sending` row whose lease ran out belongs to a worker that died: take it over.
    expired = Q(status=OutboxStatus.SENDING, next_attempt_at__lte=now)
    return pending | expired


def claim(now: datetime | None = None, limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Take up to `limit` due rows under a lease, safely beside other workers.

    PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`. SQLite: the settings open every transaction
    with BEGIN IMMEDIATE, so the select-and-update below holds the database's single write lock.
    """
    now = now or timezone.now()
    lease_end = now + timedelta(seconds=LEASE_SECONDS)
    with transaction.atomic():
        qs = OutboxMessage.objects.filter(_due(now)).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:limit])
        for row in rows:
            row.status = OutboxStatus.SENDING
            row.attempts += 1
            row.next_attempt_at = lease_end
            row.save(update_fields=["status", "attempts", "next_attempt_at"])
    return rows


def deliver(message: OutboxMessage) -> bool:
    """Send one claimed row and record the outcome; True when it was sent."""
    try:
        rendered = render(message)
        provider_id = adapter_for(message.channel).send(rendered)
    except DeferredDelivery as exc:
        # Not its turn yet (ordered channels): back in the queue, the attempt not counted.
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts).update(
            status=OutboxStatus.PENDING,
            attempts=message.attempts - 1,
            next_attempt_at=timezone.now() + timedelta(seconds=exc.delay_seconds),
            last_error=str(exc)[:2000],
        )
        return False
    except PermanentDeliveryError as exc:
        _record_failure(message, str(exc), permanent=True)
        return False
    except (DeliveryError, OSError) as exc:
        _record_failure(message, str(exc), permanent=False)
        return False
    except Exception as exc:  # an adapter bug must not kill the worker; the row shows the error
        log.exception("delivery of %s failed", message.key)
        _record_failure(message, f"{type(exc).__name__}: {exc}", permanent=False)
        return False
    now = timezone.now()
    # Only the lease holder may finish the row (guards against a slow worker whose lease expired).
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts).update(
        status=OutboxStatus.SENT,
        sent_at=now,
        provider_message_id=provider_id[:200],
        last_error="",
        next_attempt_at=None,
    )
    return True


def _record_failure(message: OutboxMessage, error: str, *, permanent: bool) -> None:
    final = permanent or message.attempts >= MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts).update(
        status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
        next_attempt_at=None if final else timezone.now() + backoff(message.attempts),
        last_error=error[:2000],
    )
    log.warning(
        "delivery of %s failed (attempt %d%s): %s", message.key, message.attempts, ", final" if final else "", error
    )


def deliver_due(now: datetime | None = None) -> int:
    """Claim and deliver one batch; the number of rows handled (0 = nothing due)."""
    rows = claim(now)
    for row in rows:
        deliver(row)
    return len(rows)


def _dossier_tick() -> Callable[[datetime], object] | None:
    try:
        module = importlib.import_module("motcua.dossiers.jobs")
    except ModuleNotFoundError as exc:
        if exc.name == "motcua.dossiers.jobs":
            return None
        raise
    tick: Callable[[datetime], object] | None = getattr(module, "tick", None)
    return tick


def run_tasks(max_tasks: int = 50) -> None:
    """Run django-tasks queued in the database backend, if any (batch mode: stops when idle)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.ready().exists():
        return
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"motcua-{socket.gethostname()}-{os.getpid()}"[:64],
        excluded_queue_names=[],
    ).run()


def _guarded(what: str, fn: Callable[..., object], *args: object, reraise: bool) -> None:
    """A failing periodic duty must not stop message delivery in the long-running loop (it is logged)."""
    try:
        fn(*args)
    except Exception:
        if reraise:
            raise
        log.exception("worker: %s failed; delivery goes on", what)


class _Stop:
    requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def run(once: bool = False) -> int:
    """The worker loop; with `once`, handle everything due now and return. Exit code 0."""
    stop = _Stop()
    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    tick = _dossier_tick()
    last_tick = last_partitions = 0.0
    while not stop.requested:
        if not once and not connection.in_atomic_block:
            close_old_connections()  # a long-running loop must not keep a dead connection
        if tick is not None and (once or time.monotonic() - last_tick >= TICK_EVERY_SECONDS):
            last_tick = time.monotonic()
            _guarded("dossier duties", tick, timezone.now(), reraise=once)
            from motcua.payments import jobs as payment_jobs  # pending-payment queries, refunds, delayed IPNs

            _guarded("payments", payment_jobs.tick, timezone.now(), reraise=once)
            from motcua.feedback.jobs import tick as feedback_tick  # feedback (PAKN) deadlines

            _guarded("feedback duties", feedback_tick, timezone.now(), reraise=once)
        _guarded("queued tasks", run_tasks, reraise=once)
        if once or time.monotonic() - last_partitions >= 3600:  # next years' partitions (core/partitions.py)
            last_partitions = time.monotonic()
            _guarded("partitions", partitions.ensure, reraise=once)
        handled = 0
        while not stop.requested:
            batch = deliver_due()
            handled += batch
            if batch == 0:
                break
        if once:
            break
        if handled == 0:
            time.sleep(IDLE_SLEEP_SECONDS)
    return 0
