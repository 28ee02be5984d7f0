"""The one settings module. Everything that differs between machines comes from the environment;
docs/deploy.md lists the variables."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QMS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Under pytest (which sets PYTEST_VERSION) development defaults apply unless the environment says otherwise.
DEBUG = env_bool("DJANGO_DEBUG", default=bool(os.environ.get("PYTEST_VERSION")))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see docs/deploy.md).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "bootstrap",
    "axes",
    "csp",
    "qms",
    "objectives",
    "risks",
    "corrective_actions",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qms.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qms.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "qms.middleware.SecurityHeadersMiddleware",
    "qms.middleware.NormaliseInputMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"
AUTH_USER_MODEL = "qms.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qms.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite serialises writers; a timeout lets the web server, worker and beat share the file.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not shared-cache memory, so that concurrency tests wait for locks instead of failing.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
elif os.environ.get("QMS_TEST_DB_NAME"):
    # Test runs side by side on one PostgreSQL server (the dated runs, a developer's and CI's) each need their
    # own test database; on SQLite each run's QMS_VAR_DIR already holds its own file.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["QMS_TEST_DB_NAME"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Brute force (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name, or from one address,
# that user name / address is locked for AXES_COOLOFF_TIME — on the login page, the admin login and the
# re-entry of the password to sign minutes. Every failure is also written to the audit trail (qms.security).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("QMS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("QMS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qms.security.lockout_response"
AXES_VERBOSE = False
# Password-reset e-mails: at most this many per address and per client address in PASSWORD_RESET_WINDOW seconds.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("QMS_PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("QMS_PASSWORD_RESET_LIMIT_PER_IP", "10"))
PASSWORD_RESET_WINDOW = int(os.environ.get("QMS_PASSWORD_RESET_WINDOW_SECONDS", "3600"))
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT seconds after
# signing in whatever happens (qms.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("QMS_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("QMS_SESSION_ABSOLUTE_HOURS", "10")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["qms.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads and signed files: a folder every web node and worker mounts (QMS_MEDIA_ROOT, e.g. NFS) by default,
# or an S3-compatible bucket when QMS_S3_BUCKET is set (needs `pip install "django-storages[s3]"`; docs/deploy.md).
_S3_BUCKET = os.environ.get("QMS_S3_BUCKET", "")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": os.environ.get("QMS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("QMS_S3_REGION") or None,
            "access_key": os.environ.get("QMS_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("QMS_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if _S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("QMS_MEDIA_ROOT", VAR_DIR / "media"))
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Quotas: files in one request, and bytes of files kept on one record (qms.uploads).
MAX_UPLOAD_FILES_PER_REQUEST = int(os.environ.get("QMS_MAX_UPLOAD_FILES_PER_REQUEST", "10"))
MAX_UPLOAD_BYTES_PER_RECORD = int(os.environ.get("QMS_MAX_UPLOAD_MB_PER_RECORD", "50")) * 1024 * 1024
# Beyond this Django refuses the request outright (400); below it the quota above gives a message.
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * MAX_UPLOAD_FILES_PER_REQUEST
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: SMTP when EMAIL_HOST is set, else a file per message under var/mail for development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = Path(os.environ.get("QMS_MAIL_DIR", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qms@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("QMS_SITE_URL", "http://127.0.0.1:8000")

# Celery. Without REDIS_URL the broker is kombu's filesystem transport, so `make run` needs no service.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    if os.environ.get("QMS_TEST_DB_NAME"):
        # Test runs side by side (make test-dated) live on different days: kombu's index of unacknowledged
        # messages is one per Redis database, and a worker in a later day would take an earlier run's
        # message for long forgotten and deliver it again. Each run gets its own keys.
        CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{os.environ['QMS_TEST_DB_NAME']}:"}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"
    # kombu raises FileNotFoundError on .delay() if these folders are missing.
    for _folder in ("queue", "processed", "control", "results"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# Official forms are laid out by a Celery task (qms.pdf_cache), never in a web request: its soft limit in
# seconds (the task stops with a message), and the hard one a little later (the worker process is killed).
QMS_PDF_TIME_LIMIT = int(os.environ.get("QMS_PDF_TIME_LIMIT", "60"))
# Exports (corrective_actions.exports): up to this many tickets the workbook is written in the request
# (20,000 in about a second); a longer list is written by a worker, its progress shown on the page.
QMS_EXPORT_SYNC_MAX = int(os.environ.get("QMS_EXPORT_SYNC_MAX", "20000"))
QMS_EXPORT_TIME_LIMIT = int(os.environ.get("QMS_EXPORT_TIME_LIMIT", "600"))
# Digital signatures (qms.signing): an RFC 3161 time-stamping authority makes them PAdES B-T; empty: B-B,
# the signing time from the server clock. The verification page accepts PDFs up to this size.
QMS_TSA_URL = os.environ.get("QMS_TSA_URL", "")
QMS_VERIFY_MAX_BYTES = int(os.environ.get("QMS_VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))

# Several web processes share one cache and the sessions: Redis when there is one (sessions are also kept in
# the database, so a Redis restart signs nobody out); a single development process keeps them in memory.
_CACHE_URL = os.environ.get("QMS_CACHE_URL", REDIS_URL)
if _CACHE_URL:
    # Test runs side by side (make test-dated) each get their own keys: rate limits must not add up across runs.
    _PREFIX = "qms" + (f"-{os.environ['QMS_TEST_DB_NAME']}" if os.environ.get("QMS_TEST_DB_NAME") else "")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": _PREFIX}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app adds its own entries in its AppConfig.ready(); the outbox's sender runs every minute.
CELERY_BEAT_SCHEDULE: dict = {"qms-outbox": {"task": "qms.tasks.outbox_flush", "schedule": 60.0}}
# Tasks queued without a queue go here (a test's worker reads its own queue).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

# The outbox (qms.outbox): a failed send is retried after 1, 2, 4… minutes, at most 6 hours apart; on a
# database without SKIP LOCKED a worker leases a row for OUTBOX_LEASE_SECONDS while it sends it.
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("QMS_OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = 6 * 3600
OUTBOX_LEASE_SECONDS = int(os.environ.get("QMS_OUTBOX_LEASE_SECONDS", "600"))
# Test-only: a pause at each message queued and sent, so a test can kill a worker mid-sweep.
OUTBOX_TEST_PAUSE_SECONDS = float(os.environ.get("QMS_TEST_OUTBOX_PAUSE", "0"))
# How many new reminders a sweep claims and writes in one transaction (qms.services.reminders_send): a
# killed worker loses at most one uncommitted batch, which the next sweep sends.
REMINDER_BATCH_SIZE = int(os.environ.get("QMS_REMINDER_BATCH", "2000"))

# Headers. Content-Security-Policy (django-csp): scripts and styles only from this site (Bootstrap and htmx are
# served locally), no inline script; style attributes stay allowed (layout only, no script can run from them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the app never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings (missing fonts, bad CSS) matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
