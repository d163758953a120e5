"""Settings of the portal, read from environment variables only.

Development (every ``make`` target but ``check-deploy``) sets ``DJANGO_DEBUG=1`` and runs on SQLite with
Celery tasks executed in process. With ``DATABASE_URL`` and ``REDIS_URL`` set the same code runs on
PostgreSQL with a real Celery broker. Production refuses to start without ``DJANGO_SECRET_KEY`` and
``SITE_URL``. See README.md, "Configuration".
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zaozhuang_titles.env import email_config, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envstr("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
# The portal's absolute address, for links made without a request (mails, certificate QR codes drawn by
# a task). Development may leave it empty: links are then built from the request that caused them
# (zaozhuang_titles.links), so a server on another port still prints QR codes that point to itself.
SITE_URL = envstr("SITE_URL").strip().rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
if not SITE_URL and not DEBUG:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DJANGO_DEBUG is off: the portal's public address, e.g. "
        "https://titles.example.cn (links in mails and certificate QR codes are built from it)."
    )
#: The bureau's contact, printed where the public is told whom to ask (the certificate verification page).
BUREAU_CONTACT = envstr(
    "BUREAU_CONTACT",
    "枣庄市人力资源和社会保障局（人社服务热线 0632-12333）",
)

INSTALLED_APPS = [
    "zaozhuang_titles",
    "enterprises",
    "training",
    "applications",
    "reviews",
    "results",
    "surveys",
    "library",
    "consultations",
    "inspections",
    "dashboard",
    # The REST API for other systems (/api/v1/): clients, scopes, tokens.
    "api",
    # Django admin with the portal's site: its index grouped by the city's work (zaozhuang_titles.admin_site).
    "zaozhuang_titles.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "zaozhuang_titles.axes_config.LoginSecurityConfig",
    "csp",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside session, CSRF and authentication: it sees every response a logged-in user gets.
    "zaozhuang_titles.caching.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zaozhuang_titles.urls"
WSGI_APPLICATION = "zaozhuang_titles.wsgi.application"

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
                "zaozhuang_titles.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
# SQLite (development): the development server answers requests in threads (an autosave beside a page
# load). WAL lets readers go on while one writes; IMMEDIATE takes the write lock when a transaction
# begins, so a second writer waits up to ``timeout`` seconds for it instead of failing at once with
# "database is locked" (SQLite cannot wait when a reader turns writer inside a deferred transaction).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker (make run on the embedded default) tasks run in process, errors propagated.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Every periodic schedule of the portal lives here, in one place. Later apps add their entries.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "zaozhuang_titles.clear_expired_sessions", "schedule": 60 * 60},
    # The outbox sweep: emails of notices that no worker sent (the broker was down, a worker was lost).
    "deliver-pending-notices": {"task": "zaozhuang_titles.deliver_pending_notices", "schedule": 60},
    # Publicity periods (公示) that have ended are closed within a quarter of an hour.
    "close-due-publicities": {"task": "applications.close_due_publicities", "schedule": crontab(minute="*/15")},
    # Applicants whose return for correction (退回补正) is due within two working days, each working morning.
    "remind-correction-deadlines": {
        "task": "applications.remind_correction_deadlines",
        "schedule": crontab(hour=8, minute=0),
    },
    # Experts with unsubmitted scores as the scoring deadline nears (ReviewSettings.reminder_days), hourly
    # on working days, one notice per expert and meeting.
    "remind-scoring-deadlines": {"task": "reviews.remind_scoring_deadlines", "schedule": crontab(minute=5)},
    # The staff's daily digest (每日待办提醒), before the office opens; the task skips days off.
    "send-staff-digest": {"task": "zaozhuang_titles.send_staff_digest", "schedule": crontab(hour=7, minute=30)},
    # Export files (导出) older than EXPORT_KEEP_DAYS are removed from storage, nightly.
    "purge-expired-exports": {"task": "zaozhuang_titles.purge_expired_exports", "schedule": crontab(hour=3, minute=20)},
    # Enterprises that have not answered a questionnaire, 3 and 1 working days before its deadline.
    "remind-survey-deadlines": {"task": "surveys.remind_survey_deadlines", "schedule": crontab(hour=8, minute=10)},
}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "zaozhuang_titles.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "zaozhuang_titles.backends.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zaozhuang_titles.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# A session ends after 30 idle minutes: every request renews the 30-minute cookie.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: 5 failures lock the account for 30 minutes, counted per account (not per IP, since a
# whole government intranet may sit behind one address).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for locking by IP too; we do not, on purpose: a district bureau's whole intranet
# reaches us from one NAT address, and one mistyping clerk must not lock out the rest.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "zaozhuang_titles.backends.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "zaozhuang_titles.audit.client_ip"
# Behind a reverse proxy (nginx) the client address is the last hop the proxy appended.
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
# A monitor sending "Authorization: Bearer <token>" to /healthz gets the details (database, broker,
# workers) that anonymous callers do not; empty: only staff get them.
HEALTHZ_TOKEN = envstr("HEALTHZ_TOKEN")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 20:
    raise ImproperlyConfigured("HEALTHZ_TOKEN must be at least 20 characters (e.g. `openssl rand -hex 20`).")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded evidence is private: it lives outside any public URL and is served by permission-checking
# views only, never by the web server.
MEDIA_ROOT = Path(envstr("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
MEDIA_URL = None
# Limits on evidence uploads (applications/evidence.py): per file, and per application in total.
EVIDENCE_MAX_FILE_BYTES = envint("EVIDENCE_MAX_FILE_MB", 20) * 1024 * 1024
EVIDENCE_MAX_TOTAL_BYTES = envint("EVIDENCE_MAX_TOTAL_MB", 100) * 1024 * 1024
# Public objections to a publicity notice (异议): one per address per interval, settled within working days.
OBJECTION_MIN_INTERVAL_SECONDS = envint("OBJECTION_MIN_INTERVAL_SECONDS", 60)
OBJECTION_SETTLE_WORKING_DAYS = envint("OBJECTION_SETTLE_WORKING_DAYS", 10)
# An admin list of a whole table at least this large shows PostgreSQL's row estimate, not a COUNT(*).
ADMIN_ESTIMATED_COUNT_ABOVE = envint("ADMIN_ESTIMATED_COUNT_ABOVE", 10_000)
# An admin list shows at most this many pages (of 100 rows: 2,000 rows); past them, filter or search (0: no
# limit). A deeper page is an OFFSET that reads every row before it (page 100: 190 ms at province scale).
ADMIN_MAX_PAGES = envint("ADMIN_MAX_PAGES", 20)
#: A bulk action of Django admin over more applications than this runs as a Celery task, its progress
#: shown on the page (``applications.services.bulk``); up to it, in the request.
BULK_ACTION_TASK_ABOVE = envint("BULK_ACTION_TASK_ABOVE", 200)
# The statistics page (统计分析): its figures are kept in the cache this many seconds per reader and filter,
# shared by the page, its charts' JSON and its downloads, and shown "as of" the time computed (0: never kept).
STATISTICS_CACHE_SECONDS = envint("STATISTICS_CACHE_SECONDS", 120)
OBJECTION_MAX_FILE_BYTES = envint("OBJECTION_MAX_FILE_MB", 20) * 1024 * 1024
# Excel exports of filtered lists (zaozhuang_titles.exports): a list of at most this many rows is built in
# the request and downloaded at once, a longer one by a Celery task with a progress bar; files are kept
# this many days, then removed by beat.
EXPORT_IN_REQUEST_MAX_ROWS = envint("EXPORT_IN_REQUEST_MAX_ROWS", 2000)
EXPORT_KEEP_DAYS = envint("EXPORT_KEEP_DAYS", 7)
# Largest PDF the public certificate check takes (a certificate is under 300 KB).
CERTIFICATE_CHECK_MAX_BYTES = envint("CERTIFICATE_CHECK_MAX_MB", 2) * 1024 * 1024
#: Where objections may also be brought (address, telephone), printed on every publicity notice.
PUBLICITY_OBJECTION_CONTACT = envstr("PUBLICITY_OBJECTION_CONTACT", "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
globals().update(email_config(envstr("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "枣庄市职称评审平台 <noreply@titles.example.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "zaozhuang_titles.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API (/api/v1/, the api app) ---------------------------------------------------------------
REST_FRAMEWORK = {
    # Tokens only: no session, so no CSRF and no cookie of a browser ever authenticates a call.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.CallerRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
#: Calls a minute of an applicant's personal token, and of one address without a token (the public
#: verification); a client's own limit is ``ApiClient.rate_limit_per_minute``.
API_PERSONAL_RATE_PER_MINUTE = envint("API_PERSONAL_RATE_PER_MINUTE", 30)
API_ANONYMOUS_RATE_PER_MINUTE = envint("API_ANONYMOUS_RATE_PER_MINUTE", 60)
SPECTACULAR_SETTINGS = {
    "OAS_VERSION": "3.1.0",
    "TITLE": "枣庄市专精特新企业职称申报评审平台接口",
    "DESCRIPTION": (
        "供省专业技术人员管理服务平台、工信部门、培训平台等系统调用的接口（第 1 版）。"
        "令牌放在请求头 Authorization: Bearer <令牌> 中；每个操作需要的权限范围见其说明。"
        "错误按 RFC 9457 以 application/problem+json 返回，detail 默认为中文（Accept-Language: en 时为英文）。"
        "写操作可带 Idempotency-Key。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TitleLevelEnum": "applications.models.Level",
        "RecognitionLevelEnum": "enterprises.models.RecognitionLevel",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = envstr("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}; use 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "zaozhuang_titles.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Documents, signatures, SMS and one-time codes ------------------------------------------
# Certificates, nomination letters and meeting records are signed with the key and certificate of this
# PKCS#12 file (zaozhuang_titles/signing.py). In development it defaults to the demo signer that
# `manage.py signing_demo_ca` writes (make migrate runs it); production must name the bureau's own.
DOCUMENT_SIGNING_P12 = envstr("DOCUMENT_SIGNING_P12", str(MEDIA_ROOT / "signing" / "demo-signer.p12") if DEBUG else "")
DOCUMENT_SIGNING_PASSWORD = envstr("DOCUMENT_SIGNING_PASSWORD", "")
# Dotted path of the SMS backend (zaozhuang_titles.sms); the default prints and keeps messages.
SMS_BACKEND = envstr("SMS_BACKEND", "zaozhuang_titles.sms.ConsoleAndDatabaseBackend")
OTP_TTL_SECONDS = envint("OTP_TTL_SECONDS", 5 * 60)

# --- Portal ---------------------------------------------------------------------------------
PORTAL_NAME = _("Zaozhuang Professional Title Portal")
#: The brand where the full name does not fit on one row (phones, and beside the open menu at 1200-1399 px).
PORTAL_SHORT_NAME = _("Zaozhuang Titles")

# --- Webhooks (api.webhooks) ----------------------------------------------------------------
# Hosts a webhook may reach although they sit on a private, loopback or link-local address (the city's
# intranet): host names, networks ("10.20.0.0/16", "192.168.1.7"), or "*" for any. Public addresses are
# always allowed. Development allows any; production none until the operator names them.
WEBHOOK_ALLOWED_HOSTS = envlist("WEBHOOK_ALLOWED_HOSTS", ["*"] if DEBUG else [])
for _entry in WEBHOOK_ALLOWED_HOSTS:
    # What looks like an address or a network must be one ("10.0.0.0/33" is a typo, not a host name).
    if "/" in _entry or ":" in _entry or _entry.replace(".", "").isdigit():
        try:
            ipaddress.ip_network(_entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"WEBHOOK_ALLOWED_HOSTS has {_entry!r}, which is neither a host name nor an IP address or network."
            ) from None
# Attempts of one delivery before it is given up; the waits between them double from the base, capped.
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 60)
WEBHOOK_RETRY_MAX_SECONDS = envint("WEBHOOK_RETRY_MAX_SECONDS", 60 * 60)
# Seconds a receiver has to answer one attempt (connect and read).
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhook deliveries whose task was lost (the broker was down, a worker died) are queued again.
CELERY_BEAT_SCHEDULE["deliver-due-webhooks"] = {"task": "api.deliver_due_webhooks", "schedule": 60}
if WEBHOOK_MAX_ATTEMPTS < 1 or WEBHOOK_RETRY_BASE_SECONDS < 1 or WEBHOOK_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured(
        "WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_BASE_SECONDS and WEBHOOK_TIMEOUT_SECONDS must be at least 1."
    )
