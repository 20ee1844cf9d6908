"""Django settings. Every value comes from `motcua.config` (environment variables)."""

from __future__ import annotations

import dj_database_url

from motcua import config

DATA_DIR = config.data_dir()
SECRET_KEY = config.secret_key()
DEBUG = config.env("MOTCUA_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in config.env("MOTCUA_ALLOWED_HOSTS").split(",") if h.strip()] + ["testserver"]

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
        },
    },
]


def _database() -> dict[str, object]:
    db: dict[str, object] = dict(dj_database_url.parse(config.database_url(), conn_max_age=0))
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [str(DATA_DIR.parent / "locale")]
TIME_ZONE = config.env("MOTCUA_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = str(DATA_DIR / "static")
(DATA_DIR / "static").mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = config.env("MOTCUA_MEDIA_DIR") or str(DATA_DIR / "media")
MEDIA_URL = "media/"
MAX_UPLOAD_BYTES = int(config.env("MOTCUA_MAX_UPLOAD_MB")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES

LOGIN_URL = "/backoffice/login/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "motcua.core.openapi.AutoSchema",
    # Token first: its challenge makes a request without credentials a 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
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
