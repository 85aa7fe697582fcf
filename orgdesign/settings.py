"""Settings for orgdesign, read from the environment.

Every value that differs between a laptop and production comes from an environment
variable (see `.env.example`). Production is safe by default: DEBUG is off unless asked
for, and with DEBUG off the secure cookie and HTTPS settings are on.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A development key is only accepted while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_htmx",
    "orgdesign",
    "departments",
    "positions",
    "appraisal",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "orgdesign.audit.AuditSourceMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orgdesign.urls"

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
                "orgdesign.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "orgdesign.wsgi.application"

# SQLite file under var/ by default; DATABASE_URL=postgres://... in production and CI.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'orgdesign.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep files locked in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "orgdesign.security.LoginAttemptBackend",  # axes: refuses locked logins
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Failed logins (django-axes; orgdesign/security.py). After AXES_FAILURE_LIMIT failures of one username from one
# address, that username is locked from that address: for AXES_COOLOFF_MINUTES the first time, twice as long for
# each earlier lock of the pair within a day, at most AXES_COOLOFF_MAX_MINUTES. HR can unlock sooner (admin
# "Access attempts", or `manage.py axes_reset_username NAME`). The browser logins and POST /api/v1/auth/token/
# follow the same rules.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "orgdesign.security.cool_off"
AXES_COOLOFF_FIRST = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "5")))
AXES_COOLOFF_MAX = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MAX_MINUTES", str(24 * 60))))
AXES_COOLOFF_MEMORY = datetime.timedelta(days=1)  # earlier locks within this long make the next one longer
AXES_USE_ATTEMPT_EXPIRATION = True  # each pair's failures expire on their own, not at another pair's cool-off
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # its rows marked "locked out" are the record of earlier locks
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends on time, whatever is tried meanwhile
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "orgdesign.security.lockout_response"
# The client's address is REMOTE_ADDR; X-Forwarded-For is read only when REMOTE_ADDR is one of these proxies
# (comma-separated addresses or networks, e.g. "10.0.0.5,192.168.10.0/24"); the API throttle uses it too.
AXES_CLIENT_IP_CALLABLE = "orgdesign.security.client_ip"
TRUSTED_PROXIES = [str(ipaddress.ip_network(proxy, strict=False)) for proxy in env_list("TRUSTED_PROXIES")]

# Spreadsheet imports: the largest file accepted, and where uploads wait between check and apply.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "20")) * 1024 * 1024
# How far reading one upload may go (orgdesign/spreadsheet.py): rows in all its sheets, megabytes its workbook
# unpacks to, seconds. 10,000 positions with 12,000 people are 133,000 rows and 53 MB unpacked, read in 15-35 s.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "300000"))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "200")) * 1024 * 1024
IMPORT_MAX_SECONDS = int(os.environ.get("IMPORT_MAX_SECONDS", "60"))

# Backups (`manage.py backup`) keep times to the microsecond.
SERIALIZATION_MODULES = {"backup": "orgdesign.backup_format"}

# The description check flags a published description older than this for review.
DESCRIPTION_MAX_AGE_DAYS = int(os.environ.get("DESCRIPTION_MAX_AGE_DAYS", "365"))

# Appeals: how long after a cycle closes a result can be appealed (unless the cycle sets its own
# deadline), and how long after filing an appeal is due to be decided.
APPEAL_DAYS = int(os.environ.get("APPEAL_DAYS", "14"))
APPEAL_DECISION_DAYS = int(os.environ.get("APPEAL_DECISION_DAYS", "14"))
IMPORT_FOLDER = BASE_DIR / "var" / "imports"

# Only our own files: no inline script, no other origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language follows the browser (Accept-Language) and can be switched (set_language view).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language picked in the switch is remembered for a year (a browser-session cookie by default).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Only the server reads it (the switch is a form), so scripts cannot; sent over HTTPS only in production.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgdesign.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["orgdesign.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "orgdesign.api.renderers.Negotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "orgdesign.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "orgdesign.api.pagination.OrgPagination",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["orgdesign.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_RATE", "6000/min")},
}

# The API's schema (/api/schema/) and docs page (/api/docs/) need a login unless this is set.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "orgdesign API",
    "DESCRIPTION": "The organisation (units, positions, people, descriptions) and its appraisals.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "departments.choices.DepartmentKind",
        "IndicatorKindEnum": "appraisal.choices.IndicatorKind",
        "CycleStateEnum": "appraisal.choices.CycleState",
        "AppraisalStateEnum": "appraisal.choices.AppraisalState",
        "KpiSetStatusEnum": "appraisal.choices.KpiSetStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "orgdesign.api.schema.add_error_answers",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Production hardening; all of it switches on when DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
