"""Django settings for Anze, read from ANZE_* environment variables (see .env.example)."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

from anze.core.env import env

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
DATA_DIR = Path(env.str("ANZE_DATA_DIR", str(REPO_DIR / "var"))).resolve()

DEBUG = env.bool("ANZE_DEBUG", False)
TESTING = env.bool("ANZE_TESTING", False)
# Behind TLS (the production default) cookies are Secure and plain HTTP is redirected; the embedded
# `make run` serves plain HTTP on 127.0.0.1 and turns this off explicitly.
HTTPS = env.bool("ANZE_HTTPS", not DEBUG)

_INSECURE_DEV_KEY = "anze-insecure-development-key-do-not-use-in-production"
_secret_key_file = env.str("ANZE_SECRET_KEY_FILE", "")
if _secret_key_file:
    try:
        SECRET_KEY = Path(_secret_key_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"ANZE_SECRET_KEY_FILE={_secret_key_file!r} cannot be read: {exc}") from exc
else:
    SECRET_KEY = env.str("ANZE_SECRET_KEY", _INSECURE_DEV_KEY if (DEBUG or TESTING) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "ANZE_SECRET_KEY is not set. Production refuses a default key: set ANZE_SECRET_KEY (50+ random "
        "characters) or ANZE_SECRET_KEY_FILE, or set ANZE_DEBUG=1 for development."
    )
if SECRET_KEY == _INSECURE_DEV_KEY and not (DEBUG or TESTING):
    raise ImproperlyConfigured("ANZE_SECRET_KEY is the development default; production needs its own key.")

# SM4 key (32 hex digits = 128 bits) for personal data at rest (public reporters' identity). Production must
# set it; development and tests derive one from SECRET_KEY. Checked where it is used (anze.public.crypto).
ANZE_PII_KEY = env.str("ANZE_PII_KEY", "")
if not ANZE_PII_KEY and (DEBUG or TESTING):
    import hashlib as _hashlib

    ANZE_PII_KEY = _hashlib.new("sm3", b"anze-pii:" + SECRET_KEY.encode()).hexdigest()[:32]
# Keys replaced by ANZE_PII_KEY, still accepted for reading until `anze pii rekey` has re-encrypted every block
# under the current key (comma-separated, 32 hex digits each). Empty once a rotation is finished.
ANZE_PII_OLD_KEYS = env.list("ANZE_PII_OLD_KEYS", [])

ALLOWED_HOSTS = env.list("ANZE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] + (["testserver"] if TESTING else []))
CSRF_TRUSTED_ORIGINS = env.list("ANZE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "huey.contrib.djhuey",
    "anze.core",
    "anze.audit",
    "anze.accounts",
    "anze.org",
    "anze.plans",
    "anze.duties",
    "anze.supervision",
    "anze.enterprises",
    "anze.prevention",
    "anze.public",
    "anze.monitoring",
    "anze.enforcement",
    "anze.training",
    "anze.emergency",
    "anze.assessment",
]

MIDDLEWARE = [
    "anze.core.middleware.RequestContextMiddleware",
    "anze.core.replica.PrimaryAfterWriteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "anze.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anze.core.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "anze.accounts.middleware.SessionLimitsMiddleware",
    "anze.accounts.middleware.AdminNetworkMiddleware",
    "anze.accounts.middleware.PasswordPolicyMiddleware",
    "anze.accounts.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anze.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "anze.urls"
WSGI_APPLICATION = "anze.wsgi.application"

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
                "anze.core.context_processors.navigation",
            ],
        },
    }
]

# Database: embedded SQLite by default, PostgreSQL through ANZE_DATABASE_URL.
DATABASE_URL = env.url(
    "ANZE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'anze.sqlite3'}", schemes=("sqlite", "postgres", "postgresql")
)
# A kept connection is checked before each request reuses it, so a restarted database costs no failed request.
_db = dj_database_url.parse(
    DATABASE_URL, conn_max_age=env.int("ANZE_DB_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "timeout": env.int("ANZE_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        # WAL lets readers run beside the one writer; IMMEDIATE makes writers queue on the busy timeout
        # instead of failing with "database is locked" when they upgrade a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    _db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")} if env.bool("ANZE_TEST_SQLITE_FILE", False) else {}
DATABASES = {"default": _db}
# Dashboards and exports may read from a streaming replica (anze/core/replica.py); everything else, every write
# and whatever a request reads after it wrote goes to the primary.
DATABASE_REPLICA_URL = env.url("ANZE_DATABASE_REPLICA_URL", "", schemes=("postgres", "postgresql"))
if DATABASE_REPLICA_URL:
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("ANZE_DATABASE_REPLICA_URL needs ANZE_DATABASE_URL on PostgreSQL.")
    _replica = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=_db["CONN_MAX_AGE"], conn_health_checks=True
    )
    # A replica that does not answer costs a routed read two seconds once; then reads go to the primary.
    _replica["OPTIONS"] = {**_replica.get("OPTIONS", {}), "connect_timeout": 2}
    # The test suite reads the test database through this alias too; it never creates a second one.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["anze.core.replica.ReplicaRouter"]
# Seconds the replica may be behind the primary before routed reads go to the primary instead.
ANZE_DATABASE_REPLICA_MAX_LAG = env.int("ANZE_DATABASE_REPLICA_MAX_LAG", 5, minimum=0)
# How often a web process checks the replica's lag (0: before every routed read).
ANZE_DATABASE_REPLICA_CHECK_SECONDS = env.int("ANZE_DATABASE_REPLICA_CHECK_SECONDS", 5, minimum=0)
# A browser that wrote reads from the primary this long, on every web node (read-after-write).
ANZE_DATABASE_REPLICA_STICKY_SECONDS = env.int("ANZE_DATABASE_REPLICA_STICKY_SECONDS", 15, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; on SQLite the same index without its extra columns is right.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["anze.accounts.backends.LockoutModelBackend"]

PASSWORD_HASHERS = [
    "anze.accounts.hashers.SM3PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not what tests measure; the SM3 hasher keeps its own round-trip test.
    PASSWORD_HASHERS = ["anze.accounts.hashers.FastSM3PasswordHasher", *PASSWORD_HASHERS]

# Security thresholds (等保2.0 三级, see SECURITY.md); every one can be tightened per deployment.
ANZE_SECURITY = {
    "PASSWORD_MIN_LENGTH": env.int("ANZE_PASSWORD_MIN_LENGTH", 8, minimum=8),
    "PASSWORD_MIN_CLASSES": env.int("ANZE_PASSWORD_MIN_CLASSES", 3, minimum=3),
    "PASSWORD_MAX_AGE_DAYS": env.int("ANZE_PASSWORD_MAX_AGE_DAYS", 90, minimum=1),
    "PASSWORD_HISTORY": env.int("ANZE_PASSWORD_HISTORY", 5, minimum=5),
    "LOCKOUT_FAILURES": env.int("ANZE_LOCKOUT_FAILURES", 5, minimum=1),
    "LOCKOUT_MINUTES": env.int("ANZE_LOCKOUT_MINUTES", 30, minimum=1),
    # Failed sign-ins from one client address within the lockout window before the address is throttled.
    "LOCKOUT_ADDRESS_FAILURES": env.int("ANZE_LOCKOUT_ADDRESS_FAILURES", 30, minimum=1),
    "SESSION_IDLE_MINUTES": env.int("ANZE_SESSION_IDLE_MINUTES", 30, minimum=1),
    "SESSION_ABSOLUTE_HOURS": env.int("ANZE_SESSION_ABSOLUTE_HOURS", 12, minimum=1),
    "ACCOUNT_IDLE_DAYS": env.int("ANZE_ACCOUNT_IDLE_DAYS", 90, minimum=1),
    "ADMIN_ALLOWED_NETWORKS": env.list("ANZE_ADMIN_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"]),
}
# The Cybersecurity Law keeps network logs at least six months: 184 days covers the longest six.
ANZE_AUDIT_MIN_RETENTION_DAYS = 184
ANZE_AUDIT_RETENTION_DAYS = env.int("ANZE_AUDIT_RETENTION_DAYS", 3650)
# The chain's witness outside the database (anze/audit/witness.py): where the signed head goes, how often.
ANZE_AUDIT_WITNESS_DIR = Path(env.str("ANZE_AUDIT_WITNESS_DIR", str(DATA_DIR / "audit-witness")))
ANZE_AUDIT_WITNESS_KEY_FILE = Path(env.str("ANZE_AUDIT_WITNESS_KEY_FILE", str(DATA_DIR / "audit_witness_key")))
ANZE_AUDIT_WITNESS_EMAILS = env.list("ANZE_AUDIT_WITNESS_EMAILS", [])
ANZE_AUDIT_WITNESS_HOURS = env.int("ANZE_AUDIT_WITNESS_HOURS", 24, minimum=1)
ANZE_AUDIT_TSA_URL = env.url("ANZE_AUDIT_TSA_URL", "", schemes=("http", "https"))
if ANZE_AUDIT_RETENTION_DAYS < ANZE_AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"ANZE_AUDIT_RETENTION_DAYS={ANZE_AUDIT_RETENTION_DAYS} keeps less than six months; "
        f"the law requires at least {ANZE_AUDIT_MIN_RETENTION_DAYS} days."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": ANZE_SECURITY["PASSWORD_MIN_LENGTH"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "anze.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": ANZE_SECURITY["PASSWORD_MIN_CLASSES"]},
    },
    {
        "NAME": "anze.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"history": ANZE_SECURITY["PASSWORD_HISTORY"]},
    },
]

# Sessions: server-side, idle and absolute limits enforced by SessionLimitsMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = ANZE_SECURITY["SESSION_ABSOLUTE_HOURS"] * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("ANZE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy (nginx) that sets X-Forwarded-Proto and appends to X-Forwarded-For. Off unless
# said: trusting these headers without a proxy would let any client forge its address and scheme.
BEHIND_PROXY = env.bool("ANZE_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
ANZE_PROXY_HOPS = env.int("ANZE_PROXY_HOPS", 1 if BEHIND_PROXY else 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ANZE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI writes <style> elements at run time; only its page may carry inline styles (never scripts).
ANZE_CSP_BY_PATH = {"/api/docs/": ANZE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")}

# Internationalisation: Simplified Chinese first, English too.
LANGUAGE_CODE = env.str("ANZE_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("ANZE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("ANZE_MEDIA_DIR", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "anze.core.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG

# Mail (notifications); nothing is sent unless a host is configured.
_mail_host = env.str("ANZE_EMAIL_HOST", "")
_mail_backend = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _mail_host
    else "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "anze.core.mail.UnconfiguredEmailBackend"
)
_mail_options = {
    "host": _mail_host,
    "port": env.int("ANZE_EMAIL_PORT", 25, minimum=1),
    "username": env.str("ANZE_EMAIL_USER", ""),
    "password": env.str("ANZE_EMAIL_PASSWORD", ""),
    "use_tls": env.bool("ANZE_EMAIL_USE_TLS", False),
    "use_ssl": env.bool("ANZE_EMAIL_USE_SSL", False),
}
DEFAULT_FROM_EMAIL = env.str("ANZE_EMAIL_FROM", "anze@localhost")
if django.VERSION >= (6, 1):
    # Django 6.1 configures mail through MAILERS; the EMAIL_* settings are deprecated there.
    MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options if _mail_host else {}}}
else:
    EMAIL_BACKEND = _mail_backend
    EMAIL_HOST = _mail_options["host"] or "localhost"
    EMAIL_PORT = _mail_options["port"]
    EMAIL_HOST_USER = _mail_options["username"]
    EMAIL_HOST_PASSWORD = _mail_options["password"]
    EMAIL_USE_TLS = _mail_options["use_tls"]
    EMAIL_USE_SSL = _mail_options["use_ssl"]

# Background jobs: Huey on SQLite by default, Redis when ANZE_REDIS_URL is set.
REDIS_URL = env.url("ANZE_REDIS_URL", "", schemes=("redis", "rediss", "unix"))
# Tests run jobs in the calling process; the topology tests turn this off to run real workers.
_huey_immediate = env.bool("ANZE_HUEY_IMMEDIATE", TESTING)
if REDIS_URL:
    # Several workers share the queue; each scheduled minute is enqueued once (anze/core/queue.py).
    HUEY = {
        "huey_class": "anze.core.queue.ClaimingRedisHuey",
        "name": "anze",
        "url": REDIS_URL,
        "immediate": _huey_immediate,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "anze",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": _huey_immediate,
    }

# Monitoring readings arrive over MQTT when ANZE_MQTT_URL is set (anze.monitoring.mqtt).
MQTT_URL = env.url("ANZE_MQTT_URL", "", schemes=("mqtt", "tcp"))
MQTT_PREFIX = env.str("ANZE_MQTT_PREFIX", "anze/v1")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "anze.accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["anze.core.api.permissions.RestrictedPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "anze.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "anze.core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Anze API",
    "DESCRIPTION": "安责: the work-safety responsibility plan as a live accountability system.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" field with different choices; name each enum after its TextChoices.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "anze.org.choices.UnitKind",
        "QuestionKindEnum": "anze.training.choices.QuestionKind",
        "RegionLevelEnum": "anze.org.choices.RegionLevel",
        "AlarmLevelEnum": "anze.monitoring.choices.AlarmLevel",
        "PlanLevelEnum": "anze.emergency.choices.PlanLevel",
        "StationLevelEnum": "anze.emergency.choices.StationLevel",
        "CommitteeKindEnum": "anze.org.choices.CommitteeKind",
        "CaseStatusEnum": "anze.supervision.choices.CaseStatus",
        "ExtensionStatusEnum": "anze.supervision.choices.ExtensionStatus",
        "CaseSourceEnum": "anze.supervision.choices.CaseSource",
        "EventKindEnum": "anze.supervision.choices.EventKind",
        "AssignmentStatusEnum": "anze.plans.choices.AssignmentStatus",
        "ImportStatusEnum": "anze.plans.choices.ImportStatus",
        "HiddenDangerStatusEnum": "anze.prevention.choices.HiddenDangerStatus",
        "DutyStatusEnum": "anze.duties.choices.DutyStatus",
        "OccurrenceStatusEnum": "anze.duties.choices.OccurrenceStatus",
        "DeliveryStatusEnum": "anze.supervision.choices.DeliveryStatus",
        "EnterpriseStatusEnum": "anze.enterprises.choices.EnterpriseStatus",
        "ComplianceStatusEnum": "anze.enterprises.choices.ComplianceStatus",
        "RuleSetStatusEnum": "anze.enterprises.choices.RuleSetStatus",
        "AccidentGradeEnum": "anze.enforcement.choices.AccidentGrade",
        "AccidentStatusEnum": "anze.enforcement.choices.AccidentStatus",
        "ReportLevelEnum": "anze.enforcement.choices.ReportLevel",
        "StepKindEnum": "anze.enforcement.choices.StepKind",
        "MisreportKindEnum": "anze.enforcement.choices.MisreportKind",
        "ListingStatusEnum": "anze.enforcement.choices.ListingStatus",
        "ListingRuleEnum": "anze.enforcement.choices.ListingRule",
        "UnitGroupRuleEnum": "anze.org.choices.UnitGroupRule",
        "InspectionStatusEnum": "anze.enforcement.choices.InspectionStatus",
        "PartyKindEnum": "anze.enforcement.choices.PartyKind",
        "CheckResultEnum": "anze.enforcement.choices.CheckResult",
        "FindingKindEnum": "anze.enforcement.choices.FindingKind",
        "HiddenDangerGradeEnum": "anze.prevention.choices.HiddenDangerGrade",
    },
}

# Plan documents (责任方案) larger than this are refused before they are read.
ANZE_PLAN_MAX_UPLOAD_MB = env.int("ANZE_PLAN_MAX_UPLOAD_MB", 20, minimum=1)
# 督办 messages that are not urgent wait out the night (local time, "" for none).
ANZE_SUPERVISION_QUIET_HOURS = env.str("ANZE_SUPERVISION_QUIET_HOURS", "22:00-07:00")
# The site's address as people reach it (https://anze.example.gov.cn): links in robot messages and emails.
ANZE_SITE_URL = env.url("ANZE_SITE_URL", "", schemes=("https", "http")).rstrip("/")
# Group-robot webhooks may post only to these hosts (host or host:port), over https; 政务钉钉, 专有钉钉 and
# intranet relays are added here. Private and loopback addresses need ANZE_WEBHOOK_ALLOW_PRIVATE as well.
ANZE_WEBHOOK_HOSTS = env.list("ANZE_WEBHOOK_HOSTS", ["oapi.dingtalk.com", "qyapi.weixin.qq.com"])
ANZE_WEBHOOK_ALLOW_PRIVATE = env.bool("ANZE_WEBHOOK_ALLOW_PRIVATE", False)
# A CA bundle (PEM) to trust instead of the system's, e.g. an intranet relay's own CA.
ANZE_WEBHOOK_CA_BUNDLE = env.str("ANZE_WEBHOOK_CA_BUNDLE", "")
# Messages per minute to one group robot; DingTalk and WeCom refuse more than 20.
ANZE_WEBHOOK_PER_MINUTE = env.int("ANZE_WEBHOOK_PER_MINUTE", 15, minimum=1)
# More than this many messages waiting for one channel go out as one digest listing them all.
ANZE_NOTICE_DIGEST_AFTER = env.int("ANZE_NOTICE_DIGEST_AFTER", 3, minimum=1)
# A batch (the items one duty confirmation made) that would open more 督办 cases than this in one run is
# held until the office releases or withdraws it: a brake for mistaken confirmations.
ANZE_SUPERVISION_CASE_BRAKE = env.int("ANZE_SUPERVISION_CASE_BRAKE", 20, minimum=1)

# Emergency capacity (anze.emergency): the road factor that turns a straight line into a road distance estimate,
# and how many days ahead batches, certificates and rescue agreements are announced before they expire.
ANZE_EMERGENCY_ROAD_FACTOR = env.str("ANZE_EMERGENCY_ROAD_FACTOR", "1.3")
try:
    if not 1 <= float(ANZE_EMERGENCY_ROAD_FACTOR) <= 3:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"ANZE_EMERGENCY_ROAD_FACTOR={ANZE_EMERGENCY_ROAD_FACTOR!r} is not a number from 1 to 3."
    ) from None
ANZE_EMERGENCY_BATCH_EXPIRY_DAYS = env.int("ANZE_EMERGENCY_BATCH_EXPIRY_DAYS", 30, minimum=1)
ANZE_EMERGENCY_CERTIFICATE_EXPIRY_DAYS = env.int("ANZE_EMERGENCY_CERTIFICATE_EXPIRY_DAYS", 60, minimum=1)
ANZE_EMERGENCY_AGREEMENT_EXPIRY_DAYS = env.int("ANZE_EMERGENCY_AGREEMENT_EXPIRY_DAYS", 30, minimum=1)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env.str("ANZE_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
