"""Every environment variable motcua reads, in one place.

`docs/SETTINGS.md` is generated from `SETTINGS` (``python -m motcua.config``), so the table of
variables in the documentation cannot drift from the code.
"""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def get(self) -> str:
        return os.environ.get(self.name, self.default)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting(
            "MOTCUA_DATA_DIR",
            "./var",
            "Folder for the SQLite database, the secret key, uploads and benchmark output.",
        ),
        Setting(
            "MOTCUA_DATABASE_URL",
            "",
            "Database URL (`sqlite:///path` or `postgresql://user@host:port/db`). "
            "Empty: SQLite file `motcua.sqlite3` in the data dir (WAL mode).",
        ),
        Setting("MOTCUA_SECRET_KEY", "", "Django secret key. Empty: generated once into `<data dir>/secret_key`."),
        Setting("MOTCUA_DEBUG", "0", "`1` turns on Django debug pages (never in production)."),
        Setting("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the server answers to."),
        Setting(
            "MOTCUA_TIME_ZONE",
            "Asia/Ho_Chi_Minh",
            "Local time zone for every local date and time (an IANA name without daylight saving time).",
        ),
        Setting(
            "MOTCUA_EMAIL_URL",
            "",
            "SMTP server `smtp://user:pass@host:port`; empty: the local e-mail simulator.",
        ),
        Setting("MOTCUA_EMAIL_FROM", "motcua@localhost", "Sender address of notification e-mails."),
        Setting("MOTCUA_SMS_PROVIDER", "simulator", "SMS adapter name (`simulator` writes to the database)."),
        Setting("MOTCUA_ZALO_PROVIDER", "simulator", "Zalo adapter name (`simulator` writes to the database)."),
        Setting("MOTCUA_MEDIA_DIR", "", "Folder for uploaded files; empty: `<data dir>/media`."),
        Setting("MOTCUA_MAX_UPLOAD_MB", "20", "Largest accepted upload, in MiB."),
        Setting(
            "MOTCUA_OUTBOX_MAX_ATTEMPTS", "6", "Delivery attempts of one message before it is marked failed (visible)."
        ),
        Setting("MOTCUA_OUTBOX_BACKOFF_SECONDS", "30", "First retry delay of a failed delivery; doubles each attempt."),
        Setting("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS", "21600", "Longest retry delay of a failed delivery."),
        Setting(
            "MOTCUA_PUBLIC_URL",
            "http://127.0.0.1:8000",
            "Public address of the site, without a trailing slash (`https://motcua.example.gov.vn`): the receipt's "
            "QR code links to `<this>/tra-cuu/?ma=CODE`; its host is an allowed host and its origin a trusted CSRF "
            "origin (needed behind a TLS-terminating reverse proxy).",
        ),
        Setting(
            "MOTCUA_LOOKUP_MAX_FAILURES",
            "10",
            "Failed public look-ups allowed from one client address per window; one more answers 429.",
        ),
        Setting("MOTCUA_LOOKUP_WINDOW_SECONDS", "600", "Length of the public look-up failure window, in seconds."),
        Setting(
            "MOTCUA_OUTBOX_LEASE_SECONDS",
            "120",
            "How long a worker holds a claimed message before another may retry it.",
        ),
        Setting(
            "MOTCUA_ENV",
            "development",
            "`production` refuses to start with a missing or weak secret key, debug on, a simulator as a "
            "delivery channel or a wildcard/empty host list, and turns on secure cookies, HSTS and HTTPS "
            "redirects; CLI commands then never migrate by themselves (run `motcua migrate`). "
            "`development` (demo, tests) migrates on first use.",
        ),
        Setting("MOTCUA_BIND", "127.0.0.1:8000", "Address `motcua serve` listens on (`host:port` or `unix:/path`)."),
        Setting("MOTCUA_WEB_WORKERS", "", "Web worker processes of `motcua serve`; empty: 2 × CPU cores + 1."),
        Setting("MOTCUA_CSRF_TRUSTED_ORIGINS", "", "More trusted origins for form posts, comma-separated."),
        Setting(
            "MOTCUA_PROXY_SSL_HEADER",
            "",
            "Header a trusted reverse proxy sets to `https` on TLS requests (e.g. `X-Forwarded-Proto`); "
            "empty: not trusted. Set it only when the proxy strips that header from clients.",
        ),
        Setting(
            "MOTCUA_TRUSTED_PROXIES",
            "0",
            "Number of reverse proxies in front of the server; the client address for login lock-out is "
            "then read from `X-Forwarded-For` (0: the socket address).",
        ),
        Setting("MOTCUA_SSL_REDIRECT", "", "`1` redirects plain HTTP to HTTPS; empty: on in production only."),
        Setting(
            "MOTCUA_HSTS_SECONDS", "", "Strict-Transport-Security max-age; empty: one year in production, 0 otherwise."
        ),
        Setting(
            "MOTCUA_LOGIN_FAILURE_LIMIT",
            "5",
            "Wrong passwords (per account, and per client address) before a lock-out.",
        ),
        Setting(
            "MOTCUA_LOGIN_LOCKOUT_MINUTES",
            "15",
            "How long a lock-out lasts, and the window the failures are counted in.",
        ),
        # nationalportal / portalsim (the online channel through the national portal and VNeID)
        Setting(
            "MOTCUA_NATIONAL_ADAPTER",
            "http",
            "Adapter that speaks to the national public-service portal (DVCQG): `http` (signed JSON, spoken by the "
            "local simulator); empty switches outbound sync off.",
        ),
        Setting(
            "MOTCUA_NATIONAL_URL",
            "",
            "Base URL of the national portal's receiver; empty: the local simulator, `<MOTCUA_PUBLIC_URL>/sim/dvcqg`.",
        ),
        Setting(
            "MOTCUA_NATIONAL_SECRET",
            "motcua-dvcqg-dev-secret",
            "Shared secret that signs messages in both directions (HMAC-SHA256); set a random one in production.",
        ),
        Setting("MOTCUA_NATIONAL_SYNC_ALL", "0", "`1`: also synchronise dossiers received at a counter or by post."),
        Setting(
            "MOTCUA_SIMULATORS",
            "",
            "`1` mounts the national-portal/VNeID simulator at `/sim/dvcqg/`; empty: on unless production.",
        ),
    ]
}


