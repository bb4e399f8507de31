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
    "vcnet.notifications",
    "vcnet.documents",
    "vcnet.signing",
    "vcnet.digitize",
    "vcnet.social",
    "vcnet.moderation",
    "vcnet.assistant",
    "vcnet.opinion",
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
    "vcnet.social.middleware.ActorTouchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vcnet.core.middleware.DomainErrorMiddleware",
    "vcnet.social.middleware_limits.RateLimitMiddleware",
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
    _conn_max_age = env.integer("CONN_MAX_AGE", 60, minimum=0)
    # Tests close connections at once, so the live server's threads never hold the test DB open.
    _default_db["CONN_MAX_AGE"] = 0 if TESTING else _conn_max_age
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
            "QUEUES": ["default", "mail", "ocr", "opinion"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "mail", "ocr", "opinion"],
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

# --- oidc: VCNET as the OpenID Connect provider (django-oauth-toolkit; see vcnet/sso/) -------
from django.conf import global_settings as _global_settings  # noqa: E402
from django.utils.functional import lazy as _lazy  # noqa: E402

from vcnet.sso import keys as _oidc_keys  # noqa: E402

# Client secrets are 128 random characters: a salted SHA-256 is enough and ~1000x faster than
# the password hasher. Listed after the default, so people's passwords keep the strong one.
PASSWORD_HASHERS = [
    *globals().get("PASSWORD_HASHERS", _global_settings.PASSWORD_HASHERS),
    "vcnet.sso.hashers.ClientSecretHasher",
]
OIDC_RSA_PRIVATE_KEY_FROM_ENV = (
    env.secret("OIDC_RSA_PRIVATE_KEY")
    if env.raw("OIDC_RSA_PRIVATE_KEY") or env.raw("OIDC_RSA_PRIVATE_KEY_FILE")
    else ""
)
if OIDC_RSA_PRIVATE_KEY_FROM_ENV and "PRIVATE KEY-----" not in OIDC_RSA_PRIVATE_KEY_FROM_ENV:
    raise EnvError("OIDC_RSA_PRIVATE_KEY(_FILE) must hold a PEM RSA private key.")
OIDC_KEY_DIR = VAR_DIR / "oidc"  # generated keys, made on first use (mode 0600)
OIDC_ID_TOKEN_EXPIRE_SECONDS = env.integer("OIDC_ID_TOKEN_EXPIRE_SECONDS", 3600, minimum=60)
# A retired key stays in the JWKS until every ID token it signed has expired.
OIDC_KEY_RETENTION_SECONDS = OIDC_ID_TOKEN_EXPIRE_SECONDS + 300
OIDC_BACKCHANNEL_TIMEOUT = env.integer("OIDC_BACKCHANNEL_TIMEOUT", 5, minimum=1)
# DOT's models are swappable; migrations that point at them need the names spelled out.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.integer(
        "OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS", 3600, minimum=60
    ),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.integer(
        "OAUTH_REFRESH_TOKEN_EXPIRE_SECONDS", 30 * 24 * 3600, minimum=60
    ),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ID_TOKEN_EXPIRE_SECONDS": OIDC_ID_TOKEN_EXPIRE_SECONDS,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "OIDC_ENABLED": True,
    # Evaluated at each use, so a key made on first use or by `vcnet oidc rotate-key` applies
    # without a restart and importing the settings never touches the disk.
    "OIDC_RSA_PRIVATE_KEY": _lazy(_oidc_keys.active_private_key_pem, str)(),
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_VALIDATOR_CLASS": "vcnet.sso.validators.VcnetOAuth2Validator",
    "CLIENT_SECRET_HASHER": "client_sha256",
    "SCOPES": {
        "openid": _("Sign you in with your VCNET account"),
        "profile": _("Your name"),
        "email": _("Your e-mail address"),
        "phone": _("Your phone number"),
        "units": _("Your units and roles"),
        "read": _("Read your data"),
        "write": _("Change your data"),
        "follow": _("Follow, block and mute people for you"),  # Mastodon's scopes
        "push": _("Send you push notifications"),
    },
    "DEFAULT_SCOPES": ["read"],  # as Mastodon does when a client names no scope
    "PKCE_REQUIRED": True,  # for public clients; see VcnetOAuth2Validator.is_pkce_required
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
}
# --- end oidc -------------------------------------------------------------------------------

