import pytest
from django.test import Client


@pytest.mark.django_db
def test_landing_links_every_entry_point(client: Client) -> None:
    body = client.get("/").content.decode()
    for href in ("/portal/", "/backoffice/", "/admin/", "/api/docs/"):
        assert f'href="{href}"' in body


@pytest.mark.django_db
def test_healthz_reports_the_database(client: Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db
def test_swagger_ui_is_served_without_a_cdn(client: Client) -> None:
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert "cdn." not in body and "unpkg" not in body


@pytest.mark.django_db
def test_back_office_needs_a_login(client: Client) -> None:
    assert client.get("/backoffice/").status_code == 302
