"""Dashboards: login required, unit scoping, numbers equal the report, links to dossier lists, exports."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from motcua.analytics.tests.test_report import EXPECTED_TOTAL, dataset  # noqa: F401

Q = "from=2025-01-10&to=2025-01-20"


@pytest.fixture
def users(dataset: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    from django.contrib.auth import get_user_model

    from motcua.organizations.models import Membership

    User = get_user_model()
    admin = User.objects.create_user("tinh", password="x")
    Membership.objects.create(user=admin, unit=dataset["province"], role="province_admin")
    clerk = User.objects.create_user("xa", password="x")
    Membership.objects.create(user=clerk, unit=dataset["commune"], role="clerk")
    return {"admin": admin, "clerk": clerk}


def test_login_required(dataset: dict[str, Any]) -> None:  # noqa: F811
    assert Client().get(f"/analytics/?{Q}").status_code == 302


def test_overview_numbers_and_links(users: dict[str, Any]) -> None:
    c = Client()
    c.force_login(users["admin"])
    html = c.get(f"/analytics/?{Q}").content.decode()
    assert "<svg" in html and "Sở Tư pháp" in html
    assert f'cell=received">{EXPECTED_TOTAL["received"]["total"]}</a>' in html
    assert "58.33%" in html  # on-time rate 7/12
    link = re.search(r'href="(/analytics/dossiers/\?[^"]*unit=H32.101[^"]*cell=overdue)"', html)
    assert link is not None
    listing = c.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert ">F<" in listing and ">E<" not in listing


def test_scope_limits_a_commune_clerk(users: dict[str, Any]) -> None:
    c = Client()
    c.force_login(users["clerk"])
    html = c.get(f"/analytics/?{Q}").content.decode()
    assert "Phường Nha Trang" in html and "Sở Tư pháp" not in html
    assert c.get(f"/analytics/unit/H32.27/?{Q}").status_code == 403
    assert c.get(f"/analytics/dossiers/?{Q}&unit=H32.27&cell=received").status_code == 403
    assert c.get(f"/analytics/unit/H32.101/?{Q}").status_code == 200


def test_exports_and_bad_input(users: dict[str, Any]) -> None:
    c = Client()
    c.force_login(users["admin"])
    r = c.get(f"/analytics/export.xlsx?{Q}")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert c.get(f"/analytics/export.csv?{Q}&by=field").content.decode("utf-8-sig").startswith("STT")
    assert c.get("/analytics/?from=2025-02-30&to=2025-03-01").status_code == 400
    assert c.get("/analytics/?from=0001-01-01&to=0001-01-01").status_code == 400  # was a 500 (date overflow)
    assert c.get(f"/analytics/dossiers/?{Q}&cell=nope").status_code == 400


def test_kl91_page(users: dict[str, Any]) -> None:
    c = Client()
    c.force_login(users["admin"])
    html = c.get(f"/analytics/kl91/?{Q}").content.decode()
    assert "Sở Tư pháp" in html and "33.33%" in html  # H32.27: late 3 of 9
    c.force_login(users["clerk"])
    assert "Sở Tư pháp" not in c.get(f"/analytics/kl91/?{Q}").content.decode()


def test_api_resolution_and_index(users: dict[str, Any]) -> None:
    c = Client()
    assert c.get(f"/api/v1/analytics/resolution?{Q}").status_code in (401, 403)
    c.force_login(users["admin"])
    doc = c.get(f"/api/v1/analytics/resolution?{Q}").json()
    assert doc["total"] == EXPECTED_TOTAL
    assert c.get(f"/api/v1/analytics/index766?{Q}").json()["total"] == 43.48
    assert c.get("/api/v1/analytics/resolution?from=2025-01-21&to=2025-01-20").status_code == 400
    for period in ("from=0001-01-01&to=0001-01-01", "from=2025-01-01&to=9999-12-31"):
        r = c.get(f"/api/v1/analytics/index766?{period}")
        assert r.status_code == 400 and r.json()["code"] == "invalid_input", period
    assert c.get(f"/api/v1/analytics/resolution?{Q}&by=nope").status_code == 400
    c.force_login(users["clerk"])
    assert c.get(f"/api/v1/analytics/resolution?{Q}").json()["total"]["received"]["total"] == 3
    assert c.get(f"/api/v1/analytics/resolution?{Q}&unit=H32.27").status_code == 403


def test_every_total_links_to_exactly_its_dossiers(users: dict[str, Any]) -> None:
    c = Client()
    c.force_login(users["admin"])
    html = c.get(f"/analytics/?{Q}").content.decode()
    total_row = html[html.index('class="total"') :]
    links = re.findall(r'href="(/analytics/dossiers/\?[^"]*cell=(\w+))">(\d+)</a>', total_row)
    assert len(links) == 13
    for url, cell, number in links:
        listing = c.get(url.replace("&amp;", "&")).content.decode()
        assert f"· {number} hồ sơ" in listing, cell
