"""The local gateway simulator: records what reached the citizen, honouring idempotency keys."""

from __future__ import annotations

import os
import time

from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.notifications.channels import Rendered
from motcua.notifications.models import SimulatedDelivery


def deliver(message: Rendered) -> str:
    """Store the message once per (channel, key); a repeated key only bumps `requests`.

    Runs in its own transaction, like a remote provider: once it returns, the message is delivered
    whatever happens to the caller afterwards.
    """
    # Simulated provider latency (tests use it to kill a worker mid-delivery); not a product setting.
    delay_ms = int(os.environ.get("MOTCUA_SIMULATOR_DELAY_MS", "0") or 0)
    if delay_ms:
        time.sleep(delay_ms / 1000)
    try:
        with transaction.atomic():
            row = SimulatedDelivery.objects.create(
                channel=message.channel,
                idempotency_key=message.key,
                recipient=message.recipient,
                subject=message.subject,
                body=message.body,
            )
    except IntegrityError:
        SimulatedDelivery.objects.filter(channel=message.channel, idempotency_key=message.key).update(
            requests=F("requests") + 1
        )
        row = SimulatedDelivery.objects.get(channel=message.channel, idempotency_key=message.key)
    return f"sim-{message.channel}-{row.pk}"
