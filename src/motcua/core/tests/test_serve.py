"""`motcua serve`: gunicorn with the worker rule, WhiteNoise, a health check that asks the database."""

from __future__ import annotations

import http.cookiejar
import json
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from rest_framework.authtoken.models import Token

from motcua.cli import main
from motcua.core import serve
from motcua.core.tests import live
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role


def test_default_workers_is_twice_the_cores_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert serve.default_workers() == 7


def test_gunicorn_options_follow_the_arguments() -> None:
    options = serve.options("127.0.0.1:9999", 3)
    assert options["bind"] == ["127.0.0.1:9999"] and options["workers"] == 3 and options["preload_app"]


@pytest.mark.parametrize("value", ["many", "0"])
def test_a_bad_worker_count_is_one_line(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOTCUA_WEB_WORKERS", value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "worker" in err.lower()


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.core import views

    class Broken:
        vendor = "sqlite"

        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", Broken())
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "error"


PASSWORD = "mat-khau-may-chu-1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _request(url: str, *, method: str = "GET", token: str = "", body: dict[str, Any] | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serve_drives_a_dossier_through_the_api() -> None:
    unit = f.unit("H32.27.01", name="UBND phường Nha Trang")
    f.procedure()
    clerk = f.official("clerk-serve", unit, Role.CLERK)
    clerk.set_password(PASSWORD)
    clerk.save()
    token = Token.objects.create(user=clerk).key
    port = live.free_port()
    base = f"http://127.0.0.1:{port}"
    server = live.motcua("serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", stderr=subprocess.PIPE)
    try:
        live.wait_until_up(f"{base}/healthz", server)
        assert _request(f"{base}/healthz") == (200, {"status": "ok", "database": connection.vendor})
        # Without credentials the API refuses; HTTP Basic is not accepted at all.
        status, _ = _request(f"{base}/api/v1/dossiers/")
        assert status in (401, 403)
        body = {
            "procedure": "1.001193",
            "unit": unit.code,
            "applicant_name": "Nguyễn Văn A",
            "idempotency_key": "serve-1",
        }
        status, created = _request(f"{base}/api/v1/dossiers/", method="POST", token=token, body=body)
        assert status == 201, created
        status, fetched = _request(f"{base}/api/v1/dossiers/{created['code']}/", token=token)
        assert status == 200 and fetched["status"] == "received" and fetched["applicant_name"] == "Nguyễn Văn A"
        # A clerk's browser session works too: log in through the form, then post with the CSRF token.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        browser.open(f"{base}/backoffice/login/", timeout=30).read()
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode({"username": "clerk-serve", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
        try:
            browser.open(f"{base}/backoffice/login/", data=form.encode(), timeout=30)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302, exc.read()
        csrf = next(c.value for c in jar if c.name == "csrftoken")  # rotated at login
        posted = browser.open(
            urllib.request.Request(
                f"{base}/api/v1/dossiers/",
                data=json.dumps({**body, "idempotency_key": "serve-2"}).encode(),
                headers={"Content-Type": "application/json", "X-CSRFToken": csrf},
                method="POST",
            ),
            timeout=30,
        )
        assert posted.status == 201 and json.loads(posted.read())["code"] != created["code"]
        # Static files come from WhiteNoise inside the application.
        with urllib.request.urlopen(f"{base}/static/backoffice/app.css", timeout=10) as css:
            assert css.status == 200 and b"htmx-indicator" in css.read()
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err.decode()
    assert b"with 2 worker(s)" in err
    assert Dossier.objects.count() == 2


@pytest.mark.django_db
def test_production_serve_needs_collected_static_files(
    settings: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.PRODUCTION = True
    settings.STATIC_ROOT = str(tmp_path)
    assert main(["serve", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "collectstatic" in err
