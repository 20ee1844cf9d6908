"""Acceptance: a real worker killed with SIGKILL mid-delivery loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.db.models import Count

from motcua.notifications.models import OutboxMessage, OutboxStatus, SimulatedDelivery
from motcua.notifications.outbox import enqueue
from motcua.notifications.worker import BATCH_SIZE

N = 300
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _database_url() -> str:
    """The URL of the test database this process uses, for the worker subprocess."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(*args: str, delay_ms: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": _database_url(), "MOTCUA_SIMULATOR_DELAY_MS": str(delay_ms)}
    return subprocess.Popen([sys.executable, "-m", "motcua", "worker", *args], env=env, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_delivery_loses_nothing_and_sends_nothing_twice() -> None:
    with transaction.atomic():
        for i in range(N):
            channel = ("sms", "zalo", "email")[i % 3]
            recipient = f"dan{i}@example.vn" if channel == "email" else f"09{i:08d}"
            enqueue(
                key=f"kill-{i}",
                channel=channel,
                recipient=recipient,
                template="receipt",
                context={"dossier_code": f"H32.27-261124-{i:04d}", "applicant_name": "Trần Văn Bình"},
            )

    first = _worker(delay_ms=4)
    deadline = time.monotonic() + 60
    while SimulatedDelivery.objects.count() < N // 4:
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        assert time.monotonic() < deadline, "the worker delivered too slowly"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    delivered_at_kill = SimulatedDelivery.objects.count()
    assert delivered_at_kill < N, "the kill came too late to test anything"
    # Claimed but not marked sent when the worker died: the only messages a retry may hand to the
    # provider a second time (it drops the repeat by the idempotency key).
    in_flight = set(OutboxMessage.objects.filter(status=OutboxStatus.SENDING).values_list("key", flat=True))
    assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

    # Time passes beyond the dead worker's lease; a new worker finishes the job. The worker is another
    # process on the real clock while this one may run frozen (MOTCUA_TEST_NOW): expire the lease on both.
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING).update(next_attempt_at=LONG_AGO)
    second = _worker("--once", delay_ms=0)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()

    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == N
    per_key = dict(SimulatedDelivery.objects.values_list("idempotency_key").annotate(n=Count("id")))
    assert set(per_key) == set(OutboxMessage.objects.values_list("key", flat=True))
    assert set(per_key.values()) == {1}
    # Sent twice = asked of the provider twice. Only a message in flight at the kill may be (once more);
    # a build that sends anything else twice fails here, even though the simulator would drop the repeat.
    requests = dict(SimulatedDelivery.objects.values_list("idempotency_key", "requests"))
    resent = {key for key, n in requests.items() if n > 1}
    assert resent <= in_flight, f"{len(resent - in_flight)} messages sent twice without a crash between"
    assert max(requests.values()) <= 2
    assert len(in_flight) <= BATCH_SIZE, in_flight  # one worker: one claimed batch at most


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_message() -> None:
    with transaction.atomic():
        for i in range(N):
            enqueue(key=f"pair-{i}", channel="sms", recipient=f"09{i:08d}", template="receipt", context={})
    workers = [_worker("--once", delay_ms=1) for _ in range(2)]
    for w in workers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == N
    # Without a crash every message reaches the provider exactly once: no row was claimed twice.
    assert SimulatedDelivery.objects.count() == N
    assert set(SimulatedDelivery.objects.values_list("requests", flat=True)) == {1}