# --- identity: accounts on django-allauth (sign-in, sign-up, MFA, sessions) -----------------
ACCOUNT_ADAPTER = "vcnet.accounts.adapter.AccountAdapter"
MFA_ADAPTER = "vcnet.accounts.adapter.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "vcnet.accounts.forms.LoginForm",
    "signup": "vcnet.accounts.forms.SignupForm",
}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = False  # numbers are entered by their owner or an admin
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses without an account
ACCOUNT_SESSION_REMEMBER = None  # a "keep me signed in" box
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "VCNET: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_RATE_LIMITS = {
    # vcnet.accounts.throttle counts failed sign-ins (per login and per address) instead.
    "login_failed": None,
    "signup": env.string("SIGNUP_RATE_LIMIT", "5/m/ip,20/h/ip"),
}
SIGNUP_POW_BITS = env.integer("SIGNUP_POW_BITS", 16, minimum=0)  # proof-of-work difficulty
NEW_DEVICE_COOKIE = "vcnet_device"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not SITE_URL.startswith("https://")
MFA_TOTP_ISSUER = "VCNET"
# Roles whose members must enrol a second factor before using anything else (and superusers).
# Off by default under pytest, so that other apps' tests can sign in personas with force_login.
MFA_REQUIRED_ROLES = env.strings(
    "MFA_REQUIRED_ROLES", [] if TESTING else ["leader", "clerk", "unit_admin"]
)
MFA_REQUIRED_FOR_SUPERUSERS = env.boolean("MFA_REQUIRED_FOR_SUPERUSERS", default=not TESTING)
# "Last seen" is refreshed by vcnet.accounts.middleware at most every few minutes, not per request.
USERSESSIONS_TRACK_ACTIVITY = False
SESSION_SEEN_INTERVAL = 300
MIDDLEWARE = [*MIDDLEWARE, "vcnet.accounts.middleware.AccountSecurityMiddleware"]
# --- end identity ---------------------------------------------------------------------------

# --- example: upstream identity providers and the example relying party ----------------------
from vcnet.accounts.upstream import upstream_providers as _upstream_providers  # noqa: E402

# "Sign in with …" each OpenID Connect provider named in VCNET_UPSTREAM_OIDC (see that module).
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": _upstream_providers(env)}}
SOCIALACCOUNT_ADAPTER = "vcnet.accounts.upstream.UpstreamAdapter"
# Link to the existing account with the same address, only when the provider says it is verified.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
# Where `vcnet seed --demo` writes the example application's client secret (examples/meeting_rooms
# reads it); tests write to a throw-away folder, never to the developer's var/.
EXAMPLES_DIR = Path(env.string("VCNET_EXAMPLES_DIR", str(VAR_DIR / "examples")))
if TESTING and not env.raw("VCNET_EXAMPLES_DIR"):
    import os as _os
    import tempfile as _tempfile

    EXAMPLES_DIR = Path(_tempfile.gettempdir()) / f"vcnet-test-examples-{_os.getpid()}"
# --- end example ----------------------------------------------------------------------------

