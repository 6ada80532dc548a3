"""Django settings for Maillon, read from the environment (see `.env.example`).

`MAILLON_ENV=production` turns on the fail-fast checks: a real `SECRET_KEY`, an explicit
`ALLOWED_HOSTS`, secure cookies. Everything else has a safe local default so that
`maillon demo` works on a fresh machine with nothing configured.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from maillon.core.env import (
    env_bool,
    env_email_url,
    env_int,
    env_list,
    env_media_storage,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("MAILLON_DATA_DIR", str(Path.cwd() / "var")))

ENVIRONMENT = env_str("MAILLON_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=False)
_DEV_SECRET_KEY = "maillon-local-development-key-not-for-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("MAILLON_ENV=production needs a SECRET_KEY of 40+ characters.")
    if DEBUG:
        raise ImproperlyConfigured("MAILLON_ENV=production refuses DEBUG=true.")
    if env_str("ALLOWED_HOSTS") == "":
        raise ImproperlyConfigured("MAILLON_ENV=production needs ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "maillon.core",
    "maillon.accounts",
    "maillon.geo",
    "maillon.network",
    "maillon.labels",
    "maillon.cases",
    "maillon.journal",
    "maillon.activity",
    "maillon.people",
    "maillon.reports",
    "maillon.directory",
    "maillon.api",
    "maillon.web",
    "maillon.orchestration",
    "maillon.bench",
    "maillon.audit",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # Swagger UI's files for /api/docs, served from here (no CDN)
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # a NUL byte in the address or a form field: 400 before anything reads it
    "maillon.core.middleware.NulByteMiddleware",
    # every error under /api/ answered in JSON
    "maillon.api.errors.ApiErrorMiddleware",
    # token-authenticated API calls skip the session's middleware below (see its module)
    "maillon.api.middleware.TokenApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillon.core.middleware.ContentSecurityPolicyMiddleware",
    # a domain NotFound (maillon.core.errors) escaping a page: the French 404 page
    "maillon.core.middleware.DomainErrorMiddleware",
    "maillon.accounts.middleware.SessionIdleMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "maillon.config.urls"
WSGI_APPLICATION = "maillon.config.wsgi.application"

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
                "maillon.web.accounts.context_processors.memberships",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… or sqlite:///…), default an embedded SQLite file.
_default_sqlite = f"sqlite:///{DATA_DIR / 'maillon.sqlite3'}"
if not env_str("DATABASE_URL"):
    # The embedded database needs its folder before any command (migrate, import…) opens it.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection the server dropped (restart, failover, idle timeout) is
        # checked before a request's first query and reopened, instead of a 500.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # first: refuses a locked-out login before any password is checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling by django-axes, counted in the database (shared by every web worker), by
# client address and by account, app and admin logins alike: maillon/web/accounts/throttle.py.
AXES_FAILURE_LIMIT = env_int("MAILLON_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("MAILLON_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "maillon.web.accounts.throttle.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "maillon.core.http.client_address"  # MAILLON_BEHIND_PROXY-aware
AXES_LOCKOUT_CALLABLE = "maillon.web.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# a failure during the lock does not extend it: it lifts after AXES_COOLOFF_TIME, whatever
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sessions end after this many hours without a request (refreshed at most every 5 minutes by
# accounts.middleware.SessionIdleMiddleware, not on every request).
SESSION_COOKIE_AGE = env_int("MAILLON_SESSION_IDLE_HOURS", 8) * 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "directory:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
# Locally static files are served from the apps by WhiteNoise's finders; in production run
# `maillon collectstatic` into STATIC_ROOT.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    # local files under MEDIA_ROOT, or an S3-compatible bucket with MEDIA_STORAGE=s3
    "default": env_media_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security: secure cookies and HSTS in production, CSP everywhere.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    # Every subdomain must then be served over HTTPS; turn off for a shared domain.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https://*.tile.openstreetmap.org; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
)

# Background jobs (django-tasks, database backend: SQLite and PostgreSQL alike). `maillon worker`
# runs them; `maillon demo` starts one beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker's scheduler enqueues the daily jobs (digest of late cases, retention) from this
# hour on, local time.
MAILLON_DAILY_JOBS_HOUR = env_int("MAILLON_DAILY_JOBS_HOUR", 6)

# Uploaded files (case attachments): never served as static files, only through a view that
# checks access. Local files under the data directory by default.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
CASE_ATTACHMENT_MAX_BYTES = env_int("CASE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "maillon@localhost")
# where a person who cannot use a page writes (the accessibility statement shows it)
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# EMAIL_URL (smtp://user:pass@host:587/?tls=true) sets the backend and the SMTP settings at once,
# over the separate variables above.
globals().update(env_email_url())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs each login check at INFO; failures and locks are WARNING
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Public API rate limit per client address, "N/period" (s, min, h, day) or "off", counted in
# the cache; a malformed value stops the start.
MAILLON_PUBLIC_API_RATE = env_rate("MAILLON_PUBLIC_API_RATE", "120/min")
# Citizens' error reports on a site's page, per client address (docs/directory.md).
MAILLON_ERROR_REPORT_RATE = env_rate("MAILLON_ERROR_REPORT_RATE", "5/h")
# Address of the installation in e-mails sent by commands (reminders), e.g. https://maillon.example.org
MAILLON_BASE_URL = env_str("MAILLON_BASE_URL", "")
# Trust X-Forwarded-For for the client address (only behind a proxy that sets it).
MAILLON_BEHIND_PROXY = env_bool("MAILLON_BEHIND_PROXY", default=False)
# Name of the producer written in the open-data export.
MAILLON_OPEN_DATA_SOURCE = env_str("MAILLON_OPEN_DATA_SOURCE", "Maillon")
# Bulk activity import uses COPY on PostgreSQL (set false to use plain inserts).
ACTIVITY_IMPORT_COPY = env_bool("ACTIVITY_IMPORT_COPY", default=True)
