"""Replica routing (core/replica.py): the rules everywhere, and real streaming replication on PostgreSQL.

The `standby` tests need a hot standby of the test server (`scripts/pg-standby` makes one on port
5433; CI runs it) named by `MOTCUA_TEST_REPLICA_URL` (`postgresql://postgres@127.0.0.1:5433/`). They
point the alias `replica` at the test database on the standby: the test runner creates that database
on the primary and replication carries it over. They are `postgres` tests, so under
MOTCUA_REQUIRE_ALL (CI) a missing standby fails them instead of skipping.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import dj_database_url
import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.analytics.report import Scope, resolution_report
from motcua.core import replica
from motcua.core.replica import REPLICA
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.organizations.models import Role, Unit

STANDBY_URL = os.environ.get("MOTCUA_TEST_REPLICA_URL", "")
PHONE = "0905123456"


@contextmanager
def replica_alias(url: str) -> Iterator[None]:
    """The alias `replica` pointing at `url`, on the test database's name, for the duration.

    The connection is made directly (not added to `DATABASES`), which Django's test isolation allows
    as a "dynamically created connection"; `configured()` is made to see it.
    """
    if replica.configured():  # settings already have one (MOTCUA_REPLICA_DATABASE_URL): use it
        replica.forget()
        yield
        return
    cfg = {**dj_database_url.parse(url), "OPTIONS": {"connect_timeout": 2}, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
    cfg["NAME"] = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    full = connections.configure_settings({DEFAULT_DB_ALIAS: connections[DEFAULT_DB_ALIAS].settings_dict, REPLICA: cfg})
    connections[REPLICA] = load_backend(cfg["ENGINE"]).DatabaseWrapper(full[REPLICA], REPLICA)
    original = replica.configured
    replica.configured = lambda: True  # type: ignore[assignment]
    replica.forget()
    try:
        yield
    finally:
        replica.configured = original  # type: ignore[assignment]
        connections[REPLICA].close()
        del connections[REPLICA]
        replica.forget()


@pytest.fixture
def tuning(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Every read re-checks the lag; `tuning(bound)` sets the lag bound in seconds."""
    monkeypatch.setenv("MOTCUA_REPLICA_CHECK_SECONDS", "0")
    monkeypatch.setenv("MOTCUA_REPLICA_RETRY_SECONDS", "0")

    def set_bound(seconds: float) -> None:
        monkeypatch.setenv("MOTCUA_REPLICA_MAX_LAG_SECONDS", str(seconds))

    set_bound(5)
    return set_bound


@pytest.fixture
def standby(transactional_db: None, tuning: Callable[[float], None]) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("replication needs PostgreSQL")
    if not STANDBY_URL:
        pytest.skip("no hot standby: run scripts/pg-standby and set MOTCUA_TEST_REPLICA_URL")
    with replica_alias(STANDBY_URL):
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone() == (True,), "MOTCUA_TEST_REPLICA_URL is not a hot standby"
        try:
            yield
        finally:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_wal_replay_resume()")


def eventually(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


def caught_up() -> bool:
    replica.forget()
    return replica.measure_lag() == 0.0


def pause_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    # Pausing takes effect at the next record: wait until the standby says it is paused.
    eventually(lambda: _replay_state() == "paused")


def resume_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def _replay_state() -> str:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_get_wal_replay_pause_state()")
        return str(cursor.fetchone()[0])


def received_dossier(code_suffix: str = "") -> Dossier:
    commune = Unit.objects.filter(code="H32.27.01").first() or f.unit("H32.27.01", name="UBND phường Nha Trang")
    clerk = f.official(f"clerk{code_suffix}", commune, Role.CLERK)
    proc = f.procedure(code=f"1.0009{len(code_suffix):02d}", amount=5, name="Đăng ký khai sinh")
    return s.receive_dossier(
        clerk,
        procedure=proc,
        unit=commune,
        applicant=Applicant(name="Nguyễn Thị Hồng Nhung", phone=PHONE, id_number="056190001234"),
        now=at(2026, 3, 2, 9),
    )


# --- the rules (any database: the health check is replaced) ---------------------------------------


@pytest.fixture
def healthy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "lag", lambda: 0.0)


@pytest.mark.django_db
def test_reads_go_to_the_replica_only_inside_reads_and_outside_transactions(healthy: None) -> None:
    assert replica.read_alias(Unit) == DEFAULT_DB_ALIAS  # not asked for
    with replica.reads():
        # The test itself runs inside a transaction (TestCase semantics): the primary must answer.
        assert connection.in_atomic_block
        assert replica.read_alias(Unit) == DEFAULT_DB_ALIAS


def test_the_rules_outside_a_transaction(healthy: None) -> None:
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    router = replica.Router()
    with replica.reads():
        assert replica.read_alias(Unit) == REPLICA
        assert router.db_for_read(Dossier) == REPLICA
        # Security state is read from the primary: a session or token one second old must count.
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Token) == DEFAULT_DB_ALIAS
        # A write, then every later read of the block goes to the primary (read your own writes).
        assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
    with replica.reads():  # a new block (request) starts clean
        assert router.db_for_read(Unit) == REPLICA
    assert router.allow_migrate(REPLICA, "dossiers") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "dossiers") is True


