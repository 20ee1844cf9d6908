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
    # One statement in the common case: INSERT … ON CONFLICT (key) DO NOTHING RETURNING id (PostgreSQL
    # and SQLite ≥ 3.35). Only when the key already exists (a retry, or a concurrent transaction that
    # committed it first: PostgreSQL waits for it, then skips) is the existing row fetched.
    # No savepoint is needed since a key conflict no longer raises.
    connection = transaction.get_connection()
    message = OutboxMessage(
        key=key, channel=channel, recipient=recipient, template=template, context=context, dossier=dossier
    )
    fields = [f for f in OutboxMessage._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(message, True), connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(OutboxMessage._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT ({quote('key')}) DO NOTHING "
        f"RETURNING {quote(OutboxMessage._meta.pk.column)}"
    )
    with connection.cursor() as cur:
        cur.execute(sql, values)
        row = cur.fetchone()
    if row is None:
        return OutboxMessage.objects.using(connection.alias).get(key=key)
    message.pk = row[0]
    message._state.adding = False
    message._state.db = connection.alias
    return message
