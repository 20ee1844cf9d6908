"""Login lock-out (django-axes): per account and per address, on the login pages; the API takes no passwords."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_hashing"),
]
LOGIN = "/backoffice/login/"
RIGHT = "mat-khau-dung-123"


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lan() -> Any:
    return get_user_model().objects.create_user("lan", password=RIGHT)


def attempt(password: str, username: str = "lan", address: str = "10.0.0.1", client: Client | None = None) -> Any:
    return (client or Client()).post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def pass_time(minutes: float) -> None:
    """Move every recorded failure into the past, as if that much time had gone by."""
    for row in AccessAttempt.objects.all():
        row.attempt_time -= timedelta(minutes=minutes)
        row.save(update_fields=["attempt_time"])


def test_five_wrong_passwords_lock_the_account_until_the_lockout_passes(lan: Any) -> None:
    for _ in range(4):
        r = attempt("sai")
        assert r.status_code == 200 and "không đúng" in r.content.decode()
    r = attempt("sai")
    assert r.status_code == 429
    assert "tạm khoá" in r.content.decode() and "15 phút" in r.content.decode()
    # The right password is refused now, from any address.
    r = attempt(RIGHT, address="10.9.9.9")
    assert r.status_code == 429 and "_auth_user_id" not in r.client.session
    pass_time(14)
    assert attempt(RIGHT).status_code == 429  # still inside the 15 minutes
    pass_time(2)
    r = attempt(RIGHT)
    assert r.status_code == 302 and r.client.session["_auth_user_id"] == str(lan.pk)


def test_a_right_password_before_the_limit_logs_in_and_clears_the_count(lan: Any) -> None:
    for _ in range(4):
        attempt("sai")
    assert attempt(RIGHT).status_code == 302
    for _ in range(4):
        assert attempt("sai").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=60))
def test_limit_and_duration_are_configurable(lan: Any) -> None:
    for _ in range(2):
        attempt("sai")
    r = attempt("sai")
    assert r.status_code == 429 and "60 phút" in r.content.decode()
    pass_time(59)
    assert attempt(RIGHT).status_code == 429


def test_one_address_guessing_many_accounts_is_locked_out(lan: Any) -> None:
    for n in range(5):
        attempt("sai", username=f"khong-co-{n}", address="10.0.0.7")
    assert attempt(RIGHT, address="10.0.0.7").status_code == 429
    assert attempt(RIGHT, address="10.0.0.8").status_code == 302


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_forwarded_address_counts(lan: Any) -> None:
    client = Client()
    for n in range(5):
        client.post(
            LOGIN, {"username": f"x{n}", "password": "sai"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    blocked = client.post(
        LOGIN, {"username": "lan", "password": RIGHT}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert blocked.status_code == 429
    other = Client().post(
        LOGIN, {"username": "lan", "password": RIGHT}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code == 302


def test_the_admin_login_shares_the_lockout(lan: Any) -> None:
    for _ in range(5):
        attempt("sai")
    r = Client().post("/admin/login/", {"username": "lan", "password": RIGHT}, REMOTE_ADDR="10.0.0.3")
    assert r.status_code == 429


def test_the_api_accepts_no_password_but_a_token(lan: Any) -> None:
    basic = "Basic " + base64.b64encode(f"lan:{RIGHT}".encode()).decode()
    r = Client().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=basic)
    assert r.status_code in (401, 403)
    token = Token.objects.create(user=lan).key
    r = Client().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200


def test_logins_without_a_request_are_not_throttled(lan: Any) -> None:
    """Code on the server (tests, the shell) logs in without a request: nothing to throttle there."""
    from django.contrib.auth import authenticate

    assert authenticate(username="lan", password=RIGHT) == lan
    assert Client().login(username="lan", password=RIGHT)
