"""One home for the time zone: `motcua.config.time_zone()`, read by every module and by Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from motcua import config


@pytest.fixture
def fresh_zone() -> Iterator[None]:
    config.time_zone.cache_clear()
    yield
    config.time_zone.cache_clear()


def test_modules_share_the_configured_zone() -> None:
    from django.conf import settings as django_settings

    from motcua.analytics import rules
    from motcua.calendar import engine
    from motcua.dossiers import clock

    zone = config.time_zone()
    assert zone.key == config.env("MOTCUA_TIME_ZONE")
    assert engine.TZ is zone and clock.TZ is zone and rules.LOCAL_TZ is zone
    assert zone.key == django_settings.TIME_ZONE


def test_sql_local_day_uses_the_zone() -> None:
    from motcua.analytics.rollup import Dialect

    assert Dialect("postgresql").local_day("x") == f"(x AT TIME ZONE '{config.time_zone().key}')::date"
    minutes = int(config.utc_offset().total_seconds()) // 60
    assert Dialect("sqlite").local_day("x") == f"date(x, '{minutes:+d} minutes')"


def test_the_setting_is_read(monkeypatch: pytest.MonkeyPatch, fresh_zone: None) -> None:
    monkeypatch.setenv("MOTCUA_TIME_ZONE", "Asia/Tokyo")
    assert config.time_zone() == ZoneInfo("Asia/Tokyo")
    assert config.utc_offset().total_seconds() == 9 * 3600


@pytest.mark.parametrize(
    ("name", "message"),
    [("Europe/Paris", "daylight saving"), ("Mars/Olympus", "unknown time zone"), ("../x", "unknown")],
)
def test_bad_zone_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, fresh_zone: None, name: str, message: str) -> None:
    monkeypatch.setenv("MOTCUA_TIME_ZONE", name)
    with pytest.raises(ValueError, match=message):
        config.time_zone()


PROBE = """
import json
import django
django.setup()
from datetime import datetime, UTC
import numpy as np
from django.conf import settings
from motcua import config
from motcua.analytics import rules
from motcua.analytics.rollup import Dialect
from motcua.calendar import engine
from motcua.calendar.holidays_vn import vietnam_calendar
from motcua.dossiers import clock
cal = vietnam_calendar()
received = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # Tue 08:30 in Tokyo, Tue 06:30 in Hanoi
scalar = cal.due(received, 2, "working_days").due
vector = cal.batch_due_working_days(np.array([received.replace(tzinfo=None)], dtype="datetime64[us]"), np.array([2]))
print(json.dumps({
    "zones": [settings.TIME_ZONE, engine.TZ.key, clock.TZ.key, rules.LOCAL_TZ.key],
    "official": cal.official_receipt(received).isoformat(),
    "scalar": scalar.astimezone(UTC).isoformat(),
    "vector": str(vector[0]),
    "sqlite_day": Dialect("sqlite").local_day("c"),
}))
"""


def test_another_zone_reaches_every_module() -> None:
    """In a process configured for Asia/Tokyo, every module and Django count in Tokyo time."""
    env = {**os.environ, "MOTCUA_TIME_ZONE": "Asia/Tokyo", "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    got = json.loads(out.stdout)
    assert got["zones"] == ["Asia/Tokyo"] * 4
    assert got["official"] == "2026-03-03T08:30:00+09:00"
    # Due 17:00 Tokyo on the 2nd working day after Tue 03/03 = Thu 05/03 08:00 UTC, on both paths.
    assert got["scalar"] == "2026-03-05T08:00:00+00:00"
    assert got["vector"] == "2026-03-05T08:00:00"
    assert got["sqlite_day"] == "date(c, '+540 minutes')"
