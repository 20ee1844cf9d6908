"""Time partitions (core/partitions.py, PostgreSQL): reports and `audit verify` give the same answers
whether a dossier's rows sit in one yearly partition or span two."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection

from motcua.analytics.index766 import index_766
from motcua.analytics.models import DailyRollup, MonthlyRollup
from motcua.analytics.report import Scope, resolution_report
from motcua.analytics.tests.conftest import make_dossier, t
from motcua.core import partitions
from motcua.dossiers import audit
from motcua.dossiers import services as s
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role

pytestmark = pytest.mark.postgres
TABLES = ("dossiers_dossierevent", "analytics_dailyrollup", "analytics_monthlyrollup")


def rows_per_partition(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")
        return {name: n for name, n in cursor.fetchall()}


@pytest.mark.django_db
def test_tables_are_partitioned_by_year_with_a_default() -> None:
    for table in TABLES:
        names = partitions.partitions(table)
        assert f"{table}_y2025" in names and f"{table}_y2026" in names and f"{table}_default" in names
    # Idempotent, and creates the years ahead.
    assert partitions.ensure(today=date(2031, 6, 1)) == [
        partitions.partition_name(table, year) for table in TABLES for year in (2031, 2032, 2033)
    ]
    assert partitions.ensure(today=date(2031, 6, 1)) == []


@pytest.mark.django_db
def test_the_primary_key_carries_the_partition_key_and_ids_keep_counting() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'dossiers_dossierevent'::regclass AND contype = 'p'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"
        cursor.execute("SELECT pg_get_serial_sequence('dossiers_dossierevent', 'id') IS NOT NULL")
        assert cursor.fetchone()[0]


@pytest.fixture
def across_new_year(world: dict[str, Any]) -> dict[str, Any]:
    """Dossiers received in December 2025 and January 2026; one live dossier's events span both years."""
    j, c, p1, p2 = world["justice"], world["commune"], world["p1"], world["p2"]
    fin = {"status": "finished"}
    make_dossier(
        "D1", j, p1, received_at=t("2025-12-22"), due_at=t("2025-12-25", 17), finished_at=t("2025-12-24"), **fin
    )
    make_dossier(
        "D2", j, p2, received_at=t("2025-12-29"), due_at=t("2025-12-31", 17), finished_at=t("2026-01-05"), **fin
    )
    make_dossier("D3", c, p1, channel="online", received_at=t("2025-12-31", 16), due_at=t("2026-01-06", 17))
    make_dossier(
        "D4", c, p2, received_at=t("2026-01-02"), due_at=t("2026-01-06", 17), finished_at=t("2026-01-06"), **fin
    )
    make_dossier("D5", j, p1, status="refused", received_at=t("2026-01-07"), finished_at=t("2026-01-07"))

    clerk = f.official("clerk", c, Role.CLERK)
    specialist = f.official("specialist", c, Role.SPECIALIST)
    live = s.receive_dossier(
        clerk,
        procedure=p1,
        unit=c,
        applicant=Applicant(name="Trần Văn An", phone="0905123456"),
        now=t("2025-12-31", 15),
    )
    s.start_step(specialist, live, name="Thẩm định", now=t("2026-01-02", 9))
    later = s.receive_dossier(
        clerk,
        procedure=p2,
        unit=c,
        applicant=Applicant(name="Lê Thị Bình", phone="0905123457"),
        now=t("2026-01-02", 10),
    )
    return {"live": live, "later": later}


@pytest.mark.django_db
def test_reports_and_audit_are_the_same_across_two_partitions(across_new_year: dict[str, Any]) -> None:
    live = across_new_year["live"]
    events = rows_per_partition("dossiers_dossierevent")
    assert events.get("dossiers_dossierevent_y2025") and events.get("dossiers_dossierevent_y2026")
    years = {e.at.astimezone(t("2026-01-01").tzinfo).year for e in DossierEvent.objects.filter(dossier=live)}
    assert years == {2025, 2026}  # one chain over two partitions
    daily = rows_per_partition("analytics_dailyrollup")
    assert daily.get("analytics_dailyrollup_y2025") and daily.get("analytics_dailyrollup_y2026")
    assert DailyRollup.objects.filter(day__year=2025).exists() and MonthlyRollup.objects.filter(day__year=2026).exists()

    # The audit: the chain crossing the boundary and one inside a partition are intact (the other
    # dossiers here are report fixtures without events).
    for code in (live.code, across_new_year["later"].code):
        report = audit.verify(code)
        assert report.ok and report.dossiers == 1 and report.events >= 1

    # Biểu 06a over a period crossing the boundary: rollups (partitioned) = the dossier table read directly.
    start, end = date(2025, 12, 1), date(2026, 1, 31)
    for by in ("unit", "procedure"):
        from_rollups = resolution_report(start, end, by, Scope())
        assert from_rollups == resolution_report(start, end, by, Scope(), source="base")
    total = resolution_report(start, end, "unit", Scope())["total"]
    assert total["received"] == {"total": 6, "online": 1, "direct_postal": 5, "carried_over": 0}
    assert total["resolved"] == {"total": 3, "early": 1, "on_time": 1, "late": 1}  # D1, D4, D2
    assert total["in_progress"]["total"] == 3 and total["refused"] == 1  # D3 and the live ones; D5
    # The two halves add up (nothing lost or counted twice at the boundary).
    dec = resolution_report(start, date(2025, 12, 31), "unit", Scope())["total"]
    jan = resolution_report(date(2026, 1, 1), end, "unit", Scope())["total"]
    assert _new(dec) == 4 and _new(jan) == 2 and jan["received"]["carried_over"] == 3

    # The 766 index: the same document from rollups over the boundary as over each half's sources.
    assert index_766(start, end, Scope()) == index_766(start, end, Scope())


def _new(total: dict[str, Any]) -> int:
    return int(total["received"]["online"] + total["received"]["direct_postal"])
