"""healthhub settings: one module, configured from the environment.

Nothing set means production-safe: debug off, no hosts allowed but localhost,
and a start-up error if the secret key is missing. `make run` sets
DJANGO_DEBUG=1 for the local demo.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Development only: a fresh key per process, so nothing secret is committed.
    SECRET_KEY = get_random_secret_key()

# The public address used in feeds, the sitemap, canonical links and structured
# data, e.g. https://health.example.org. Empty: taken from each request.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.sitemaps",
    "simple_history",
    # Full-text search fields and lookups; on SQLite it stays idle.
    "django.contrib.postgres",
    "taggit",
    "markdownx",
    "axes",
    "healthhub",
    "articles",
    "glossary",
]

MIDDLEWARE = [
    "healthhub.middleware.TrustedProxyMiddleware",
    # Near the top: a visitor's cached page (with the headers the rest of the stack gave it) is
    # served before the rest runs.
    "healthhub.caching.pages.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each revision, also for bulk actions and deletions.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, so that it sees failed logins after the views ran.
    "axes.middleware.AxesMiddleware",
]

# Form widgets may use templates from templates/ too (the admin's tag field does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "healthhub.urls"
WSGI_APPLICATION = "healthhub.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite in the project folder unless DATABASE_URL says otherwise, e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/healthhub

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers keep reading while an editor saves (WAL), and a write transaction
    # takes its lock up front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------
# One cache shared by every process and app server: a table in the database by
# default (created by `migrate`), Redis when REDIS_URL is set
# (redis://127.0.0.1:6379/0). Pages, rate limits and reused fragments live there;
# whether a cached page is still current is decided by stamps kept beside it
# (healthhub/caching/stamps.py), so a change made anywhere shows on the next request.

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "healthhub.caching.backends.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "healthhub"}
        if REDIS_URL
        else {
            "BACKEND": "healthhub.caching.backends.DatabaseCache",
            "LOCATION": "healthhub_cache",
            # Pages of a large site: Django's default of 300 entries would empty the table again and again.
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "50000"))},
        }
    )
}
# Seconds an anonymous page stays cached at most (changes make it stale sooner); 0 turns page caching off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))

# --- Passwords, language, time ---------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

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

# Uploaded images larger than this are refused (bytes).
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMAGE_UPLOAD_MAX_BYTES + 1024 * 1024

# Content import (import_content and the admin's Import page), in bytes and files.
# A content file larger than this is refused before it is read.
CONTENT_IMPORT_MAX_FILE_BYTES = int(os.environ.get("CONTENT_IMPORT_MAX_FILE_BYTES", 1024 * 1024))
# The largest .md or .zip editors can upload on the Import page.
CONTENT_IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("CONTENT_IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
# Limits for one .zip archive once unpacked (guards against "zip bombs").
CONTENT_IMPORT_MAX_ARCHIVE_BYTES = int(os.environ.get("CONTENT_IMPORT_MAX_ARCHIVE_BYTES", 200 * 1024 * 1024))
CONTENT_IMPORT_MAX_ARCHIVE_FILES = int(os.environ.get("CONTENT_IMPORT_MAX_ARCHIVE_FILES", 2000))

# --- Security ---------------------------------------------------------------
# Behind a reverse proxy that terminates TLS, list its addresses in
# DJANGO_TRUSTED_PROXIES: only those may say the request was HTTPS
# (X-Forwarded-Proto) or who the client is (X-Forwarded-For).

TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^livez/$"]  # health checks come from inside, over plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # markdownx's editor reads the token from the cookie.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: the admin's own inline tags carry the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Admin sign-in: after 5 failed attempts for one user name from one address,
# that pair is locked out for 15 minutes (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # TrustedProxyMiddleware sets it from trusted proxies only
AXES_LOCKOUT_TEMPLATE = "lockout.html"

# Search and suggestions: per client address, across app servers when REDIS_URL is set.
RATELIMIT_VIEW = "healthhub.views.rate_limited"
SEARCH_RATE = os.environ.get("SEARCH_RATE", "60/m")
AUTOCOMPLETE_RATE = os.environ.get("AUTOCOMPLETE_RATE", "300/m")  # one request per keystroke

# --- Tags (django-taggit) ---------------------------------------------------
# One vocabulary for all content: "Posture" and "posture" are the same tag, and
# only commas separate tags, so "type 2 diabetes" stays one tag.

TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "healthhub.tags.forms.parse_tags"
TAGGIT_STRING_FROM_TAGS = "healthhub.tags.forms.join_tags"

# --- Markdown editor (django-markdownx) -------------------------------------
# The preview and upload routes are healthhub's own staff-only views.

MARKDOWNX_MARKDOWNIFY_FUNCTION = "healthhub.text.markdown.markdownify"
MARKDOWNX_URLS_PATH = "/editor/markdown-preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/editor/image-upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_SERVER_CALL_LATENCY = 600

# --- Logging ----------------------------------------------------------------
# One JSON object per line on stderr (DJANGO_LOG_FORMAT=plain for humans).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
