"""PartyQuality settings: one file, driven by environment variables.

Every variable is listed in ``.env.example``. Defaults make development work
with no ``.env``; production must set ``SECRET_KEY`` (there is no default for
it once ``DEBUG`` is off) and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from .env without overriding the real environment."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_read_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an integer, not {value!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// URL: PartyQuality runs on PostgreSQL only"
        )
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "partyquality",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 0),
        # JIT compilation off for every statement: our queries are short, and
        # PostgreSQL compiled recursive walks, scoped audit reads and snapshot
        # sums for 0.5–0.7 s to run them in milliseconds (bench/RESULTS.md,
        # "Audit log at a province's size"; organizations/tree.py's walks).
        "OPTIONS": {"options": "-c jit=off"},
    }


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "import_export",
    # Before django_tasks_db: its ``db_worker`` command is ours (a heartbeat,
    # and the jobs of a worker that died failed when a worker starts).
    "partyquality",
    "django_tasks_db",
    "pgtrigger",
    "pghistory",
    "axes",
    "organizations",
    "members",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "partyquality.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.AccessCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An upload declared over IMPORT_MAX_BYTES is answered 413 unread.
    "partyquality.uploads.RequestSizeMiddleware",
    # Query strings and form posts in NFC before any form or filter reads them.
    "partyquality.middleware.NfcInputMiddleware",
    # Audit trail: who (user id) and which page (request path) for every row
    # the database triggers record during a write request (assessments/audit_models.py, read by partyquality/audit.py).
    "pghistory.middleware.HistoryMiddleware",
    # Login throttling: answers a locked-out login with our Vietnamese page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partyquality.urls"
WSGI_APPLICATION = "partyquality.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL")
if not _database_url:
    from partyquality.embedded_db import database_url as _embedded_database_url

    _database_url = _embedded_database_url()
DATABASES = {"default": database_from_url(_database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords in
# a row for one user name from one address, that name cannot log in from there
# for AXES_COOLOFF_MINUTES, even with the right password. Behind the TLS proxy
# the address is the client's (X-Forwarded-For, set by the proxy), not the
# proxy's, so one user's typos do not lock a whole office. An administrator
# unlocks earlier: admin "Access attempts", or
# `manage.py axes_reset_username NAME` (docs/deploy.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
if env_bool("BEHIND_TLS_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_LOCKOUT_CALLABLE = "partyquality.login_lock.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts are kept for the administrator's list, not the access log of every
# successful login (the audit trail records who did what).
AXES_DISABLE_ACCESS_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first: msgids in code and templates are Vietnamese, English is a
# translation in locale/en.
LANGUAGE_CODE = "vi"
# Our additions to the locales' formats (grouping of Vietnamese numbers).
FORMAT_MODULE_PATH = ["partyquality.formats"]
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes the hashed files that WhiteNoise serves.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The fonts of static/fonts are read from disk by the PDFs, never sent to a
# browser: compressing their 4 MB made collectstatic minutes slower for nothing.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

# Django's built-in Content Security Policy: everything from our own origin,
# scripts additionally by nonce. No CDN exists on the closed networks we run on.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# The health check answers a monitor on the server itself over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Spreadsheet uploads larger than this are refused with a message, not read.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# What a workbook may declare before it is parsed, and what its parsing may
# take (partyquality/spreadsheets.py; a province is ~200,000 members, whose
# file of 11 columns unpacks to ~120 MB and parses in ~210 MB).
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 300_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 5_000_000)
IMPORT_MAX_SHEETS = env_int("IMPORT_MAX_SHEETS", 50)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024
)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_PARSE_MEMORY_MB = env_int("IMPORT_PARSE_MEMORY_MB", 1024)
IMPORT_PARSE_SECONDS = env_int("IMPORT_PARSE_SECONDS", 120)
# Larger uploads are checked in the background, the review page showing how
# far the check is (~10,000 rows: about a second of checking).
IMPORT_CHECK_IN_REQUEST_BYTES = env_int("IMPORT_CHECK_IN_REQUEST_BYTES", 512 * 1024)
# Report files and finished background jobs are deleted after this many days
# (when a new job of their kind starts).
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# A file's bytes past IMPORT_MAX_BYTES are not kept (partyquality/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "partyquality.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Django's tasks framework with a database-backed queue (django-tasks-db);
# `make run` starts a worker beside the web server.
TASKS = {
    "default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

# Audit trail (django-pghistory): the event models of every tracked table live
# in the assessments app (assessments/audit_models.py). pgtrigger would put the
# triggers of members/organizations tables into those apps' migrations; we
# install all triggers after every migrate instead, so no other app's
# migrations change and the triggers always match the code.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True

# The member list: an administrator's name search that more people of the
# country match than this, with no unit chosen, asks for a unit or another
# word instead of sorting them all (docs/member_list.md).
MEMBER_LIST_SEARCH_CAP = 10_000

# Background worker: how often it records that it is alive, and after how
# long without a sign it is taken for dead (its running jobs are then failed,
# the health check turns red).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_DEAD_AFTER_SECONDS = env_int("WORKER_DEAD_AFTER_SECONDS", 60)

# Logs go to stdout (systemd's journal, `docker compose logs`): one JSON object
# a line in production, so an operator can filter them (`jq`); plain text
# while developing.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "partyquality.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # The worker says when it starts and which jobs it found dead.
        "partyquality.worker": {"level": "INFO"},
        # Chatty at INFO (every PDF's steps, every start-up): warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pgtrigger": {"level": "WARNING"},
    },
}