# --- Security ---------------------------------------------------------------------------
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
# Lax (Django's default) still sends the session to the stream's own port: same-site ignores ports.
SESSION_COOKIE_SAMESITE = "Lax"
# Tests close browser pages at once: a short keep-alive lets the stream notice and end.
NOTIFICATIONS_HEARTBEAT_SECONDS = 1.0 if TESTING else 15.0
# The live notification stream's public URL when `vcnet serve` runs it on an ASGI port of its own
# ("" = same origin, /notifications/stream/), and the web origin it answers CORS for.
NOTIFICATIONS_STREAM_URL = env.string("NOTIFICATIONS_STREAM_URL")
NOTIFICATIONS_WEB_ORIGIN = env.string("NOTIFICATIONS_WEB_ORIGIN")
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
# The largest image accepted for a social post (checked again by Pillow: 40 megapixels at most).
SOCIAL_MEDIA_MAX_BYTES = env.integer("SOCIAL_MEDIA_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

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
# Files that only permission-checked views hand out (official documents, exchange packages).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# The largest file accepted as a document or attachment (scans of long documents are big).
DOCUMENT_MAX_UPLOAD_BYTES = env.integer(
    "DOCUMENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024 * 1024
)
# The paper-era figures the e-office statistics compare with (days to handle, hours to circulate).
EOFFICE_PAPER_HANDLING_DAYS = env.integer("EOFFICE_PAPER_HANDLING_DAYS", 6, minimum=1)
EOFFICE_PAPER_CIRCULATION_HOURS = env.integer("EOFFICE_PAPER_CIRCULATION_HOURS", 48, minimum=1)
# Inter-agency exchange (QCVN 102:2016): the hub provider, and where the folder hub keeps its boxes.
EXCHANGE_HUB = env.string("EXCHANGE_HUB", "folder")
EXCHANGE_HUB_DIR = Path(env.string("EXCHANGE_HUB_DIR", str(VAR_DIR / "exchange")))
if TESTING and not env.raw("EXCHANGE_HUB_DIR"):  # tests never write into var/exchange
    import os as _os
    import tempfile as _tempfile

    EXCHANGE_HUB_DIR = Path(_tempfile.gettempdir()) / f"vcnet-test-exchange-{_os.getpid()}"

# --- Digital signatures (vcnet.signing) -------------------------------------------------
# The key that encrypts the private keys the server holds (the platform CA's, the units' seals;
# with the owner's PIN, people's keys). Lose it and those keys are lost: back it up apart.
SIGNING_MASTER_KEY = (
    "test-signing-master-key"
    if TESTING
    else env.secret("SIGNING_MASTER_KEY", generate_into=VAR_DIR / "signing_master_key")
)
# The RFC 3161 timestamping service for B-T and above; unset, the platform CA's own TSA.
SIGNING_TSA_URL = env.url("SIGNING_TSA_URL", schemes={"http", "https"})
# The PAdES level of VCNET's signatures: B-B, B-T, B-LT or B-LTA.
SIGNING_LEVEL = env.string("SIGNING_LEVEL", "B-LT")
if SIGNING_LEVEL not in {"B-B", "B-T", "B-LT", "B-LTA"}:
    raise EnvError(f"SIGNING_LEVEL={SIGNING_LEVEL!r} must be one of B-B, B-T, B-LT, B-LTA.")
# PKCS#11 modules (token and HSM drivers) that may be loaded; nothing outside this list is.
SIGNING_PKCS11_MODULES = env.strings("SIGNING_PKCS11_MODULES", ["/usr/lib/softhsm/libsofthsm2.so"])
# Remote signing providers offered to people (modules of vcnet.signing.providers).
SIGNING_PROVIDERS = env.strings("SIGNING_PROVIDERS", ["agent"])
# The "csc" provider: a Cloud Signature Consortium API v2 remote signing service (its base URL,
# e.g. https://csc.example/csc/v2, and the OAuth access token VCNET presents to it).
SIGNING_CSC_URL = env.url("SIGNING_CSC_URL", schemes={"http", "https"}) or ""
SIGNING_CSC_TOKEN = (
    env.secret("SIGNING_CSC_TOKEN")
    if env.raw("SIGNING_CSC_TOKEN") or env.raw("SIGNING_CSC_TOKEN_FILE")
    else ""
)
# Issuing an outgoing document applies the unit's seal signature; a unit without a seal
# certificate cannot issue unless this allows issuing the signed file as it is.
SIGNING_ISSUE_WITHOUT_SEAL = env.boolean("SIGNING_ISSUE_WITHOUT_SEAL", default=False)

# --- Paper to electronic (vcnet.digitize) -------------------------------------------------
# A scan larger than this many pages is refused; each OCR job's limits (its wall-clock time, and
# its address space: OCRmyPDF, Tesseract and Ghostscript need about 1 GiB of it to load at all).
DIGITIZE_MAX_PAGES = env.integer("DIGITIZE_MAX_PAGES", 500, minimum=1)
DIGITIZE_JOB_SECONDS = env.integer("DIGITIZE_JOB_SECONDS", 900, minimum=10)
DIGITIZE_JOB_MEMORY_MB = env.integer("DIGITIZE_JOB_MEMORY_MB", 2048, minimum=1024)
# A zip imported in one go: at most this many files and this many bytes once unpacked.
DIGITIZE_ZIP_MAX_FILES = env.integer("DIGITIZE_ZIP_MAX_FILES", 200, minimum=1)
DIGITIZE_ZIP_MAX_BYTES = env.integer("DIGITIZE_ZIP_MAX_BYTES", 500 * 1024 * 1024, minimum=1024)
if "ocr" in RQ_QUEUES:  # RQ stops a job after 180 s unless told; an OCR job has its own limit
    RQ_QUEUES["ocr"]["DEFAULT_TIMEOUT"] = str(DIGITIZE_JOB_SECONDS + 300)

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

# --- Social network limits (vcnet.social.limits): requests per account and per address on
# /social/ and the Mastodon API; posts and follows per hour, tighter in an account's first day.
SOCIAL_REQUESTS_LIMIT = env.integer("SOCIAL_REQUESTS_LIMIT", 300, minimum=1)
SOCIAL_REQUESTS_WINDOW = env.integer("SOCIAL_REQUESTS_WINDOW", 300, minimum=1)
SOCIAL_POSTS_PER_HOUR = env.integer("SOCIAL_POSTS_PER_HOUR", 200, minimum=1)
SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR = env.integer("SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR", 30, minimum=1)
SOCIAL_FOLLOWS_PER_HOUR = env.integer("SOCIAL_FOLLOWS_PER_HOUR", 400, minimum=1)
SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR = env.integer(
    "SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR", 50, minimum=1
)
# At most this many @mentions in one post (vcnet.social.services.posts).
SOCIAL_MAX_MENTIONS = env.integer("SOCIAL_MAX_MENTIONS", 10, minimum=1)

# Home-feed fan-out (vcnet.social.feeds): authors with more followers are merged at read time.
SOCIAL_FANOUT_MAX_FOLLOWERS = env.integer("SOCIAL_FANOUT_MAX_FOLLOWERS", 10_000, minimum=1)

NINJA_PAGINATION_PER_PAGE = 20
# API throttles (vcnet.core.api_auth): per address when anonymous, per user otherwise.
NINJA_DEFAULT_THROTTLE_RATES = {
    "anon": env.string("API_RATE_ANON", "60/min"),
    "user": env.string("API_RATE_USER", "1200/min"),
}

# The embedding model (vcnet.core.embeddings, used by the assistant and opinion monitoring):
# threads per process.
EMBED_THREADS = env.integer("EMBED_THREADS", 1, minimum=1)
# Worker processes of the "opinion" queue under `vcnet serve` (the analysis of opinion items:
# each takes its own batches, so two on two cores analyse about twice as fast; bench/opinion).
OPINION_WORKERS = env.integer("OPINION_WORKERS", 1, minimum=1)
# An OpenAI-compatible server for generated answers (vcnet.assistant.llm); empty: quoted answers only.
VCNET_LLM_BASE_URL = env.string("VCNET_LLM_BASE_URL", "")
VCNET_LLM_MODEL = env.string("VCNET_LLM_MODEL", "local")
VCNET_LLM_API_KEY = env.string("VCNET_LLM_API_KEY", "")
VCNET_LLM_TIMEOUT = env.integer("VCNET_LLM_TIMEOUT", 30, minimum=1)

# Opinion monitoring (vcnet.opinion): how news feeds are fetched, imports, the demo news site.
OPINION_FETCH_TIMEOUT = env.integer("OPINION_FETCH_TIMEOUT", 10, minimum=1)
OPINION_FEED_MAX_BYTES = env.integer("OPINION_FEED_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
OPINION_PAGE_MAX_BYTES = env.integer("OPINION_PAGE_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
OPINION_ARTICLES_PER_FETCH = env.integer("OPINION_ARTICLES_PER_FETCH", 30, minimum=0)
# Hour rows of the aggregates older than this are dropped (day and week rows stay): they serve
# periods of up to 3 days, the 7-day baselines of the alerts and an alert's evidence.
OPINION_HOUR_ROWS_DAYS = env.integer("OPINION_HOUR_ROWS_DAYS", 35, minimum=8)
OPINION_IMPORT_MAX_BYTES = env.integer("OPINION_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# The demo's stand-in news site at /opinion/demo-news/ (fictional pages marked as such): on by
# default for a site on this machine (`make run`), in DEBUG and in tests.
OPINION_DEMO_NEWS = env.boolean(
    "OPINION_DEMO_NEWS",
    default=DEBUG or TESTING or urlsplit(SITE_URL).hostname in {"127.0.0.1", "localhost"},
)
# Feeds on private network addresses (127.0.0.1, 10.x, ...): refused unless this is on, as it is
# with the demo news site (its feeds live on this machine).
OPINION_FETCH_ALLOW_PRIVATE = env.boolean("OPINION_FETCH_ALLOW_PRIVATE", default=OPINION_DEMO_NEWS)
