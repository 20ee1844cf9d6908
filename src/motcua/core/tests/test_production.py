"""The production profile: refuses unsafe settings, passes `check --deploy`, never migrates by itself."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from motcua import config

REPO = Path(__file__).resolve().parents[4]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A dummy but valid production environment (no secret of the real world in it)."""
    # Nothing of this test run leaks in (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rejects).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    env.update(
        MOTCUA_ENV="production",
        MOTCUA_DATA_DIR=str(tmp_path / "var"),
        MOTCUA_SECRET_KEY=secrets.token_urlsafe(50),
        MOTCUA_ALLOWED_HOSTS="motcua.example.vn",
        MOTCUA_PUBLIC_URL="https://motcua.example.vn",
        MOTCUA_EMAIL_URL="smtp://mail.example.vn:25",
        MOTCUA_SMS_PROVIDER="off",
        MOTCUA_ZALO_PROVIDER="off",
        MOTCUA_POPULATION_URL="https://lgsp.example.vn/csdlqg-dancu/",
        MOTCUA_SIGNING_TRUST_ROOTS="/etc/motcua/root-ca.pem",
        MOTCUA_NATIONAL_URL="https://dichvucong.gov.vn/lgsp/",
        MOTCUA_NATIONAL_SECRET=secrets.token_hex(16),
        MOTCUA_VNPAY_PAY_URL="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        MOTCUA_VNPAY_API_URL="https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        MOTCUA_VNPAY_HASH_SECRET=secrets.token_hex(16),
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)


def set_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **extra: str) -> None:
    for key, value in production_env(tmp_path, **extra).items():
        if key.startswith("MOTCUA_"):
            monkeypatch.setenv(key, value)


def test_a_valid_production_environment_has_no_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    set_env(monkeypatch, tmp_path)
    assert config.production() and config.production_errors() == []


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"MOTCUA_SECRET_KEY": ""}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_SECRET_KEY": "change-me"}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_SECRET_KEY": "django-insecure-" + "x" * 60}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_SECRET_KEY": "ab" * 30}, "MOTCUA_SECRET_KEY"),
        ({"MOTCUA_DEBUG": "1"}, "MOTCUA_DEBUG"),
        ({"MOTCUA_SMS_PROVIDER": "simulator"}, "MOTCUA_SMS_PROVIDER"),
        ({"MOTCUA_ZALO_PROVIDER": "simulator"}, "MOTCUA_ZALO_PROVIDER"),
        ({"MOTCUA_EMAIL_URL": ""}, "MOTCUA_EMAIL_URL"),
        ({"MOTCUA_ALLOWED_HOSTS": "*", "MOTCUA_PUBLIC_URL": ""}, "MOTCUA_ALLOWED_HOSTS"),
        ({"MOTCUA_ALLOWED_HOSTS": "motcua.example.vn,*"}, "MOTCUA_ALLOWED_HOSTS"),
        ({"MOTCUA_ALLOWED_HOSTS": " , ", "MOTCUA_PUBLIC_URL": ""}, "MOTCUA_ALLOWED_HOSTS"),
        ({"MOTCUA_VNPAY_PAY_URL": ""}, "MOTCUA_VNPAY_PAY_URL"),
        ({"MOTCUA_VNPAY_HASH_SECRET": "motcua-simulator-secret"}, "MOTCUA_VNPAY_HASH_SECRET"),
        # The simulator explicitly enabled in production: allowed (a province's test instance).
        ({"MOTCUA_PAYMENT_SIMULATOR": "1", "MOTCUA_VNPAY_PAY_URL": "", "MOTCUA_DEBUG": "1"}, "MOTCUA_DEBUG"),
    ],
)
def test_each_unsafe_setting_is_named(
    override: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_env(monkeypatch, tmp_path, **override)
    errors = config.production_errors()
    assert len(errors) == 1 and errors[0].startswith(named), errors


def test_production_refuses_to_start_with_one_english_line(tmp_path: Path) -> None:
    env = production_env(tmp_path, MOTCUA_DEBUG="1", MOTCUA_SMS_PROVIDER="simulator")
    out = run(["-m", "motcua", "migrate"], env)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1, out.stderr
    assert out.stderr.startswith("motcua: error: production profile refused: ")
    assert "MOTCUA_DEBUG" in out.stderr and "MOTCUA_SMS_PROVIDER" in out.stderr
    assert (
        not (tmp_path / "var" / "motcua.sqlite3").exists() or (tmp_path / "var" / "motcua.sqlite3").stat().st_size == 0
    )


@pytest.mark.slow
def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    out = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.slow
def test_production_settings(tmp_path: Path) -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hosts': s.ALLOWED_HOSTS, 'origins': s.CSRF_TRUSTED_ORIGINS, 'secure': [s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT], 'hsts': s.SECURE_HSTS_SECONDS, "
        "'proxy': s.SECURE_PROXY_SSL_HEADER, 'referrer': s.SECURE_REFERRER_POLICY}))"
    )
    env = production_env(
        tmp_path, MOTCUA_PROXY_SSL_HEADER="X-Forwarded-Proto", DJANGO_SETTINGS_MODULE="motcua.settings"
    )
    out = run(["-c", code], env)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["hosts"] == ["motcua.example.vn"]  # no `testserver` outside tests and development
    assert got["origins"] == ["https://motcua.example.vn"]
    assert got["secure"] == [True, True, True] and got["hsts"] >= 365 * 24 * 3600
    assert got["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"] and got["referrer"] == "same-origin"


@pytest.mark.slow
def test_production_commands_do_not_migrate(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    out = run(["-m", "motcua", "audit", "verify"], env)
    assert out.returncode == 1 and "run `motcua migrate`" in out.stderr, out.stderr
    assert out.stderr.count("\n") == 1
    out = run(["-m", "motcua", "migrate"], env)
    assert out.returncode == 0, out.stderr
    out = run(["-m", "motcua", "audit", "verify"], env)
    assert out.returncode == 0, out.stderr


def test_development_keeps_testserver_and_no_secure_cookies() -> None:
    from django.conf import settings

    assert "testserver" in settings.ALLOWED_HOSTS and not settings.SESSION_COOKIE_SECURE


@pytest.mark.django_db
@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ALLOWED_HOSTS=["motcua.example.vn"],
    CSRF_TRUSTED_ORIGINS=["https://motcua.example.vn"],
)
def test_a_same_origin_form_post_behind_a_tls_proxy_passes_csrf() -> None:
    client = Client(enforce_csrf_checks=True, HTTP_HOST="motcua.example.vn", HTTP_X_FORWARDED_PROTO="https")
    client.get("/backoffice/login/", secure=False)
    token = client.cookies["csrftoken"].value
    r = client.post(
        "/backoffice/login/",
        {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://motcua.example.vn",
        HTTP_REFERER="https://motcua.example.vn/backoffice/login/",
    )
    assert r.status_code == 200  # the form answers (wrong password), not a 403 from CSRF
    r = client.post(
        "/backoffice/login/",
        {"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://evil.example.com",
    )
    assert r.status_code == 403
