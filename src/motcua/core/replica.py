"""Read-only replica routing: reports, dashboards and the public look-up read from a hot standby.

With `MOTCUA_REPLICA_DATABASE_URL` set, settings add the database alias `replica` (a PostgreSQL
streaming standby of the primary) and `Router`. Reads go to the replica only where code asks for it
(`reads()` / `@replica_reads`: analytics pages, exports and API, the public look-up) and only when it
is safe; otherwise, and for every write, the primary answers:

- the replica answered its last health check, and its lag was at most `MOTCUA_REPLICA_MAX_LAG_SECONDS`
  (lag: 0 when it has replayed everything the primary has written, else the age of its last replayed
  transaction, `now() - pg_last_xact_replay_timestamp()`); a check is reused for
  `MOTCUA_REPLICA_CHECK_SECONDS`, a failed connection for `MOTCUA_REPLICA_RETRY_SECONDS`;
- no transaction is open on the primary (a read inside `atomic()` must see that transaction's rows);
- nothing was written earlier in the same `reads()` block (a request reads its own writes);
- the model is not security state (sessions, users, tokens, lock-outs, the cache table).

Raw SQL (the report queries) takes its connection from `read_connection()`, the same decision.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from motcua import config

REPLICA = "replica"
# Security state is always read from the primary: a session, token or lock-out one second old must count.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "authtoken", "axes", "django_cache", "contenttypes"})

log = logging.getLogger(__name__)
_reading: ContextVar[bool] = ContextVar("motcua_replica_reading", default=False)
_wrote: ContextVar[bool] = ContextVar("motcua_replica_wrote", default=False)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Health:
    checked: float  # time.monotonic() of the check
    lag: float | None  # seconds; None: the replica did not answer


_health: Health | None = None
_lock = threading.Lock()


def configured() -> bool:
    return REPLICA in connections.settings


def forget() -> None:
    """Drop the cached health check (tests; after re-pointing the replica)."""
    global _health
    _health = None


def measure_lag() -> float:
    """The replica's lag in seconds (0.0 when it has replayed all the primary has written)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
        )
        in_recovery, replayed, age = cursor.fetchone()
    if not in_recovery:
        return 0.0  # a promoted standby, or the primary itself
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() <= %s::pg_lsn", [replayed])
        (caught_up,) = cursor.fetchone()
    if caught_up:
        return 0.0
    return float(age) if age is not None else float("inf")


def lag() -> float | None:
    """The replica's lag from the cached check, checking again when it is older than allowed."""
    global _health
    now = time.monotonic()
    health = _health
    if health is not None:
        reuse = config.env_float("MOTCUA_REPLICA_CHECK_SECONDS")
        if health.lag is None:
            reuse = config.env_float("MOTCUA_REPLICA_RETRY_SECONDS")
        if now - health.checked < reuse:
            return health.lag
    with _lock:
        try:
            value: float | None = measure_lag()
        except Exception as exc:  # down, refused, misconfigured: the primary answers instead
            log.warning("replica unavailable, reading from the primary: %s", exc)
            if REPLICA in connections.settings:
                connections[REPLICA].close()
            value = None
        _health = Health(time.monotonic(), value)
    return value


def usable() -> bool:
    value = lag()
    return value is not None and value <= config.env_float("MOTCUA_REPLICA_MAX_LAG_SECONDS")


def read_alias(model: type[Model] | None = None) -> str:
    """Where a read made now should go: `replica` when allowed and healthy, else `default`."""
    if not _reading.get() or _wrote.get() or not configured():
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA if usable() else DEFAULT_DB_ALIAS


def read_connection() -> BaseDatabaseWrapper:
    """The connection raw-SQL reads should use (same decision as the router)."""
    return connections[read_alias()]


@contextmanager
def reads() -> Iterator[None]:
    """Inside: reads may go to the replica (until the first write)."""
    reading, wrote = _reading.set(True), _wrote.set(False)
    try:
        yield
    finally:
        _wrote.reset(wrote)
        _reading.reset(reading)


def replica_reads(view: F) -> F:
    """Decorator: the whole call reads from the replica when it may (views, API methods)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Router:
    """`DATABASE_ROUTERS` entry: reads per `read_alias`, writes and migrations on the primary only."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return read_alias(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        if _reading.get() and model._meta.app_label != "django_cache":
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same rows on both servers

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA
