"""Rate limits on public forms and endpoints (`core.ratelimit.rate_limited`), shared across processes,
and the request body cap (`documents.uploads.RequestSizeLimitMiddleware`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from motcua.core.ratelimit import public_limiter, rate_limited


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MOTCUA_PUBLIC_RATE_LIMIT", "3")
    monkeypatch.setenv("MOTCUA_PUBLIC_RATE_WINDOW_SECONDS", "600")
    cache.clear()
    yield
    cache.clear()


@rate_limited("test-form")
def form_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_public_form_takes_the_limit_of_posts_per_address_then_answers_429() -> None:
    rf = RequestFactory()
    for _ in range(3):
        assert form_view(rf.post("/gop-y/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    refused = form_view(rf.post("/gop-y/", REMOTE_ADDR="10.0.0.1"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "quá nhiều yêu cầu" in refused.content.decode()
    # Showing the form is free; another address has its own count.
    assert form_view(rf.get("/gop-y/", REMOTE_ADDR="10.0.0.1")).status_code == 200
    assert form_view(rf.post("/gop-y/", REMOTE_ADDR="10.0.0.2")).status_code == 200
    # Under /api/ the refusal is the API's error body.
    api = form_view(rf.post("/api/v1/feedback", REMOTE_ADDR="10.0.0.1"))
    assert api.status_code == 429 and json.loads(api.content)["code"] == "rate_limited"


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_forwarded_address_counts() -> None:
    rf = RequestFactory()
    for i in range(4):
        response = form_view(rf.post("/gop-y/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"))
        assert response.status_code == 200  # four citizens behind one nginx


@pytest.mark.django_db
def test_the_public_look_up_is_rate_limited_on_every_request() -> None:
    client = Client()
    answers = [client.get("/api/v1/public/lookup", {"code": "", "phone": ""}).status_code for _ in range(4)]
    assert answers == [400, 400, 400, 429]  # malformed requests are not failures, but they are requests
    page = [client.post("/tra-cuu/", {"ma": "", "sdt": ""}).status_code for _ in range(4)]
    assert page == [400, 400, 400, 429]


def test_the_cache_is_shared_by_processes() -> None:
    """Two other processes (as two gunicorn workers) count into the same limit as this one."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        pytest.fail("MOTCUA_CACHE=memory: the limit would not hold across the server's processes")
    script = (
        "import django; django.setup(); "
        "from motcua.core.ratelimit import public_limiter; "
        "print(public_limiter('shared').fail('198.51.100.7'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    counts = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert [c.strip() for c in counts] == ["1", "2"]
    limiter = public_limiter("shared")
    assert not limiter.blocked("198.51.100.7")
    assert limiter.fail("198.51.100.7") == 3
    assert limiter.blocked("198.51.100.7")


def test_the_default_cache_is_a_file_cache_under_the_data_dir() -> None:
    if os.environ.get("MOTCUA_CACHE", "file") != "file":
        pytest.skip("another MOTCUA_CACHE is configured")
    assert settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    assert settings.CACHES["default"]["LOCATION"] == str(settings.DATA_DIR / "cache")


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1024)
def test_a_body_larger_than_the_cap_is_refused_before_it_is_read() -> None:
    client = Client()
    big = "x" * 2048
    assert client.post("/tra-cuu/", {"ma": big}).status_code == 413
    api = client.post("/api/v1/public/lookup", data=big, content_type="application/json")
    assert api.status_code == 413 and api.json()["code"] == "too_large"
    assert client.post("/tra-cuu/", {"ma": "x"}).status_code == 400  # under the cap: the view answers
