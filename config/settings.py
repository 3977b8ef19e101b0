"""sopsocial settings: everything comes from the environment, with a working embedded default.

No environment at all gives the embedded mode (SQLite, in-memory channel layer, Celery tasks run
inline). `DATABASE_URL` switches to PostgreSQL through psycopg 3 with Django's connection pool;
`REDIS_URL` switches the Celery broker, the channel layer and the cache to Redis.
`SOPSOCIAL_ENV=production` turns on the hardened settings that `check --deploy` asks for.
Every variable is listed in the README's Configuration section.
"""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from alerts import task_names as alerts_tasks
from feeds import task_names as feeds_tasks
from planning import task_names as planning_tasks
from process import task_names as process_tasks
from sopsocial.tenancy import task_names as tenancy_tasks

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    return str(env(name, str(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env("SOPSOCIAL_ENV", "development") == "production"
DEV_SECRET_KEY = "django-insecure-sopsocial-development-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SOPSOCIAL_ENV=production needs SECRET_KEY set to a long random value.")
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies of ours append to X-Forwarded-For in front of the app: the client address
# (audit log, login and reset throttles) is the entry the outermost of them added, counted from the
# right. 0 uses REMOTE_ADDR. TRUST_X_FORWARDED_FOR=true is the deprecated spelling of 1.
_LEGACY_PROXY_COUNT = "1" if env_bool("TRUST_X_FORWARDED_FOR", False) else "0"
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", _LEGACY_PROXY_COUNT))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

INSTALLED_APPS = [
    "daphne",  # first, so that runserver serves ASGI (websockets) in development
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "sopsocial.tenancy",
    "sopsocial.subjects",
    "sopsocial.audit",
    "sopsocial.api",
    "sopsocial.pages",
    "planning",
    "feeds",
    "alerts",
    "process",
]

MIDDLEWARE = [
    # First: an oversized body is refused from its Content-Length before anything reads it.
    "sopsocial.pages.body_limit.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sopsocial.audit.middleware.RequestContextMiddleware",
    "sopsocial.pages.middleware.ContentSecurityPolicyMiddleware",
    "sopsocial.pages.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sopsocial.tenancy.middleware.TenantGuardCheckMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "sopsocial.tenancy.context_processors.tenancy",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # actions open their own transactions
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DB_POOL", True):
        # Django's native psycopg 3 pool: connections are reused across requests and threads.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": int(env("DB_POOL_MIN_SIZE", "2")),
                "max_size": int(env("DB_POOL_MAX_SIZE", "20")),
                "timeout": int(env("DB_POOL_TIMEOUT", "10")),
            }
        }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", None)}
else:
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, channel layer, cache ------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The layer waits up to 5 s in a blocking pop; redis-py's default 5 s socket timeout
                # would end that read first and close every idle websocket (1011) every few seconds.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}],
                "prefix": env("CHANNELS_PREFIX", "sopsocial"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Only the login throttle uses it, and it fails open while Redis is away: never wait long.
            "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 5},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (read by config/celery.py with namespace CELERY_). Without Redis, tasks run inline.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, so a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis redelivers an unacknowledged message after the visibility timeout; it must outlast any task.
    "visibility_timeout": 3600,
    # A broker that vanished without closing its sockets (host down, network cut) must not hang a worker
    # or a request: connecting gives up after 3 s, a command after 30 s (longer than any blocking read);
    # idle connections are checked before use and kept alive by TCP, a timed-out command is retried.
    "socket_connect_timeout": 3,
    "socket_timeout": 30,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A broker restart: the worker reconnects (backing off up to 30 s between attempts) for as long as it
# takes; Celery's default gives up after 100 attempts (~45 min) and exits. The tasks it was running are
# cancelled, since their late acknowledgement could not reach the new broker, and are redone from the
# database by the sweeps (see README, Operations). Supervision (bin/respawn, systemd, compose) restarts a
# worker that exits anyway.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {}  # apps add their periodic jobs in their own apps.py

# --- Auth, sessions, passwords -------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:start"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, not the cookie
INVITATION_TTL_DAYS = int(env("INVITATION_TTL_DAYS", "7"))
# Failed logins before each further failure doubles the wait (1 s, 2 s, 4 s ...): per person and
# address, and per person across all addresses; the wait never exceeds LOGIN_LOCKOUT_SECONDS.
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_PERSON = int(env("LOGIN_FAILURE_LIMIT_PER_PERSON", str(4 * LOGIN_FAILURE_LIMIT)))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(env("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "100"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Password-reset requests per hour from one client address, and for one e-mail address.
PASSWORD_RESET_LIMIT_PER_HOUR = int(env("PASSWORD_RESET_LIMIT_PER_HOUR", "5"))
# Self-service sign-up at /signup/ (a new organisation creates its tenant after verifying its e-mail
# address). Off: /signup/ does not exist (404) and companies are started by staff (create_tenant,
# /operator/). Requests per hour from one client address, and for one e-mail address.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", False)
SIGNUP_LIMIT_PER_HOUR = int(env("SIGNUP_LIMIT_PER_HOUR", "5"))

# --- Security headers ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- E-mail: console by default, SMTP when EMAIL_HOST is set --------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "sopsocial <no-reply@sopsocial.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and media ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served-directly/"  # attachments are served only through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In development WhiteNoise serves straight from the source folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Inline (embedded) tasks would log a line per task into `make run` and load_demo output.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# --- feeds ---------------------------------------------------------------------------------------
# Attachments: per-file size limit, image pixel limit (decompression-bomb guard), ZIP/Office unpacked limit.
FEEDS_MAX_UPLOAD_BYTES = int(env("FEEDS_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
FEEDS_MAX_IMAGE_PIXELS = int(env("FEEDS_MAX_IMAGE_PIXELS", str(40_000_000)))
FEEDS_MAX_UNZIPPED_BYTES = int(env("FEEDS_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024)))
FEEDS_MAX_FILES_PER_POST = int(env("FEEDS_MAX_FILES_PER_POST", "10"))
FEEDS_POST_MAX_CHARS = int(env("FEEDS_POST_MAX_CHARS", "10000"))
FEEDS_PAGE_SIZE = int(env("FEEDS_PAGE_SIZE", "20"))
FEEDS_FOLLOW_BACKFILL = int(env("FEEDS_FOLLOW_BACKFILL", "20"))  # items copied into the inbox on follow
FEEDS_POLL_SECONDS = int(env("FEEDS_POLL_SECONDS", "20"))  # polling fallback when websockets fail
# Uploaded files stream to temporary files and are inspected from there in chunks, never joined in
# memory; under ASGI a request body past FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to disk too.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Per person: bytes and files attached per hour (over every tenant); per tenant: bytes of attachments kept.
FEEDS_UPLOAD_BYTES_PER_HOUR = int(env("FEEDS_UPLOAD_BYTES_PER_HOUR", str(200 * 1024 * 1024)))
FEEDS_UPLOAD_FILES_PER_HOUR = int(env("FEEDS_UPLOAD_FILES_PER_HOUR", "100"))
FEEDS_TENANT_STORAGE_BYTES = int(env("FEEDS_TENANT_STORAGE_BYTES", str(5 * 1024 * 1024 * 1024)))
# Sign-up verification e-mails whose task message was lost are sent by this sweep (once each).
CELERY_BEAT_SCHEDULE["tenancy-sweep-signup-verifications"] = {
    "task": tenancy_tasks.SWEEP_SIGNUP_VERIFICATIONS,
    "schedule": float(env("FEEDS_SWEEP_SECONDS", "60")),
}
CELERY_BEAT_SCHEDULE["feeds-daily-digest"] = {
    "task": feeds_tasks.SEND_DAILY_DIGESTS,
    "schedule": 3600.0,  # hourly sweep; each user gets at most one digest per FEEDS_DIGEST_INTERVAL_HOURS
}
FEEDS_DIGEST_INTERVAL_HOURS = int(env("FEEDS_DIGEST_INTERVAL_HOURS", "24"))
# Items not fanned out FEEDS_FAN_OUT_GRACE_SECONDS after they were written lost their task message; beat
# sweeps them every FEEDS_SWEEP_SECONDS.
FEEDS_FAN_OUT_GRACE_SECONDS = int(env("FEEDS_FAN_OUT_GRACE_SECONDS", "30"))
CELERY_BEAT_SCHEDULE["feeds-sweep-fan-out"] = {
    "task": feeds_tasks.SWEEP_FAN_OUT,
    "schedule": float(env("FEEDS_SWEEP_SECONDS", "60")),
}
# The same for immediate notification e-mails (sent once: each is claimed before it is sent).
CELERY_BEAT_SCHEDULE["feeds-sweep-notification-emails"] = {
    "task": feeds_tasks.SWEEP_NOTIFICATION_EMAILS,
    "schedule": float(env("FEEDS_SWEEP_SECONDS", "60")),
}

# Phone notifications (Web Push, VAPID). Both keys set: push is on (make them with `manage.py
# generate_vapid_keys`). Neither set: push is off and the notification settings page says why, except in
# development (DEBUG), where a key pair is made once and kept in VAPID_DEV_KEYS_FILE so `make run` works.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", "")
# The contact push services may use about our traffic (mailto: or https:): by default the sender address.
VAPID_SUBJECT = env("VAPID_SUBJECT", f"mailto:{parseaddr(DEFAULT_FROM_EMAIL)[1]}")
VAPID_DEV_KEYS_FILE = BASE_DIR / "var" / "vapid-dev-keys.json"
# Push services are public HTTPS hosts; only a test's stand-in push service runs on plain local HTTP.
PUSH_ALLOW_LOCAL_ENDPOINTS = env_bool("PUSH_ALLOW_LOCAL_ENDPOINTS", False)

# --- alerts --------------------------------------------------------------------------------------
# The outbox sweeper catches evaluation requests whose task message was lost; the nightly pass
# re-evaluates every rule over everything (and wakes snoozed alerts).
CELERY_BEAT_SCHEDULE["alerts-sweep-pending"] = {
    "task": alerts_tasks.SWEEP_PENDING,
    "schedule": float(env("ALERTS_SWEEP_SECONDS", "60")),
}
CELERY_BEAT_SCHEDULE["alerts-evaluate-all"] = {
    "task": alerts_tasks.EVALUATE_ALL,
    "schedule": crontab(hour=2, minute=30),
}

# --- planning ------------------------------------------------------------------------------------
# Largest number of items one ERP API bulk request may carry (413 above it).
PLANNING_API_MAX_BATCH = int(env("PLANNING_API_MAX_BATCH", "1000"))
# Largest planning import upload (CSV/XLSX) in bytes; bigger files are refused with a form error.
PLANNING_IMPORT_MAX_BYTES = int(env("PLANNING_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# XLSX imports: the workbook's ZIP is checked before it is opened (a few KB can unpack to gigabytes).
PLANNING_XLSX_MAX_UNPACKED_BYTES = int(env("PLANNING_XLSX_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
PLANNING_XLSX_MAX_PART_BYTES = int(env("PLANNING_XLSX_MAX_PART_BYTES", str(100 * 1024 * 1024)))
PLANNING_XLSX_MAX_RATIO = int(env("PLANNING_XLSX_MAX_RATIO", "100"))
PLANNING_XLSX_MAX_PARTS = int(env("PLANNING_XLSX_MAX_PARTS", "1000"))
# Imports bigger than this (file bytes; unpacked bytes for XLSX) run as a job in the Celery worker, in a
# child process whose address space is capped at PLANNING_IMPORT_MEMORY_LIMIT_BYTES.
PLANNING_IMPORT_INLINE_MAX_BYTES = int(env("PLANNING_IMPORT_INLINE_MAX_BYTES", str(2 * 1024 * 1024)))
PLANNING_IMPORT_MEMORY_LIMIT_BYTES = int(
    env("PLANNING_IMPORT_MEMORY_LIMIT_BYTES", str(2 * 1024 * 1024 * 1024))
)
# An import job still waiting PLANNING_IMPORT_REQUEUE_SECONDS after it was queued lost its task message
# (broker down or restarted): beat queues it again every PLANNING_IMPORT_SWEEP_SECONDS. A job that has
# been running past the task's hard time limit lost its worker; it is marked failed (nothing was written:
# the load is one transaction).
PLANNING_IMPORT_REQUEUE_SECONDS = int(env("PLANNING_IMPORT_REQUEUE_SECONDS", "120"))
CELERY_BEAT_SCHEDULE["planning-sweep-import-jobs"] = {
    "task": planning_tasks.SWEEP_IMPORT_JOBS,
    "schedule": float(env("PLANNING_IMPORT_SWEEP_SECONDS", "60")),
}

# --- process -------------------------------------------------------------------------------------
# Hourly and idempotent: tasks held by a stand-in go back to whoever is back from an absence, then task
# reminders (before due, overdue once a day) and escalations to the phase owner go out, each once.
CELERY_BEAT_SCHEDULE["process-hand-back-tasks"] = {
    "task": process_tasks.HAND_BACK_TASKS,
    "schedule": crontab(minute=5),
}
CELERY_BEAT_SCHEDULE["process-remind-tasks"] = {
    "task": process_tasks.REMIND_TASKS,
    "schedule": crontab(minute=10),
}

# --- request bodies ------------------------------------------------------------------------------
# Largest request body accepted (413 above it, before it is read): a post with every file at its limit,
# or the largest import, plus 1 MiB for the form.
REQUEST_MAX_BODY_BYTES = int(
    env(
        "REQUEST_MAX_BODY_BYTES",
        str(max(FEEDS_MAX_FILES_PER_POST * FEEDS_MAX_UPLOAD_BYTES, PLANNING_IMPORT_MAX_BYTES) + 1024 * 1024),
    )
)
