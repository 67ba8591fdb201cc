"""The hub's one settings module, configured by environment variables.

With no environment set it runs on SQLite and the in-memory channel layer.
DATABASE_URL switches to PostgreSQL; REDIS_URL to channels-redis and the Redis cache.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hub.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or env_bool("HUB_TESTING")

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for development and tests: never used with DEBUG off.
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "hub.apps.HubConfig",
    "hub.notifications.apps.NotificationsConfig",
    "hub.forum.apps.ForumConfig",
    "hub.fidelity.apps.FidelityConfig",
    "hub.recruitment.apps.RecruitmentConfig",
    "training.apps.TrainingConfig",
    "champions.apps.ChampionsConfig",
    "resources.apps.ResourcesConfig",
    "reflective_practice.apps.ReflectivePracticeConfig",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hub.security.SecurityHeadersMiddleware",
    "hub.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hub.middleware.RequireStaffMfaMiddleware",
    "hub.middleware.ActivityMiddleware",
    "resources.sites.KnownSiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"
WSGI_APPLICATION = None

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
                "hub.context_processors.hub",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
    # A pool of open connections per server process (PostgreSQL only): a request borrows
    # one instead of connecting afresh. 0 turns the pool off.
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0)
    if DB_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            # How long a request waits for a free connection before it fails.
            "timeout": env_int("DB_POOL_TIMEOUT", 30),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {
                # Writers queue for the database lock (up to 20 s) from the start of their
                # transaction, so two people booking at once wait their turn instead of one
                # of them getting "database is locked" half-way through.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
            # The tests use a file as well: an in-memory database shared between threads
            # locks whole tables and fails a second writer at once instead of queueing it.
            "TEST": {"NAME": BASE_DIR / "test-db.sqlite3"},
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the channel layer and the cache.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    # The channel layer: channels-redis's pub/sub layer by default. A group message is
    # published once and each server process hands it to its own readers, where the
    # core layer pushes one copy per reader through Redis; at 500 forum readers the
    # pub/sub layer's delivery p95 was about a quarter of the core layer's
    # (bench/README.md). Pub/sub keeps nothing for a process that is briefly cut off
    # from Redis; the forum page fetches whatever it missed when it reconnects.
    # CHANNEL_LAYER=core selects the core layer (per-reader queues with capacity and
    # expiry), kept for deployments that want Redis to buffer.
    CHANNEL_LAYER = env_str("CHANNEL_LAYER", "pubsub")
    if CHANNEL_LAYER not in ("pubsub", "core"):
        raise ImproperlyConfigured(
            f"The environment variable CHANNEL_LAYER must be pubsub or core; it is {CHANNEL_LAYER!r}."
        )
    # redis-py 8 times out idle reads after 5 s, which drops idle websockets under
    # channels-redis; keep reads blocking (see DESIGN.md, pitfalls).
    _layer_config = {
        "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
        "prefix": env_str("CHANNELS_PREFIX", "hub"),
    }
    if CHANNEL_LAYER == "pubsub":
        CHANNEL_LAYERS = {
            "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": _layer_config}
        }
    else:
        # The core layer, with a connection pool that waits instead of failing when
        # hundreds of sockets close at once (hub/forum/layers.py).
        # In the core layer every socket of one server process shares one Redis queue, so:
        # - capacity counts messages waiting for a whole process, not for one reader; past
        #   it, group_send drops silently. 1,000 is minutes of forum traffic at its busiest
        #   (10 posts a second is 100 s), so only a stuck process loses messages.
        # - expiry drops messages nobody has taken for 120 s: the queue of a process that
        #   died goes, and a page that far behind is better off reconnecting (it backfills).
        # - group_expiry forgets a socket a day after it joined or last pinged (pages ping
        #   every 30 s and the consumer renews its groups then), so open pages stay members
        #   and sockets of a crashed process leave the groups within a day.
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "hub.forum.layers.RedisChannelLayer",
                "CONFIG": {
                    **_layer_config,
                    "capacity": 1000,
                    "expiry": 120,
                    "group_expiry": 86400,
                    "pool_size": 32,
                },
            }
        }
    CACHES = {
        "default": {
            "BACKEND": "hub.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "hub"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks: the database backend, so queued mail survives a restart; tests run them at once.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING or env_bool("TASKS_IMMEDIATE")
        else "django_tasks_db.DatabaseBackend"
    }
}

AUTH_USER_MODEL = "hub.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
# The Wagtail admin signs in through the hub's sign-in too (rate-limited, two-factor).
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# Passwords are reset through the hub's own form (rate-limited), not the Wagtail admin's.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: email login, no open sign-up (people arrive by invitation).
ACCOUNT_ADAPTER = "hub.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind N reverse proxies the client's address is the Nth from the right of X-Forwarded-For;
# sign-in and password-reset limits per address use it (0: the connection's own address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Systemic Practice Hub] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Systemic Practice Hub"

# Email
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Systemic Practice Hub <hub@localhost>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Wagtail
WAGTAIL_SITE_NAME = "Systemic Practice Hub"
WAGTAILADMIN_BASE_URL = SITE_URL
# The database backend uses PostgreSQL full-text search on PostgreSQL, SQLite FTS5 otherwise.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_FINDERS = []  # no third-party players
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars fetched from a third party
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# Documents are served by Wagtail's view, which asks hub/access.py (resources/wagtail_hooks.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "resources.forms.DocumentForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "odt", "png", "jpg", "jpeg", "mp4"]
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
RESOURCES_UPLOAD_MAX_MB = env_int("RESOURCES_UPLOAD_MAX_MB", 50)
WAGTAILDOCS_MAX_UPLOAD_SIZE = RESOURCES_UPLOAD_MAX_MB * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "jpeg"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = RESOURCES_UPLOAD_MAX_MB * 1024 * 1024
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]},
    }
}

# Security: secure by default when DEBUG is off; SSL redirect is configurable for a proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis with REDIS_URL) and kept in the database too,
# so a restarted cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "hub": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

# The hub's own settings
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
CONSULTATION_CANCEL_CUTOFF_HOURS = env_int("CONSULTATION_CANCEL_CUTOFF_HOURS", 24)
# How long after the pilot's end personal data is kept before `apply_retention` anonymises it.
RETENTION_DAYS_AFTER_PILOT = env_int("RETENTION_DAYS_AFTER_PILOT", 730)
# Keys the pseudonyms evaluators see (pages and exports); required with DEBUG off.
EVALUATION_PSEUDONYM_KEY = env_str("EVALUATION_PSEUDONYM_KEY")
FORUM_POSTS_PER_MINUTE = env_int("FORUM_POSTS_PER_MINUTE", 10)
# The public expression-of-interest form: posts per address per window, the DCS letter's size limit,
# and whether to trust X-Forwarded-For (only behind a proxy that sets it).
EOI_RATE_LIMIT = env_int("EOI_RATE_LIMIT", 60)
EOI_RATE_WINDOW_SECONDS = env_int("EOI_RATE_WINDOW_SECONDS", 3600)
EOI_LETTER_MAX_BYTES = env_int("EOI_LETTER_MAX_BYTES", 5 * 1024 * 1024)
EOI_TRUST_X_FORWARDED_FOR = env_bool("EOI_TRUST_X_FORWARDED_FOR", env_bool("BEHIND_PROXY", False))
