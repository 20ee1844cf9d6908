"""Django settings. Every value comes from `motcua.config` (environment variables)."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua import config

PRODUCTION = config.production()
if PRODUCTION and (_problems := config.production_errors()):
    raise ImproperlyConfigured("production profile refused: " + "; ".join(_problems))

DATA_DIR = config.data_dir()
SECRET_KEY = config.secret_key()
DEBUG = config.env("MOTCUA_DEBUG") == "1"
# Django's test client uses the host `testserver`; the test runner adds it by itself.
ALLOWED_HOSTS = config.allowed_hosts() + ([] if PRODUCTION else ["testserver"])
CSRF_TRUSTED_ORIGINS = config.csrf_trusted_origins()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "motcua.core",
    "motcua.organizations",
    "motcua.calendar",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.notifications",
    "motcua.analytics",
    "motcua.backoffice",
    "motcua.portal",
    "motcua.restructure",
    "motcua.trust",
    "motcua.signing",
    "motcua.population",
    "motcua.payments",
    "motcua.nationalportal",
    "motcua.ratings",
    "motcua.portalsim",
    "motcua.feedback",
    "motcua.surveys",
    "motcua.inspections",
    "motcua.assignments",
    "motcua.reform",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.documents.uploads.RequestSizeLimitMiddleware",  # before anything reads the body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.locale.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "motcua.core.middleware.NFCMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # `{{ user|display_name }}` everywhere: officials' names in Vietnamese order.
            "builtins": ["motcua.organizations.templatetags.names"],
        },
    },
]


def _database() -> dict[str, object]:
    # Persistent connections: opening one per request (a new PostgreSQL backend each time) was the
    # largest cost of a small request under `motcua serve` (docs/benchmarks.md, HTTP). Each gunicorn
    # worker is one thread, so it holds at most one connection; health checks drop a dead one.
    db: dict[str, object] = dict(
        dj_database_url.parse(
            config.database_url(), conn_max_age=config.env_int("MOTCUA_DB_CONN_MAX_AGE"), conn_health_checks=True
        )
    )
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers never deadlock on a lock upgrade (dossier-code allocation relies on it).
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # A file (not :memory:) so that tests can start real subprocesses against the test database.
        db["TEST"] = {"NAME": str(DATA_DIR / "test-motcua.sqlite3")}
    return db


DATABASES = {"default": _database()}
# Scaling (docs/SCALING.md): a read-only hot standby for reports and the public look-up (core/replica.py),
# a cache shared by all server processes (rate limits), a cap on request bodies (core/middleware.py).
if config.env("MOTCUA_REPLICA_DATABASE_URL"):
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("MOTCUA_REPLICA_DATABASE_URL needs a PostgreSQL primary (MOTCUA_DATABASE_URL)")
    DATABASES["replica"] = {
        **dj_database_url.parse(config.env("MOTCUA_REPLICA_DATABASE_URL"), conn_max_age=0),
        "OPTIONS": {"connect_timeout": 3},
        # Tests read `default`'s test database through the standby that replicates it (no database created).
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["motcua.core.replica.Router"]
CACHES = {
    "default": {
        "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")},
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "motcua_cache"},
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }[config.env("MOTCUA_CACHE")]
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [str(DATA_DIR.parent / "locale")]
TIME_ZONE = config.time_zone().key
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = str(DATA_DIR / "static")
(DATA_DIR / "static").mkdir(exist_ok=True)
# Production serves the files `motcua serve` collects (hashed names, compressed, cached for ever);
# development serves them straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = config.env("MOTCUA_MEDIA_DIR") or str(DATA_DIR / "media")
MEDIA_URL = "media/"
MAX_UPLOAD_BYTES = int(config.env("MOTCUA_MAX_UPLOAD_MB")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
# Limits enforced while the body is read (motcua.documents.uploads); files over 2.5 MiB go to disk.
MAX_REQUEST_BYTES = int(config.env("MOTCUA_MAX_REQUEST_MB")) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "motcua.documents.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_URL = "/backoffice/login/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = config.env("MOTCUA_SSL_REDIRECT") == "1" if config.env("MOTCUA_SSL_REDIRECT") else PRODUCTION
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes from the host itself speak plain HTTP
SECURE_HSTS_SECONDS = int(config.env("MOTCUA_HSTS_SECONDS") or (365 * 24 * 3600 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The `preload` token only counts on a registrable domain's own answer; on a service's host name it is inert.
SECURE_HSTS_PRELOAD = PRODUCTION and SECURE_HSTS_SECONDS >= 365 * 24 * 3600
if config.env("MOTCUA_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + config.env("MOTCUA_PROXY_SSL_HEADER").upper().replace("-", "_"), "https")
TRUSTED_PROXIES = int(config.env("MOTCUA_TRUSTED_PROXIES"))

# No inline script or style anywhere: a template needing code loads it from a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login lock-out (django-axes) on every password login: back office, admin. The API takes no passwords.
AUTHENTICATION_BACKENDS = [
    "motcua.core.auth.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(config.env("MOTCUA_LOGIN_FAILURE_LIMIT"))
AXES_COOLOFF_TIME = timedelta(minutes=float(config.env("MOTCUA_LOGIN_LOCKOUT_MINUTES")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock-out ends on time, whatever is tried meanwhile
AXES_LOCKOUT_CALLABLE = "motcua.core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motcua.core.auth.client_address"
AXES_VERBOSE = False

EMAIL_URL = config.env("MOTCUA_EMAIL_URL")
DEFAULT_FROM_EMAIL = config.env("MOTCUA_EMAIL_FROM")
if EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_PROVIDER = config.env("MOTCUA_SMS_PROVIDER")
ZALO_PROVIDER = config.env("MOTCUA_ZALO_PROVIDER")
OUTBOX_MAX_ATTEMPTS = int(config.env("MOTCUA_OUTBOX_MAX_ATTEMPTS"))
OUTBOX_BACKOFF_BASE_SECONDS = float(config.env("MOTCUA_OUTBOX_BACKOFF_SECONDS"))
OUTBOX_BACKOFF_MAX_SECONDS = float(config.env("MOTCUA_OUTBOX_BACKOFF_MAX_SECONDS"))
OUTBOX_LEASE_SECONDS = float(config.env("MOTCUA_OUTBOX_LEASE_SECONDS"))
# The online channel (nationalportal, portalsim).
NATIONAL_ADAPTER = config.env("MOTCUA_NATIONAL_ADAPTER").strip()
NATIONAL_URL = config.env("MOTCUA_NATIONAL_URL").strip() or f"{config.public_url()}/sim/dvcqg"
NATIONAL_SECRET = config.env("MOTCUA_NATIONAL_SECRET")
NATIONAL_SYNC_ALL = config.env("MOTCUA_NATIONAL_SYNC_ALL").strip() == "1"
SIMULATORS = (config.env("MOTCUA_SIMULATORS").strip() or ("0" if PRODUCTION else "1")) == "1"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "motcua.core.openapi.AutoSchema",
    # Token first: its challenge makes a request without credentials a 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # No HTTP Basic: it would let anyone guess passwords without a lock-out, at full hashing cost.
        # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every text field reaches the views in NFC, whatever parsers a view lists (core.parsers).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "motcua.core.parsers.NFCContentNegotiation",
    "DATETIME_FORMAT": "iso-8601",
    "DEFAULT_PAGINATION_CLASS": "motcua.core.api.Pagination",
    "EXCEPTION_HANDLER": "motcua.core.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "REST API of the motcua one-stop administrative-procedure system.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DeadlineUnitEnum": "motcua.catalog.models.DeadlineUnit",
        "ChannelEnum": "motcua.dossiers.models.Channel",
        "IntakeChannelEnum": "motcua.dossiers.commands.schemas.INTAKE_CHANNELS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
