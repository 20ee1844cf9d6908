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
            "MOTCUA_MAX_REQUEST_MB",
            "100",
            "Largest request body, in MiB (all files of one form together); refused with 413 before it is read.",
        ),
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
            "MOTCUA_TRUST_KEY_FILE",
            "",
            "Ed25519 private key (PEM) that signs audit checkpoints and seals dossier chain heads; keep it off the "
            "database server. Empty: `<data dir>/keys/trust-ed25519.pem`, generated when absent.",
        ),
        Setting(
            "MOTCUA_TRUST_PUBLIC_KEY_FILE",
            "",
            "Public key (PEM) that `motcua audit verify` trusts for checkpoints; empty: the one of the key file.",
        ),
        Setting(
            "MOTCUA_CHECKPOINT_DIR",
            "",
            "Append-only checkpoint log and head lists (`log.jsonl`, `heads-N.tsv.gz`); empty: "
            "`<data dir>/checkpoints`.",
        ),
        Setting("MOTCUA_CHECKPOINT_MINUTES", "60", "The worker writes a signed checkpoint this often (and at 17:00)."),
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
        # Scaling (docs/SCALING.md): replica, shared cache, public rate limits, request size.
        Setting(
            "MOTCUA_REPLICA_DATABASE_URL",
            "",
            "A read-only PostgreSQL hot standby of the primary (`postgresql://user@host:port/db`); reports, "
            "dashboards, exports and the public look-up read from it while it keeps up. Empty: no replica.",
        ),
        Setting(
            "MOTCUA_REPLICA_MAX_LAG_SECONDS",
            "5",
            "Largest replica lag (seconds behind the primary) at which reads still go to the replica; above it, "
            "or when it does not answer, the primary answers.",
        ),
        Setting("MOTCUA_REPLICA_CHECK_SECONDS", "1", "How long one replica lag check is reused, in seconds."),
        Setting(
            "MOTCUA_REPLICA_RETRY_SECONDS",
            "30",
            "After the replica failed to answer, seconds before it is tried again.",
        ),
        Setting(
            "MOTCUA_CACHE",
            "file",
            "Cache shared by the server's processes (rate limits): `file` (`<data dir>/cache`, one machine), "
            "`database` (table `motcua_cache`, several machines; created by `motcua migrate`) or `memory` "
            "(per process: tests only).",
        ),
        Setting(
            "MOTCUA_PUBLIC_RATE_LIMIT",
            "60",
            "Requests to one public form or endpoint (look-up, feedback, online filing, sign-in callback) accepted "
            "from one client address per window (form posts; GETs for API endpoints); one more answers 429.",
        ),
        Setting("MOTCUA_PUBLIC_RATE_WINDOW_SECONDS", "600", "Length of the public rate-limit window, in seconds."),
        Setting(
            "MOTCUA_DB_CONN_MAX_AGE",
            "600",
            "Seconds a web or worker process keeps its database connection between requests (checked before "
            "reuse); 0 opens one per request, which costs a PostgreSQL backend start each time.",
        ),
        # Signed documents (signing) and the national population database (population): issue 16.
        Setting(
            "MOTCUA_SIMULATORS",
            "",
            "Local simulators of external services mounted under `/sim/` (national portal and VNeID, remote signing, "
            "population database): "
            "empty = on except in production; `1` = on even in production (a test installation); `0` = off.",
        ),
        Setting(
            "MOTCUA_SIGNING_PROVIDER",
            "local",
            "Who signs PDFs: `local` (per-unit/per-person certificate and key files in `MOTCUA_SIGNING_DIR`) or "
            "`remote` (a CSC API v2 remote signing service such as the Government signing service).",
        ),
        Setting(
            "MOTCUA_SIGNING_DIR",
            "",
            "Folder of certificates and keys: `units/<UNIT CODE>.pem|.key`, `people/<username>.pem|.key`, "
            "`ca/root.pem`; empty: `<data dir>/signing` (where `motcua signing init-ca` writes the demo test CA).",
        ),
        Setting("MOTCUA_SIGNING_KEY_PASSPHRASE", "", "Passphrase of the local key files (secret); empty: unencrypted."),
        Setting(
            "MOTCUA_SIGNING_TRUST_ROOTS",
            "",
            "Comma-separated PEM files of the root certificates a signature must chain to (e.g. the national "
            "root CA); empty: the demo test CA `<signing dir>/ca/root.pem` (refused in production).",
        ),
        Setting(
            "MOTCUA_SIGNING_REMOTE_URL",
            "",
            "Base URL of the remote signing service's CSC API v2 (`.../csc/v2/`); empty: the local simulator "
            "`<public URL>/sim/ky-so/csc/v2/`.",
        ),
        Setting("MOTCUA_SIGNING_REMOTE_CLIENT_ID", "motcua", "OAuth2 client id at the remote signing service."),
        Setting(
            "MOTCUA_SIGNING_REMOTE_CLIENT_SECRET",
            "",
            "OAuth2 client secret at the remote signing service (secret); the simulator accepts any when empty.",
        ),
        Setting("MOTCUA_SIGNING_REMOTE_TIMEOUT", "10", "Seconds to wait for the remote signing service."),
        Setting(
            "MOTCUA_POPULATION_PROVIDER",
            "csdlqg",
            "Population database adapter: `csdlqg` (the national population database over HTTP) or `off` "
            "(no look-up; counter intake is not verified).",
        ),
        Setting(
            "MOTCUA_POPULATION_URL",
            "",
            "Base URL of the population database API (through the province's LGSP/NDXP); empty: the local "
            "simulator `<public URL>/sim/csdlqg-dancu/`.",
        ),
        Setting("MOTCUA_POPULATION_API_KEY", "", "Key sent as `X-Api-Key` to the population database (secret)."),
        Setting(
            "MOTCUA_POPULATION_TIMEOUT",
            "3",
            "Seconds to wait for the population database; past it, intake goes on and the dossier is marked "
            "“chưa xác thực”.",
        ),
        # ---- payments (contracts §8.2; the `payments` app) ----
        Setting(
            "MOTCUA_PAYMENT_SIMULATOR",
            "",
            "`1` serves the local payment simulator under `/sim/vnpay/` and sends gateway calls to it; `0` never; "
            "empty: on except in the production profile (where `1` must be set explicitly to allow it).",
        ),
        Setting("MOTCUA_VNPAY_TMN_CODE", "MOTCUA01", "Merchant (terminal) code `vnp_TmnCode` given by VNPAY."),
        Setting(
            "MOTCUA_VNPAY_HASH_SECRET",
            "motcua-simulator-secret",
            "VNPAY secret for the HMAC-SHA512 `vnp_SecureHash` (the default is the simulator's; refused in production).",
        ),
        Setting(
            "MOTCUA_VNPAY_PAY_URL",
            "",
            "VNPAY payment page (e.g. `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html`); empty: the simulator.",
        ),
        Setting(
            "MOTCUA_VNPAY_API_URL",
            "",
            "VNPAY merchant API for `querydr` and `refund` "
            "(e.g. `https://sandbox.vnpayment.vn/merchant_webapi/api/transaction`); empty: the simulator.",
        ),
        Setting(
            "MOTCUA_VNPAY_RETURN_URL",
            "",
            "Browser return address sent as `vnp_ReturnUrl`; empty: `{MOTCUA_PUBLIC_URL}/payments/vnpay/return`.",
        ),
        Setting("MOTCUA_VNPAY_EXPIRE_MINUTES", "15", "Validity of a payment link (`vnp_ExpireDate`), in minutes."),
        Setting(
            "MOTCUA_PAYMENT_QUERY_AFTER_MINUTES",
            "20",
            "The worker asks the gateway (`querydr`) about payments still pending after this many minutes.",
        ),
        Setting("MOTCUA_VIETQR_BIN", "970415", "Bank BIN (NAPAS) of the account that receives counter transfers."),
        Setting("MOTCUA_VIETQR_ACCOUNT", "113366668888", "Account number that receives VietQR transfers."),
        Setting("MOTCUA_VIETQR_ACCOUNT_NAME", "KHO BAC NHA NUOC (DEMO)", "Account holder printed under the QR."),
        Setting(
            "MOTCUA_RECEIPT_SERIES",
            "BLĐT",
            "Symbol (ký hiệu) printed on electronic fee receipts, followed by the unit code and the year.",
        ),
        Setting(
            "MOTCUA_TEST_IPN_PAUSE_FILE",
            "",
            "Testing only: after the IPN commits, create this file and wait before answering (crash tests).",
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
        # reform (PAR-index scoring; Khánh Hòa's own band thresholds are unconfirmed: regulation.md §8.2)
        Setting(
            "MOTCUA_REFORM_BANDS",
            "90,80,65",
            "Lowest PAR index (%) of the bands Tốt, Khá, Trung bình (comma-separated, descending); below the last: Yếu.",
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


def env_float(name: str) -> float:
    """A decimal setting; a malformed value is a clear configuration error."""
    raw = env(name)
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None


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
    errors += simulator_errors()
    if not payment_simulator():  # a province on the real gateway needs its own addresses and secret
        for name in ("MOTCUA_VNPAY_PAY_URL", "MOTCUA_VNPAY_API_URL"):
            if not env(name):
                errors.append(f"{name} is empty (the payment simulator; MOTCUA_PAYMENT_SIMULATOR=1 allows it)")
        if env("MOTCUA_VNPAY_HASH_SECRET") == SETTINGS["MOTCUA_VNPAY_HASH_SECRET"].default:
            errors.append("MOTCUA_VNPAY_HASH_SECRET is the simulator's secret")
    hosts = allowed_hosts()
    if not hosts or any(h == "*" for h in hosts):
        errors.append("MOTCUA_ALLOWED_HOSTS is empty or a wildcard")
    return errors


def simulators_on() -> bool:
    """Whether `/sim/` serves the local simulators (`MOTCUA_SIMULATORS`; default: not in production)."""
    value = env("MOTCUA_SIMULATORS").strip()
    return value == "1" if value else not production()


def simulator_errors() -> list[str]:
    """External services left on their local simulator or test CA: refused in production unless
    `MOTCUA_SIMULATORS=1` says so explicitly."""
    if env("MOTCUA_SIMULATORS").strip() == "1":
        return []
    errors = []
    if env("MOTCUA_POPULATION_PROVIDER").strip() == "csdlqg" and not env("MOTCUA_POPULATION_URL").strip():
        errors.append("MOTCUA_POPULATION_URL is empty (the population database simulator)")
    if env("MOTCUA_SIGNING_PROVIDER").strip() == "remote" and not env("MOTCUA_SIGNING_REMOTE_URL").strip():
        errors.append("MOTCUA_SIGNING_REMOTE_URL is empty (the remote signing simulator)")
    if not env("MOTCUA_SIGNING_TRUST_ROOTS").strip():
        errors.append("MOTCUA_SIGNING_TRUST_ROOTS is empty (the demo test CA)")
    if env("MOTCUA_NATIONAL_ADAPTER").strip() and not env("MOTCUA_NATIONAL_URL").strip():
        errors.append("MOTCUA_NATIONAL_URL is empty (the national portal simulator)")
    if env("MOTCUA_NATIONAL_SECRET") == SETTINGS["MOTCUA_NATIONAL_SECRET"].default:
        errors.append("MOTCUA_NATIONAL_SECRET is the development secret")
    return errors


def payment_simulator() -> bool:
    """The local payment simulator: on in development, in production only when explicitly enabled."""
    raw = env("MOTCUA_PAYMENT_SIMULATOR").strip()
    return raw == "1" if raw else not production()


def markdown_table() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS.values()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print("# Settings\n\nGenerated by `python -m motcua.config`; every variable motcua reads.\n")
    print(markdown_table())
