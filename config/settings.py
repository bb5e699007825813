"""Settings, read from the environment (see the README's configuration table).

Defaults need no server: SQLite, a folder-based Celery broker, e-mail written to files.
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ

from .local_secret import local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TWO_HIGH_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Without DJANGO_SECRET_KEY: a random key made once on this machine, kept in var/secret_key
# (config/local_secret.py); never a key written in the code. Production requires the variable.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or local_secret_key(VAR_DIR)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The address links in e-mails use; `make run`/`make web` set it from HOST and PORT.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "accounts",
    "screening",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "config.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.ChosenLanguageMiddleware",  # Chinese unless the switch says otherwise
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'two-high.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limit (django-axes): lock a user name + address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on standard error (commands print one-line reasons)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
# Chinese numbers grouped by three with commas, English dates as "4 Dec 2026" (issue 15).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language switch is remembered
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "templates" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded and generated files are private: never served from a public URL, only through views
# that check the user's scope.
MEDIA_ROOT = Path(env.str("TWO_HIGH_FILES_DIR", default=str(VAR_DIR / "files")))
MEDIA_URL = "/private-files-are-not-served/"  # no URL pattern serves this

REDIS_URL = env.str("REDIS_URL", default="")
# API rate-limit counters must be shared by every web process, or the limit is the rate times the
# number of workers: Redis when there is one, else a table of the database
# (`manage.py createcachetable`, run by `make setup`). Never a per-process memory cache.
THROTTLE_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "two_high_throttle_cache",
    "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CACHES["throttle"] = CACHES["default"]
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": THROTTLE_DATABASE_CACHE,
    }
    # A folder-based broker: a real worker and beat without any server.
    _broker_dir = VAR_DIR / "celery"
    for _folder in ("queue", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's default is ./control, beside the code
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seconds a job may run before the worker stops it; a job run still "running" after this is
# shown as abandoned (screening/models/jobs.py).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, 1)  # a minute to record why

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="two-high@localhost")

# Upload limits (SPEC §9), all configurable. MB = 1,000,000 bytes.
LEDGER_MAX_FILE_BYTES = env.int("LEDGER_MAX_FILE_BYTES", default=50_000_000)
LEDGER_MAX_UNCOMPRESSED_BYTES = env.int("LEDGER_MAX_UNCOMPRESSED_BYTES", default=500_000_000)
LEDGER_MAX_RATIO = env.int("LEDGER_MAX_RATIO", default=100)
LEDGER_MAX_MEMBERS = env.int("LEDGER_MAX_MEMBERS", default=1000)
LEDGER_MAX_ROWS = env.int("LEDGER_MAX_ROWS", default=200_000)
LEDGER_MAX_COLUMNS = env.int("LEDGER_MAX_COLUMNS", default=100)
# Parts of an upload at least this large (bytes, uncompressed) are checked for well-formed XML
# in a child process, on another core; 0: every part; -1: none (all in process).
LEDGER_XML_CHILD_FROM_BYTES = env.int("LEDGER_XML_CHILD_FROM_BYTES", default=8_000_000)
# Uploads larger than this are validated and applied in the background (progress bar).
LEDGER_BACKGROUND_BYTES = env.int("LEDGER_BACKGROUND_BYTES", default=1_000_000)
# Request bodies above the largest upload plus this margin (form fields, multipart framing) are
# refused with 413 before they are read (config/security.py).
REQUEST_BODY_MARGIN_BYTES = env.int("REQUEST_BODY_MARGIN_BYTES", default=1_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Review cases (screening/cases): evidence files attached to one case action.
CASE_FILE_MAX_BYTES = env.int("CASE_FILE_MAX_BYTES", default=20_000_000)  # per file
CASE_FILE_MAX_COUNT = env.int("CASE_FILE_MAX_COUNT", default=10)  # files per action
# Working days a case may stay in a stage before it is overdue, by state, over the product's
# defaults (screening/cases/deadlines.py), e.g. REVIEW_TIME_LIMITS='{"submitted": 5}'.
REVIEW_TIME_LIMITS: dict[str, int] = env.json("REVIEW_TIME_LIMITS", default={})

# Monthly reports and digests (screening/reports). A claim on producing a report or sending a
# digest lapses after its lease, so a crashed worker's job is taken over by the next run.
REPORT_CLAIM_LEASE_SECONDS = env.int("REPORT_CLAIM_LEASE_SECONDS", default=1800)
DIGEST_CLAIM_LEASE_SECONDS = env.int("DIGEST_CLAIM_LEASE_SECONDS", default=600)
# Routine lines a digest lists before "and N more routine changes" (restrictions, reminders,
# overdue cases and red energy warnings are never cut).
DIGEST_ROUTINE_LIMIT = env.int("DIGEST_ROUTINE_LIMIT", default=20)
# A monthly report larger than this is linked from the digest instead of attached.
DIGEST_MAX_ATTACHMENT_BYTES = env.int("DIGEST_MAX_ATTACHMENT_BYTES", default=15_000_000)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "screening.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    # Personal API tokens (Authorization: Bearer th_…) for agency systems; the session for
    # the browser (with CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "screening.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    # Rate limits: per token, per signed-in browser user, per address without sign-in.
    "DEFAULT_THROTTLE_CLASSES": ["screening.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.str("API_TOKEN_RATE", default="120/min"),
        "api_user": env.str("API_SESSION_RATE", default="120/min"),
        "api_anon": env.str("API_ANON_RATE", default="30/min"),
    },
    "EXCEPTION_HANDLER": "screening.api.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "two-high API",
    "DESCRIPTION": (
        "REST API of the Henan 两高 project screening system for agency systems: upload a "
        "ledger, read projects, screening results, review cases, the barometer and rule "
        "sets. Authenticate with a personal API token (profile page → API tokens) as "
        "`Authorization: Bearer th_…`. Every endpoint is scoped to your regions: what you "
        'may not see answers 404. Errors: {"error": {"code", "message", '
        '"details"}}, messages in the Accept-Language (zh-hans or en).'
    ),
    "VERSION": "1.0.0",
    # `<id:pk>` (screening/ids.py): ids are 64-bit integers; larger numbers are a 404.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enums by value only: choice labels are translated, so they would make the schema depend
    # on the request's language (and split one choice set into several components).
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "screening.models.workflow.CaseState",
        "UploadStatusEnum": "screening.models.ledger.UploadStatus",
        "RemovalReasonEnum": "screening.models.ledger.RemovalReason",
        "TierEnum": "screening.models.warnings.TierChoice",
        "ProjectStatusEnum": "screening.models.ledger.ProjectStatus",
        "EvaluationKindEnum": "screening.models.workflow.EvaluationKind",
        "DispositionEnum": "screening.api.schema_enums.DISPOSITIONS",
        "OrderableDispositionEnum": "screening.api.schema_enums.ORDERABLE_DISPOSITIONS",
        "RegistryUploadKindEnum": "screening.models.registry.RegistryUploadKind",
    },
}

CSRF_FAILURE_VIEW = "screening.api.errors.csrf_failure"  # JSON under /api/, a page elsewhere
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (config/security.py): scripts, styles, images and requests from this site
# only; no inline script or style, no plug-ins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The API's Swagger UI and Redoc pages: scripts stay 'self' only (our templates start them
# from files), but both libraries set styles from script, Redoc searches in a blob: worker.
CONTENT_SECURITY_POLICY_EXCEPTIONS = {
    prefix: {
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
        "img-src": "'self' data: blob:",
    }
    for prefix in ("/api/docs/", "/api/redoc/")
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
