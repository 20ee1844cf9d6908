"""The append-only guard on history tables (triggers of migration `dossiers.0006_trust_append_only`).

`lifted(reason)` is the one way motcua's own code may UPDATE or DELETE guarded rows: it records a
`trust.Lift` row first, in the same transaction, then lifts the guard for that transaction only
(PostgreSQL: `SET LOCAL motcua.append_only = 'lifted'`; SQLite: the connection function
`motcua_append_only_lifted()` answers 1 while the block runs).

`flush_lifted()` lifts without a record and exists only for the test suite's database flush on
SQLite (Django's TransactionTestCase empties tables with DELETE; PostgreSQL flushes with TRUNCATE,
which row triggers do not see). It is wired by `src/motcua/conftest.py`, never by production code.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

_state = threading.local()


def _is_lifted() -> int:
    return 1 if getattr(_state, "depth", 0) > 0 else 0


def on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Register the SQLite guard function on each new connection (the triggers call it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("motcua_append_only_lifted", 0, _is_lifted)


@contextmanager
def _lift_here() -> Iterator[None]:
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT set_config('motcua.append_only', 'lifted', true)")
        yield
    except BaseException:
        _state.depth -= 1  # the transaction rolls back, and the setting with it
        raise
    _state.depth -= 1
    if connection.vendor == "postgresql" and connection.in_atomic_block and _state.depth == 0:
        # Transaction-local already; put it back at once for the rest of an enclosing transaction.
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('motcua.append_only', '', true)")


@contextmanager
def lifted(reason: str) -> Iterator[None]:
    """Run the block with UPDATE/DELETE allowed on history tables, in one transaction, recorded."""
    from motcua.trust.models import Lift

    with transaction.atomic():
        user = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT current_user")
                user = str(cur.fetchone()[0])
        Lift.objects.create(reason=reason[:255], database_user=user)
        with _lift_here():
            yield


@contextmanager
def flush_lifted() -> Iterator[None]:
    """Tests only: the SQLite flush between transactional tests (see the module docstring)."""
    with _lift_here():
        yield


def ensure_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: put back SQLite triggers lost when a later migration rebuilt a guarded table
    (SQLite alters a table by copying it into a new one, which drops its triggers)."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite" or getattr(sender, "label", None) != "trust":
        return
    migration = importlib.import_module("motcua.dossiers.migrations.0006_trust_append_only")
    from django.db.migrations.recorder import MigrationRecorder

    if ("dossiers", "0006_trust_append_only") not in MigrationRecorder(conn).applied_migrations():
        return  # not migrated that far (e.g. migrating backwards)
    with conn.cursor() as cur:
        for sql in migration.sqlite_forward():
            cur.execute(sql)
