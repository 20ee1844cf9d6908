"""SIPAS screens through the test client: portal page, kiosk (fresh session after each answer), paper form, results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from motcua.conftest import DEFAULT_NOW
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role
from motcua.surveys.models import Campaign, Response
from motcua.surveys.tests.test_sipas import campaign  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _scenario_instant(clock: Any) -> None:
    """This module's scenarios are written with calendar dates of the default test instant (a working
    Wednesday in late November 2026): pinned there, also in CI's reruns at other instants."""
    clock.move_to(datetime.fromisoformat(DEFAULT_NOW))


pytestmark = pytest.mark.django_db


def test_portal_kiosk_paper_and_results(campaign: Campaign, clock: object) -> None:  # noqa: F811
    c = Client()
    assert c.get("/khao-sat/sipas-2026/").status_code == 200
    assert c.get("/khao-sat/khong-co/").status_code == 404
    r = c.post("/khao-sat/sipas-2026/", {"unit": "H32.27", "E1.S1": "5", "E2.S1": "4"})
    assert r.status_code == 302
    r = c.post("/khao-sat/sipas-2026/", {"unit": "H32.27", "E1.S1": "5"})
    assert r.status_code == 400 and "Bạn đã trả lời khảo sát này" in r.content.decode()
    kiosk = Client()
    for _ in range(2):  # two people in turn at the counter tablet
        assert kiosk.get("/khao-sat/sipas-2026/kiosk/?unit=H32.27").status_code == 200
        r = kiosk.post("/khao-sat/sipas-2026/kiosk/", {"unit": "H32.27", "E3.S1": "4"})
        assert r.status_code == 302 and "/kiosk/cam-on/" in r["Location"]
        assert kiosk.get(r["Location"]).status_code == 200
    assert Response.objects.filter(channel="kiosk").count() == 2
    assert c.get("/khao-sat/sipas-2026/phieu/").status_code == 200
    leader = f.official("lead", campaign.units.get(code="H32.27"), Role.LEADER)
    staff = Client()
    staff.force_login(leader)
    assert staff.get("/backoffice/khao-sat/").status_code == 200
    r = staff.get("/backoffice/khao-sat/sipas-2026/")
    assert r.status_code == 200 and "<svg" in r.content.decode()
    assert staff.get("/backoffice/khao-sat/sipas-2026/ket-qua.xlsx").content[:2] == b"PK"
    assert staff.get("/backoffice/khao-sat/sipas-2026/ket-qua.pdf").content[:5] == b"%PDF-"
    assert staff.get("/backoffice/khao-sat/sipas-2026/nhap-phieu/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = staff.post(
        "/backoffice/khao-sat/sipas-2026/nhap-phieu/", {"file": SimpleUploadedFile("p.csv", b"unit,E1.S1\nH32.27,9\n")}
    )
    assert r.status_code == 400 and "Dòng 2" in r.content.decode()
    r = staff.post(
        "/backoffice/khao-sat/sipas-2026/nhap-phieu/", {"file": SimpleUploadedFile("p.csv", b"unit,E1.S1\nH32.27,4\n")}
    )
    assert r.status_code == 302 and Response.objects.filter(channel="paper").count() == 1
