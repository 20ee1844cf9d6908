"""One home for the decree regime: chosen by the official receipt date, for live and imported dossiers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.holidays_vn import vietnam_calendar
from motcua.dossiers import clock
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at

CAL = vietnam_calendar()
SWITCH = date(2025, 7, 1)


def reference(official_receipt: datetime) -> str:
    """Contracts §2.4, read literally: Decree 61/2018 before 01/07/2025, Decree 118/2025 from then."""
    return "nd61" if official_receipt.astimezone(clock.TZ).date() < SWITCH else "nd118"


instants = st.one_of(
    # around the switch, where the official receipt may cross it
    st.integers(0, 20 * 24 * 60).map(lambda m: datetime(2025, 6, 20, tzinfo=clock.TZ) + timedelta(minutes=m)),
    st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
)


@settings(max_examples=500, deadline=None)
@given(instants)
def test_regime_by_official_receipt(received: datetime) -> None:
    official = CAL.official_receipt(received)
    assert clock.regime_for(official).code == reference(official)
    regime, recorded = clock.regime_at_receipt(received, CAL.official_receipt)
    assert regime.code == reference(official)
    # the official receipt comes back exactly when it, not the received time, decided the regime
    assert recorded == (official if reference(official) != reference(received) else None)


def test_evening_before_the_switch_is_nd118() -> None:
    received = at(2025, 6, 30, 17, 30)  # Monday after closing: officially received Tue 01/07 07:00
    assert clock.regime_at_receipt(received, CAL.official_receipt)[0].code == "nd118"
    assert clock.regime_at_receipt(at(2025, 6, 30, 16, 59), CAL.official_receipt)[0].code == "nd61"
    assert clock.regime_at_receipt(at(2025, 6, 28, 10), CAL.official_receipt)[0].code == "nd61"  # Sat -> Mon 30/06


def _import(line: dict[str, Any]) -> Any:
    from motcua.analytics.importer import import_lines

    return import_lines([json.dumps(line)])


def _line(code: str, unit: str, received: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "procedure": "1.001193",
        "unit": unit,
        "channel": "direct",
        "received_at": received.isoformat(),
        "due_at": (received + timedelta(days=7)).isoformat(),
        "status": "received",
        **extra,
    }


@pytest.mark.parametrize(
    ("hour", "minute", "expected"), [(17, 30, "nd118"), (16, 59, "nd61"), (23, 59, "nd118"), (7, 0, "nd61")]
)
def test_live_and_imported_paths_agree(world: Any, hour: int, minute: int, expected: str) -> None:
    """A dossier received on Mon 30/06/2025 gets the same regime at the counter and from an import."""
    from motcua.dossiers import audit, services
    from motcua.dossiers.models import Dossier

    proc = f.procedure(amount=5)
    received = at(2025, 6, 30, hour, minute)
    live = services.receive_dossier(
        world.clerk, procedure=proc, unit=world.commune, applicant=world.applicant, now=received
    )
    result = _import(_line("IMPORTED-1", world.commune.code, received))
    assert result.ok, result.errors
    imported = Dossier.objects.get(code="IMPORTED-1")
    assert live.regime == imported.regime == expected
    for code in (live.code, imported.code):
        report = audit.verify(code)
        assert report.ok, report.as_json()


def test_import_records_the_crossing_official_receipt(world: Any) -> None:
    from motcua.dossiers.models import DossierEvent

    f.procedure(amount=5)
    assert _import(_line("LATE-EVENING", world.commune.code, at(2025, 6, 30, 18))).ok
    assert _import(_line("MORNING", world.commune.code, at(2025, 6, 30, 8))).ok
    crossed = DossierEvent.objects.get(dossier__code="LATE-EVENING").payload
    assert crossed["official_receipt"] == "2025-07-01T07:00:00+07:00"
    assert "official_receipt" not in DossierEvent.objects.get(dossier__code="MORNING").payload


def test_import_refuses_a_given_official_receipt(world: Any) -> None:
    f.procedure(amount=5)
    line = _line("GIVEN", world.commune.code, at(2025, 6, 30, 18), official_receipt="2025-06-30T18:00:00+07:00")
    result = _import(line)
    assert not result.ok and "official_receipt is computed" in result.errors[0]["error"]


def test_chunked_import_looks_up_calendars_between_writes(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit's calendar first needed in a later chunk (pipelined COPY on PostgreSQL) is still right."""
    from motcua.analytics import importer
    from motcua.dossiers import audit
    from motcua.dossiers.models import Dossier

    monkeypatch.setattr(importer, "CHUNK", 2)
    f.procedure(amount=5)
    lines = [_line(f"FAR-{i}", world.commune.code, at(2025, 3, 3 + i, 9)) for i in range(3)]
    lines += [_line(f"NEAR-{i}", world.other.code, at(2025, 6, 30, 17 + i)) for i in range(3)]
    result = importer.import_lines([json.dumps(x) for x in lines])
    assert result.ok and result.imported == 6, result.errors
    regimes = dict(Dossier.objects.values_list("code", "regime"))
    assert regimes == {"FAR-0": "nd61", "FAR-1": "nd61", "FAR-2": "nd61"} | {f"NEAR-{i}": "nd118" for i in range(3)}
    assert audit.verify().ok


def test_unknown_unit_calendar_is_a_line_error(world: Any) -> None:
    f.procedure(amount=5)
    world.other.calendar_name = "no-such-calendar"
    world.other.save()
    result = _import(_line("NEAR-X", world.other.code, at(2025, 6, 30, 18)))
    assert not result.ok and "calendar cannot be loaded" in result.errors[0]["error"]
    assert _import(_line("FAR-X", world.other.code, at(2024, 6, 30, 18))).ok  # far from a switch: no calendar needed
