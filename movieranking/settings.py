"""Settings for Movie Ranking. Every knob is read from the environment here, once."""

import contextlib
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from imports.prime_images import AMAZON_IMAGE_HOSTS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without DEBUG a real secret must come from the environment; a missing one is a crash at start,
# not a silently guessable key in production.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-insecure")
if not DEBUG and len(SECRET_KEY) < 32:
    # Sessions, password-reset tokens and signed cookies are only as strong as this key.
    raise ImproperlyConfigured(
        f"SECRET_KEY is {len(SECRET_KEY)} characters long; with DEBUG off it must have at least"
        ' 32. Generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "catalog",
    "rankings",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "catalog.middleware.catalog_deadline",
    # Last, as django-axes asks: it turns a login refused during a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "movieranking.urls"
WSGI_APPLICATION = "movieranking.wsgi.application"

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
                "catalog.context_processors.catalog",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A new PostgreSQL connection takes about 6 ms (the server starts a process for it), a sixth
# of a review action: each gunicorn thread keeps its connection instead, checked before reuse.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent requests queue on
    # busy_timeout instead of failing with "database is locked" when a read upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Django's default of 300 entries would evict a 500-title import's searches mid-way.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache?max_entries=50000")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The axes backend refuses a locked-out username before ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "movieranking.throttle.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed, compressed files in production: `collectstatic` itself must run with that storage to
# write its manifest, and every later start finds the manifest. Plain files otherwise, so
# `make run` and the tests work without a collect step.
_MANIFESTED = (STATIC_ROOT / "staticfiles.json").exists() or sys.argv[1:2] == ["collectstatic"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFESTED and not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from STATICFILES_DIRS when collectstatic has not run (make run, tests).
WHITENOISE_USE_FINDERS = True
if not STATIC_ROOT.exists():
    # whitenoise warns on every start about a missing STATIC_ROOT before the first collectstatic.
    with contextlib.suppress(OSError):
        STATIC_ROOT.mkdir()
WHITENOISE_MANIFEST_STRICT = False

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Self-hosting on plain HTTP inside a home network is a supported setup, so HTTPS-only cookies
# and redirects follow from saying that TLS is terminated in front of the app.
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=BEHIND_HTTPS_PROXY)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=BEHIND_HTTPS_PROXY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=BEHIND_HTTPS_PROXY)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# The CSRF token reaches htmx through `hx-headers` on <body>; no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
# How many proxies of ours append to X-Forwarded-For: the throttles count the address the
# outermost one saw. Behind none, every address in that header is the client's own say-so.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_HTTPS_PROXY else 0)

# Failed logins (the app's and /admin/login/): a username is locked for one address after
# LOGIN_FAILURE_LIMIT failures, for LOGIN_LOCKOUT_MINUTES from the last one. Counting per
# username *and* address keeps a stranger from locking someone out from elsewhere.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout do not extend it, so the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures are what the lockout needs; a row per successful login would only pile up.
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "movieranking.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "movieranking.views.locked_out"
# New accounts per address within a sliding window.
SIGNUP_LIMIT = env.int("SIGNUP_LIMIT", default=5)
SIGNUP_LIMIT_WINDOW = timedelta(minutes=env.int("SIGNUP_LIMIT_WINDOW_MINUTES", default=60))

# The movie catalog: TMDB when a key or token is set, otherwise the offline catalog.
TMDB_API_KEY = env.str("TMDB_API_KEY", default="")
TMDB_READ_ACCESS_TOKEN = env.str("TMDB_READ_ACCESS_TOKEN", default="")
TMDB_API_URL = env.str("TMDB_API_URL", default="https://api.themoviedb.org/3")
TMDB_IMAGE_URL = env.str("TMDB_IMAGE_URL", default="https://image.tmdb.org/t/p")
TMDB_MAX_RPS = env.float("TMDB_MAX_RPS", default=40)

# Scripts and styles only from our own static files: no inline code, no eval. Images also from
# TMDB (posters) and Amazon (Prime covers); data: for Pico's inline SVG icons.
_tmdb_images = urlsplit(TMDB_IMAGE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [
            SELF,
            "data:",
            f"{_tmdb_images.scheme}://{_tmdb_images.netloc}",
            *(f"https://{host}" for host in AMAZON_IMAGE_HOSTS),
        ],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

IMPORT_SESSION_TTL_MINUTES = env.int("IMPORT_SESSION_TTL_MINUTES", default=30)
IMPORT_MAX_MOVIES = env.int("IMPORT_MAX_MOVIES", default=500)
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=10)
# Uploads are read in memory up to the import limit; Django's own cap must not refuse them first.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, (IMPORT_MAX_UPLOAD_MB + 1) * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request URL at INFO, and with api_key auth the URL carries the key.
    # axes says INFO for every login and failure (its usernames and addresses masked anyway);
    # repeated failures and lockouts come as warnings.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
