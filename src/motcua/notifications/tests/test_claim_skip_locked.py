"""Several workers side by side on PostgreSQL: a claim skips the rows another worker holds, without waiting."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from motcua.notifications.models import OutboxMessage
from motcua.notifications.outbox import enqueue
from motcua.notifications.worker import claim


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_rows_locked_by_another_worker() -> None:
    with transaction.atomic():
        for i in range(4):
            enqueue(key=f"skip-{i}", channel="sms", recipient=f"09{i:08d}", template="receipt", context={})
    held, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(key__in=["skip-0", "skip-1"]))
                held.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert held.wait(20)
        started = time.monotonic()
        claimed = claim(limit=10)
        waited = time.monotonic() - started
    finally:
        release.set()
        thread.join(20)
    assert sorted(m.key for m in claimed) == ["skip-2", "skip-3"]
    assert waited < 5, "the claim waited for the other worker's lock instead of skipping"