def env(name: str) -> str:
    return SETTINGS[name].get()


def data_dir() -> Path:
    path = Path(env("MOTCUA_DATA_DIR")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """The configured key, or one generated once into the data dir (never committed)."""
    configured = env("MOTCUA_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def public_url() -> str:
    """The site's public address (no trailing slash), for links printed on paper (QR codes)."""
    return env("MOTCUA_PUBLIC_URL").rstrip("/")


def env_int(name: str) -> int:
    """An integer setting; a malformed value is a clear configuration error, not a traceback later."""
    raw = env(name)
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def database_url() -> str:
    return env("MOTCUA_DATABASE_URL") or f"sqlite:///{data_dir() / 'motcua.sqlite3'}"


@functools.cache
def time_zone() -> ZoneInfo:
    """The product's one local time zone (`MOTCUA_TIME_ZONE`), read once per process.

    Every local date and time (deadlines, classification, reports, Django's `TIME_ZONE`) comes
    from here. The calendar engine counts in local microseconds and the reports take local dates
    in SQL with a fixed offset, so a zone with daylight saving time is refused.
    """
    name = env("MOTCUA_TIME_ZONE")
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"MOTCUA_TIME_ZONE: unknown time zone {name!r}") from None
    offsets = {zone.utcoffset(datetime(year, month, 1)) for year in (1980, 2000, 2025) for month in (1, 7)}
    if len(offsets) != 1:
        raise ValueError(f"MOTCUA_TIME_ZONE: {name!r} has daylight saving time; use a fixed-offset zone")
    return zone


def utc_offset() -> timedelta:
    """The fixed UTC offset of `time_zone()` (e.g. +07:00), for SQL and vectorised date arithmetic."""
    offset = time_zone().utcoffset(datetime(2000, 1, 1))
    assert offset is not None
    return offset


def production() -> bool:
    return env("MOTCUA_ENV").strip().lower() == "production"


def allowed_hosts() -> list[str]:
    hosts = [h.strip() for h in env("MOTCUA_ALLOWED_HOSTS").split(",") if h.strip()]
    public_host = urlsplit(env("MOTCUA_PUBLIC_URL")).hostname
    if public_host and public_host not in hosts:
        hosts.append(public_host)
    return hosts


def csrf_trusted_origins() -> list[str]:
    origins = [o.strip().rstrip("/") for o in env("MOTCUA_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
    public = urlsplit(env("MOTCUA_PUBLIC_URL"))
    if public.scheme and public.netloc:
        origins.insert(0, f"{public.scheme}://{public.netloc}")
    return origins


_PLACEHOLDER_KEYS = {"change-me", "changeme", "secret", "secret-key", "please-change-me", "motcua"}


def production_errors() -> list[str]:
    """Why the production profile must not start; empty when it may (each reason names its variable)."""
    errors = []
    key = env("MOTCUA_SECRET_KEY")
    if not key:
        errors.append("MOTCUA_SECRET_KEY is not set")
    elif key.lower() in _PLACEHOLDER_KEYS or key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        errors.append("MOTCUA_SECRET_KEY is a placeholder or too weak (use 50+ random characters)")
    if env("MOTCUA_DEBUG") != "0":
        errors.append("MOTCUA_DEBUG must be 0")
    for name in ("MOTCUA_SMS_PROVIDER", "MOTCUA_ZALO_PROVIDER"):
        if env(name).strip() in ("", "simulator"):
            errors.append(f"{name} is the local simulator")
    if not env("MOTCUA_EMAIL_URL"):
        errors.append("MOTCUA_EMAIL_URL is empty (the local e-mail simulator)")
    hosts = allowed_hosts()
    if not hosts or any(h == "*" for h in hosts):
        errors.append("MOTCUA_ALLOWED_HOSTS is empty or a wildcard")
    return errors


def markdown_table() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS.values()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print("# Settings\n\nGenerated by `python -m motcua.config`; every variable motcua reads.\n")
    print(markdown_table())
