"""Enqueue citizen-facing messages inside the caller's transaction (the outbox pattern)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.notifications.models import OutboxMessage


def enqueue(
    *, key: str, channel: str, recipient: str, template: str, context: dict[str, Any], dossier: Any = None
) -> OutboxMessage:
    """Write one outbox row; calling again with the same `key` returns the existing row.

    Must run inside the transaction that records the cause (e.g. a dossier event), so the
    message exists if and only if the event does.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must be called inside the transaction that records its cause")
    message, _ = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "recipient": recipient,
            "template": template,
            "context": context,
            "dossier": dossier,
        },
    )
    return message
