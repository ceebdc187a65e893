"""Django settings for OneWindow, read only from the variables declared in ``config.py``.

Empty database, broker and storage variables select the embedded profile (SQLite, a
folder queue, local files); setting them selects the production profile.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from onewindow import profiles
from onewindow.config import BASE_DIR, read_all

env = read_all()

VAR_DIR = Path(env["ONEWINDOW_VAR_DIR"])
if not VAR_DIR.is_absolute():
    VAR_DIR = BASE_DIR / VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {"default": profiles.database_settings(env, VAR_DIR)}
# Generated into VAR_DIR on SQLite only; with a database server it must be set (one key
# for every host), and an empty one stops the start here.
SECRET_KEY = profiles.secret_key(env, DATABASES["default"], VAR_DIR)
# Former keys, while what they signed expires (rotating the key: README, production).
SECRET_KEY_FALLBACKS = list(env["ONEWINDOW_SECRET_KEY_FALLBACKS"])
DEBUG = env["ONEWINDOW_DEBUG"]
# A demo, whose secrets ``manage.py demo_logins`` may print.
DEMO = env["ONEWINDOW_DEMO"]
ALLOWED_HOSTS = env["ONEWINDOW_ALLOWED_HOSTS"]
CSRF_TRUSTED_ORIGINS = env["ONEWINDOW_CSRF_TRUSTED_ORIGINS"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env["ONEWINDOW_SECURE_COOKIES"]
# Behind a TLS proxy that sets X-Forwarded-Proto (ONEWINDOW_PROXY_SSL_HEADER): links
# built from the request, such as a password reset's, then start https://.
SECURE_PROXY_SSL_HEADER = profiles.proxy_ssl_header(env)
# HSTS on answers over HTTPS (SecurityMiddleware), off unless set: once a browser has it,
# the site cannot go back to plain HTTP for that long. This host only, never
# includeSubDomains (nor preload): other sites under the city's domain, not ours to
# answer for, may still serve plain HTTP, and browsers would refuse them.
SECURE_HSTS_SECONDS = profiles.whole_number(env, "ONEWINDOW_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# The proxies whose X-Forwarded-For names the client (core.client_address), checked here.
TRUSTED_PROXIES = profiles.trusted_proxies(env)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): pages load scripts, styles, fonts and images from
# the site alone, so a text that slipped past escaping could not run a script or send
# data elsewhere. Style attributes stay allowed: the breadth page's bars set a width,
# and bpmn-js styles the SVG it draws. bpmn-js and Swagger UI draw icons from data: URLs.
# A response that sets its own (an attachment: "sandbox") keeps it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "onewindow.core.apps.OneWindowAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The code emailed when an officer first sets up an authenticator (two_factor).
    "django_otp.plugins.otp_email",
    "axes",
    # Its templates and static files: the API's docs page loads Swagger UI from our own
    # static files, not from a CDN (ninja renders its CDN page when it is not listed).
    "ninja",
    "onewindow.core",
    "onewindow.audit",
    "onewindow.identity",
    "onewindow.workdays",
    "onewindow.forms",
    "onewindow.workflow",
    "onewindow.catalog",
    "onewindow.notifications",
    "onewindow.cases",
    "onewindow.supervision",
]

MIDDLEWARE = [
    # First: every later part (axes, the audit trail, throttles) reads the client's address.
    "onewindow.core.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Under /api/ only: a HEAD is answered as its GET, the body (error shape included)
    # dropped last.
    "onewindow.core.api_head.ApiHeadMiddleware",
    # Under /api/ only, after the language is chosen: errors ninja's handlers do not
    # answer (405, Django's 500) in the API's error shape; a 204 without a body type.
    "onewindow.core.api_errors.ApiErrorMiddleware",
    # After the language is chosen: "Error:" before the title of a page sent back with
    # errors in its form.
    "onewindow.core.middleware.ErrorTitleMiddleware",
    # After the language is chosen, outside the API: a page for a page's empty 405.
    "onewindow.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known: a signed-in user's answers and the API's are not kept by
    # the browser (Back after logout on a shared terminal), unless the view said otherwise.
    "onewindow.core.cache_headers.PrivateAnswersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "onewindow.identity.middleware.OfficerTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onewindow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.core.context_processors.site",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "full_name", "email", "id_number"]},
    },
    {
        # Django's check in our words: its own message is English on Chinese pages.
        "NAME": "onewindow.identity.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link works for an hour (Django's default is three days): long enough for slow
# mail, short enough that an old message left in an inbox opens nothing.
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout (django-axes): failures counted per account, not per address, so a
# crowd behind one government NAT is not locked out by one person.
# Refused at start out of range: a limit below 1 locks every account at its next login,
# right password or not; a lock shorter than an hour would defeat the cap.
AXES_FAILURE_LIMIT = profiles.whole_number(env, "ONEWINDOW_LOCKOUT_FAILURES", 1, 100)
AXES_COOLOFF_TIME = profiles.whole_number(env, "ONEWINDOW_LOCKOUT_HOURS", 1, profiles.YEAR_HOURS)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onewindow.identity.lockout.locked_out_response"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "OneWindow"
# The emailed code of a first set-up: good for a quarter of an hour, a new one a minute
# after the last (django-otp's cooldown), wrong ones slowed down (its throttle).
OTP_EMAIL_TOKEN_VALIDITY = 15 * 60
API_TOKEN_HOURS = profiles.whole_number(env, "ONEWINDOW_API_TOKEN_HOURS", 1, profiles.YEAR_HOURS)
SWEEP_TIMER_HELPERS = profiles.whole_number(env, "ONEWINDOW_SWEEP_TIMER_HELPERS", 0, 100)
FILING_QUEUED = env["ONEWINDOW_FILING_QUEUED"]

LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = profiles.language_code(env, LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "onewindow" / "locale"]
TIME_ZONE = env["ONEWINDOW_TIME_ZONE"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

STORAGES = {
    "default": profiles.storage_settings(env),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}


globals().update(profiles.email_settings(env, VAR_DIR))
DEFAULT_FROM_EMAIL = env["ONEWINDOW_FROM_EMAIL"]
# Text messages: a dotted class path, or empty when none are sent (notifications.sms).
_sms = profiles.sms_settings(env, VAR_DIR)
SMS_BACKEND: str = _sms["SMS_BACKEND"]
SMS_FILE_PATH: Path = _sms["SMS_FILE_PATH"]

# Background work: Celery everywhere. The embedded profile uses kombu's folder
# transport, so `make demo` needs no broker server; production names Redis or RabbitMQ.
globals().update(profiles.broker_settings(env, VAR_DIR))
CACHES = profiles.cache_settings(env)
CELERY_TASK_ALWAYS_EAGER = env["ONEWINDOW_TASKS_EAGER"]
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A backstop, far above any task's work (a sweep's batch, a run's step): a prefork
# child still busy after it is killed, and its task acknowledged, not redelivered. What a
# process expression could hold it with in one C call is bounded before it runs
# (``workflow.sandbox_bounds``); this ends what those bounds miss.
CELERY_TASK_TIME_LIMIT = 600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "audit-verify-chain": {
        "task": "onewindow.audit.verify_chain",
        "schedule": 3600.0,
    },
    # Time limits: clock warnings and process timers (reminders, escalation). A minute's
    # run not started within the minute is dropped: the next one does its work (each
    # catches up), and while a long sweep runs (the first after midnight, ~1.6 min at a
    # million open tasks alone, under 1 with one helper: SWEEP_TIMER_HELPERS) stale
    # copies would otherwise pile up and take the worker's slots from email delivery.
    "workflow-sweep-time-limits": {
        "task": "onewindow.workflow.sweep_time_limits",
        "schedule": 60.0,
        "options": {"expires": 55.0},
    },
    # Starts the runs of cases filed queued (FILING_QUEUED) whose message was lost.
    "cases-start-overdue-runs": {
        "task": "onewindow.cases.start_overdue_runs",
        "schedule": 60.0,
        "options": {"expires": 55.0},
    },
    # Catches what a dead worker or a lost broker message left in the outbox.
    "notifications-deliver-pending": {
        "task": "onewindow.notifications.deliver_pending",
        "schedule": 60.0,
        "options": {"expires": 55.0},
    },
    "workdays-check-horizon": {
        "task": "onewindow.workdays.check_horizon",
        "schedule": 86400.0,
    },
    # Uploads whose row a rolled-back transaction took away (forms.orphans).
    "forms-remove-orphan-files": {
        "task": "onewindow.forms.remove_orphan_files",
        "schedule": 86400.0,
    },
}

# The onewindow loggers and failed requests on the console, each line with its time
# (ISO 8601, with the offset), level and logger; printed once in a Celery worker too.
LOGGING = profiles.logging_settings(env)

# Lockout is per account on purpose (see AXES_LOCKOUT_PARAMETERS above): many citizens
# share a few carrier-grade NAT addresses, and locking by address would lock them all.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
