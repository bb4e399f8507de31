"""VCNET settings: everything comes from the environment (see docs/architecture.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from vcnet.core.env import Env, EnvError

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("VCNET_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DEBUG", default=False)
TESTING = env.boolean("VCNET_TESTING", default="pytest" in sys.modules)
SECRET_KEY = env.secret("SECRET_KEY", generate_into=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "vcnet.core",
    "vcnet.accounts",
    "vcnet.sso",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",  # its static Swagger UI, so /api/v1/docs needs no CDN
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vcnet.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vcnet.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "vcnet.urls"
WSGI_APPLICATION = "vcnet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vcnet.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env.url("DATABASE_URL", schemes={"sqlite", "postgres", "postgresql", "pgsql"})
if DATABASE_URL is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _default_db: dict = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "vcnet.sqlite3",
    }
else:
    try:
        _default_db = dict(dj_database_url.parse(DATABASE_URL))
    except ValueError as exc:
        raise EnvError(f"DATABASE_URL cannot be used: {exc}") from None
    if _default_db["ENGINE"] != "django.db.backends.sqlite3" and not urlsplit(
        DATABASE_URL
    ).path.strip("/"):
        raise EnvError("DATABASE_URL names no database (expected …/DBNAME at the end).")

if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so that read-then-write transactions (numbering, the audit chain) never deadlock.
    _default_db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    _default_db["CONN_MAX_AGE"] = 0 if TESTING else 60
else:
    _default_db["CONN_MAX_AGE"] = env.integer("CONN_MAX_AGE", 60, minimum=0)
    _default_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks -----------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", schemes={"redis", "rediss", "unix"})
_redis_db = urlsplit(REDIS_URL or "").path.strip("/")
if REDIS_URL and not REDIS_URL.startswith("unix") and _redis_db and not _redis_db.isdigit():
    raise EnvError(f"REDIS_URL must end with a database number (…/0), not {_redis_db!r}.")
if REDIS_URL and TESTING:
    # Each pytest-xdist worker gets its own Redis database, so clearing the cache is safe.
    _worker = int(env.string("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + _worker % 15}").geturl()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.string("CACHE_KEY_PREFIX", "vcnet"),
        }
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default", "mail"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "mail"],
        }
    }
if TESTING:
    # Tests run tasks inline; the "queued" alias is the real backend, for the worker tests.
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []},
        "queued": TASKS["default"],
    }
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}
    for name in TASKS.get("queued", TASKS["default"])["QUEUES"]
}

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "vcnet.accounts.backends.EmailOrPhoneBackend",
    "oauth2_provider.backends.OAuth2Backend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Real hashing costs ~0.3 s per persona; tests check behaviour, not the hash's strength.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
LOGIN_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW = env.integer("LOGIN_FAILURE_WINDOW", 900, minimum=1)
OAUTH2_PROVIDER = {"ACCESS_TOKEN_EXPIRE_SECONDS": 3600}

# --- Security ---------------------------------------------------------------------------
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "vcnet.core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.integer(
    "DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
AVATAR_MAX_BYTES = env.integer("AVATAR_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "vcnet" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
SERVE_MEDIA = env.boolean("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- E-mail -----------------------------------------------------------------------------
EMAIL_URL = env.url("EMAIL_URL", schemes={"smtp", "smtps", "console"})
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "VCNET <no-reply@vcnet.local>")
if EMAIL_URL is None or EMAIL_URL.startswith("console"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_SSL = _mail.scheme == "smtps"

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 20
# API throttles (vcnet.core.api_auth): per address when anonymous, per user otherwise.
NINJA_DEFAULT_THROTTLE_RATES = {
    "anon": env.string("API_RATE_ANON", "60/min"),
    "user": env.string("API_RATE_USER", "1200/min"),
}
