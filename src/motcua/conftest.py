"""Shared pytest fixtures and gates: the test clock, PostgreSQL-only tests, CI's "skip is a failure" rule.

The clock: a test that depends on the date or hour takes the `clock` fixture (which marks it `clock`)
and runs frozen at `MOTCUA_TEST_NOW` if set, else at `DEFAULT_NOW`. `MOTCUA_TEST_NOW=<ISO instant>`
also moves the whole session there (ticking), so `MOTCUA_TEST_NOW=... pytest -m clock` re-runs the
date-dependent tests at another instant (CI does, see .ci/run).

Property tests (hypothesis) run without a per-example deadline (profile `motcua`).

`MOTCUA_REQUIRE_ALL=1` (set by CI) turns the skip of a browser test, and on PostgreSQL of a `postgres`
test, into a failure: CI must not go green by running less.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

# Property tests judge answers, not speed: on a loaded 2-core CI box a single example can exceed
# hypothesis's default 200 ms deadline and fail a correct test (seen in CI-like runs).
hypothesis_settings.register_profile("motcua", deadline=None)
hypothesis_settings.load_profile("motcua")

# An ordinary working Wednesday morning, far from holidays (Asia/Ho_Chi_Minh).
DEFAULT_NOW = "2026-11-25T09:30:00+07:00"
_session_travel: Any = None


def test_now() -> datetime:
    """The instant the `clock` fixture freezes at: MOTCUA_TEST_NOW (ISO 8601, with offset) or DEFAULT_NOW."""
    raw = os.environ.get("MOTCUA_TEST_NOW") or DEFAULT_NOW
    value = datetime.fromisoformat(raw)
    if value.tzinfo is None:
        raise pytest.UsageError(f"MOTCUA_TEST_NOW needs a UTC offset, e.g. 2026-02-16T06:59:00+07:00 (got {raw!r})")
    return value


test_now.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def pytest_configure(config: pytest.Config) -> None:
    """With MOTCUA_TEST_NOW set, the whole session runs from that instant on (the clock ticks)."""
    global _session_travel
    if os.environ.get("MOTCUA_TEST_NOW"):
        import time_machine

        _session_travel = time_machine.travel(test_now(), tick=True)
        _session_travel.start()


@pytest.fixture(scope="session", autouse=True)
def _fresh_shared_cache() -> None:
    """The default cache is a file cache that outlives a session (rate-limit counts): start each empty."""
    from django.conf import settings
    from django.core.cache import cache

    if not settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):  # that one lives in the test database
        cache.clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def pytest_report_header(config: pytest.Config) -> str:
    frozen = os.environ.get("MOTCUA_TEST_NOW")
    return f"motcua clock: session from {frozen}" if frozen else f"motcua clock: `clock` fixture at {DEFAULT_NOW}"


@pytest.fixture
def clock() -> Iterator[Any]:
    """A frozen clock (time-machine): `clock.move_to(...)`, `clock.shift(timedelta)`; see the module docstring."""
    import time_machine

    with time_machine.travel(test_now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `clock` users; skip `postgres`-marked tests when the suite runs on SQLite."""
    from django.conf import settings

    for item in items:
        if "clock" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)
    if str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run `make test-postgres`)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def require_all() -> bool:
    return os.environ.get("MOTCUA_REQUIRE_ALL", "") not in ("", "0")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under MOTCUA_REQUIRE_ALL, a skipped browser test (or `postgres` test on PostgreSQL) fails."""
    report = yield
    if report.skipped and require_all() and not hasattr(report, "wasxfail"):
        gated = {"browser"} & (set(item.keywords) | set(getattr(item, "fixturenames", ())))
        if "postgres" in item.keywords and connection.vendor == "postgresql":
            gated.add("postgres")
        if gated:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = f"MOTCUA_REQUIRE_ALL: a {'/'.join(sorted(gated))} test was skipped: {reason}"
    return report


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_append_only() -> Iterator[None]:
    """Django's TransactionTestCase empties every table between tests; on SQLite it does so with
    DELETE, which the append-only triggers refuse (PostgreSQL flushes with TRUNCATE, which they do
    not see). Only here, in the test suite, the flush runs with the guard lifted (`trust.appendonly`)."""
    from motcua.trust.appendonly import flush_lifted

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    original = operations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Any) -> None:
        with flush_lifted():
            original(self, sql_list)

    operations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    operations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _own_checkpoint_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own checkpoint log (the worker's tick writes one): a checkpoint of one
    test's database must not be compared with another's."""
    monkeypatch.setenv("MOTCUA_CHECKPOINT_DIR", str(tmp_path_factory.mktemp("checkpoints")))