def test_lag_above_the_bound_or_no_answer_means_the_primary(
    monkeypatch: pytest.MonkeyPatch, tuning: Callable[[float], None]
) -> None:
    monkeypatch.setattr(replica, "configured", lambda: True)
    measured: list[float | Exception] = [0.5]

    def measure() -> float:
        value = measured[-1]
        if isinstance(value, Exception):
            raise value
        return value

    monkeypatch.setattr(replica, "measure_lag", measure)
    replica.forget()
    with replica.reads():
        tuning(1)
        assert replica.read_alias() == REPLICA
        tuning(0.2)
        assert replica.read_alias() == DEFAULT_DB_ALIAS
        tuning(1)
        measured.append(ConnectionError("down"))
        assert replica.lag() is None
        assert replica.read_alias() == DEFAULT_DB_ALIAS
    replica.forget()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_replica_that_does_not_answer_falls_back_to_the_primary(tuning: Callable[[float], None]) -> None:
    with replica_alias("postgresql://postgres@127.0.0.1:9/unused"):
        if replica.lag() is not None:  # settings name a real replica: nothing to prove here
            return
        unit = f.unit("H32.99")
        with replica.reads():
            assert replica.read_alias(Unit) == DEFAULT_DB_ALIAS
            assert Unit.objects.get(pk=unit.pk).code == "H32.99"


# --- against the real hot standby ------------------------------------------------------------------


@pytest.mark.postgres
def test_a_write_on_the_primary_is_read_through_the_replica(standby: None) -> None:
    unit = f.unit("H32.50", name="UBND xã Mới")
    eventually(lambda: Unit.objects.using(REPLICA).filter(pk=unit.pk).exists())
    eventually(caught_up)
    with replica.reads():
        qs = Unit.objects.filter(pk=unit.pk)
        assert qs.db == REPLICA
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert qs.get().name == "UBND xã Mới"
        assert any(Unit._meta.db_table in q["sql"] for q in on_replica.captured_queries)
        # Inside a transaction on the primary, and after a write, the primary answers.
        with transaction.atomic():
            assert Unit.objects.filter(pk=unit.pk).db == DEFAULT_DB_ALIAS
        Unit.objects.filter(pk=unit.pk).update(name="UBND xã Mới (sửa)")
        assert Unit.objects.get(pk=unit.pk).name == "UBND xã Mới (sửa)"


@pytest.mark.postgres
def test_lag_above_the_bound_falls_back_to_the_primary(standby: None, tuning: Callable[[float], None]) -> None:
    eventually(caught_up)
    pause_replay()
    try:
        unit = f.unit("H32.51", name="UBND xã Chậm")
        time.sleep(0.6)
        replica.forget()
        lag = replica.measure_lag()
        assert lag > 0.5  # the standby holds back what the primary just wrote
        assert not Unit.objects.using(REPLICA).filter(pk=unit.pk).exists()
        with replica.reads():
            tuning(0.5)
            assert replica.read_alias(Unit) == DEFAULT_DB_ALIAS
            assert Unit.objects.get(pk=unit.pk).name == "UBND xã Chậm"  # read from the primary
            tuning(3600)
            assert replica.read_alias(Unit) == REPLICA
            assert not Unit.objects.filter(pk=unit.pk).exists()  # the stale replica, within a loose bound
    finally:
        resume_replay()
    eventually(caught_up)
    with replica.reads():
        assert Unit.objects.filter(pk=unit.pk).exists()


@pytest.mark.postgres
def test_the_public_look_up_and_the_report_read_from_the_replica(
    standby: None, tuning: Callable[[float], None]
) -> None:
    cache.clear()
    client = Client()
    first = received_dossier()
    eventually(caught_up)
    url = "/api/v1/public/lookup"
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(url, {"code": first.code, "phone": PHONE}).status_code == 200
    assert any(Dossier._meta.db_table in q["sql"] for q in on_replica.captured_queries)

    start, end = date(2026, 3, 1), date(2026, 3, 31)
    with replica.reads(), CaptureQueriesContext(connections[REPLICA]) as report_queries:
        before = resolution_report(start, end, "unit", Scope())
    assert any("analytics_" in q["sql"] for q in report_queries.captured_queries)

    # Proof by staleness: with replay paused and a loose bound, a dossier filed since is not seen…
    pause_replay()
    try:
        tuning(3600)
        second = received_dossier("-2")
        assert client.get(url, {"code": second.code, "phone": PHONE}).status_code == 404
        with replica.reads():
            assert resolution_report(start, end, "unit", Scope()) == before
        # …and with a tight bound the primary answers, and sees it.
        tuning(0.2)
        time.sleep(0.3)
        assert client.get(url, {"code": second.code, "phone": PHONE}).status_code == 200
        with replica.reads():
            assert resolution_report(start, end, "unit", Scope()) != before
    finally:
        resume_replay()
        cache.clear()
