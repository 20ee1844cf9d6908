"""`GET /api/v1/calendar/due` and `/days`: same answers as the engine and the CLI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_due(client):
    r = client.get(
        "/api/v1/calendar/due",
        {"received": "2026-02-13T16:30:00+07:00", "amount": "5", "unit": "working_days"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["official_receipt"] == "2026-02-13T16:30:00+07:00"
    assert body["due"] == "2026-02-27T17:00:00+07:00"
    assert "nghỉ Tết từ 14/02 đến 22/02" in body["explanation"]


def test_due_with_pause_and_naive_local_time(client):
    r = client.get(
        "/api/v1/calendar/due",
        {
            "received": "2026-03-02T08:00:00",
            "amount": "5",
            "unit": "working_days",
            "pause": "2026-03-03T08:00:00+07:00/2026-03-03T10:00:00+07:00",
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["due"] == "2026-03-10T09:00:00+07:00"


@pytest.mark.parametrize(
    "params",
    [
        {"received": "2026-02-13T16:30:00+07:00", "amount": "5", "unit": "weeks"},
        {"received": "nope", "amount": "5", "unit": "working_days"},
        {"received": "2026-02-13T16:30:00+07:00", "amount": "-1", "unit": "working_days"},
        {"received": "2026-02-13T16:30:00+07:00", "unit": "working_days"},
        {
            "received": "2026-02-13T16:30:00+07:00",
            "amount": "1",
            "unit": "working_days",
            "pause": "2026-02-24T08:00:00+07:00/2026-02-23T08:00:00+07:00",
        },
    ],
)
def test_due_bad_input_is_400(client, params):
    assert client.get("/api/v1/calendar/due", params).status_code == 400


def test_days(client):
    r = client.get("/api/v1/calendar/days", {"year": "2026"})
    assert r.status_code == 200
    kinds = {row["date"]: row["kind"] for row in r.json()}
    assert kinds["2026-01-10"] == "working_day"
    assert client.get("/api/v1/calendar/days", {"year": "x"}).status_code == 400
    assert client.get("/api/v1/calendar/days", {"year": "2026", "calendar": "nope"}).status_code == 404
