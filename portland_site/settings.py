"""Settings for the Portland Treatment Center site.

Everything comes from environment variables (see .env.example). Development defaults apply only while
DJANGO_DEBUG is on; with it off, a missing or weak secret key or empty allowed hosts stops start-up.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Development defaults: only ever used with DJANGO_DEBUG on.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105
_WEAK_KEY_MIN_LENGTH = 50
_WEAK_KEY_MIN_UNIQUE = 5


def _refuse(variable: str, problem: str) -> None:
    raise ImproperlyConfigured(f"{variable} {problem}. Set it in the environment (see .env.example).")


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _refuse("DJANGO_SECRET_KEY", "is missing and DJANGO_DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (
    len(SECRET_KEY) < _WEAK_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < _WEAK_KEY_MIN_UNIQUE
    or SECRET_KEY.startswith("django-insecure-")
):
    _refuse(
        "DJANGO_SECRET_KEY",
        f"is too weak (use at least {_WEAK_KEY_MIN_LENGTH} random characters, for example from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)",
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        _refuse("DJANGO_ALLOWED_HOSTS", "is empty and DJANGO_DEBUG is off")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portland_site.apps.StaffAdminConfig",
    # For its management commands (enrol_totp_device); it has no models.
    "portland_site",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "clinic",
    "pages",
    "consultations",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portland_site.middleware.SecurityHeadersMiddleware",
    # Below the security headers, so its page gets them too.
    "pages.middleware.MethodNotAllowedPageMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Visit-count beacons from people not signed in are answered here, as cheaply as a static file.
    "insights.views.BeaconMiddleware",
    # Below WhiteNoise, whose files are compressed at build time. Django pads each compressed body with random
    # bytes against BREACH, and its CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    # Below GZip, so the ETag is a hash of the uncompressed page; a match is answered with 304 Not Modified.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portland_site.middleware.RequestBodyLimitMiddleware",
    "portland_site.middleware.RefuseNulMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portland_site.urls"
WSGI_APPLICATION = "portland_site.wsgi.application"

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
                "pages.context_processors.site",
            ],
        },
    },
]

# Database: PostgreSQL in production, SQLite under var/ for the embedded default.
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///var/db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_name = Path(DATABASES["default"]["NAME"])
    if not _sqlite_name.is_absolute() and str(_sqlite_name) != ":memory:":
        DATABASES["default"]["NAME"] = BASE_DIR / _sqlite_name
        # So that every command works on a fresh clone, before anything has created var/.
        (BASE_DIR / _sqlite_name).parent.mkdir(parents=True, exist_ok=True)
    # Each transaction takes SQLite's write lock when it begins, so that two bookings of the last place are served
    # one after the other (PostgreSQL locks the call window's row instead: consultations/booking.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# How long a request waits for PostgreSQL, in seconds: to connect (and set the session up), and for a statement,
# which the server cancels after DATABASE_STATEMENT_TIMEOUT (0: no limit, e.g. for a long migration). The site
# gives up one second later still, for a server that can't even do that (see portland_site/database).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "portland_site.database"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    _options["options"] = (
        f"{_options.get('options', '')} -c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}".strip()
    )
    # Values are sent apart from the statement, so that a failed statement reaches the server's log as $1, $2…
    _options["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared cache: Redis when REDIS_URL is set (every host sees the same counters), local memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds to wait for Redis to connect or answer, after which the breaker skips it for a few seconds.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            # Behind a per-process circuit breaker: a Redis that hangs costs one timeout, then none for a while.
            "BACKEND": "portland_site.redis_cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ptc"),
            # Redis answers in well under a millisecond: a stalled one fails fast instead of holding a web worker.
            "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own copy of the editorial pages, in front of the shared cache (see pages/caching.py).
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
# Each process's own rate-limit counters, used only while the shared cache is down (portland_site/ratelimit.py).
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}

# Task queue: django-tasks with its database backend; the queue lives in our own database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Email: SMTP from EMAIL_URL in production, the console while developing.
# e.g. smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portland Treatment Center <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # for each reply of the SMTP server
# For a whole send, connecting to QUIT (portland_site/mail.py): a server answering each step just inside
# EMAIL_TIMEOUT can't stretch a send past a worker's lease on it.
EMAIL_SEND_TIMEOUT = env.float("EMAIL_SEND_TIMEOUT", default=30)
# The admin warns that staff emails are slow when the latest sends took this many seconds or more (a healthy send
# takes well under a second).
EMAIL_SLOW_SECONDS = env.float("EMAIL_SLOW_SECONDS", default=5)
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":  # noqa: F821 (set by env.email_url above)
    EMAIL_BACKEND = "portland_site.mail.EmailBackend"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The clinic. Its phone, address, hours, closures, team, costs and page reviews are data the Clinic manager keeps
# in the admin (the `pages` app); only its name and time zone are settings.
CLINIC_NAME = env.str("CLINIC_NAME", default="Portland Treatment Center")
CLINIC_TIME_ZONE = env.str("CLINIC_TIME_ZONE", default="America/New_York")

CONSULTATION_RETENTION_DAYS = env.int("CONSULTATION_RETENTION_DAYS", default=365)
CONSULTATION_SPAM_RETENTION_DAYS = env.int("CONSULTATION_SPAM_RETENTION_DAYS", default=30)
# No request is kept longer than this after it arrived, whatever its status (a request left open included).
CONSULTATION_MAX_RETENTION_DAYS = env.int("CONSULTATION_MAX_RETENTION_DAYS", default=730)
# The thanks page promises a call within this many hours of opening time.
CONSULTATION_CALLBACK_BUSINESS_HOURS = env.int("CONSULTATION_CALLBACK_BUSINESS_HOURS", default=4)
# A request still new after this many hours of opening time is overdue: in the staff queue and the morning digest.
CONSULTATION_SLA_BUSINESS_HOURS = env.int("CONSULTATION_SLA_BUSINESS_HOURS", default=4)
# Call-back requests accepted per client IP address (IPv6: per /64 network) in any hour.
CONSULTATION_RATE_LIMIT_PER_HOUR = env.int("CONSULTATION_RATE_LIMIT_PER_HOUR", default=5)
# Call times booked from one network a day: an IPv4 /24 or an IPv6 /48 (what one customer of a provider can get
# hold of). Past it, the person is asked to choose "as soon as you can" instead.
CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY = env.int("CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY", default=3)
# Moves and cancellations through the private links: per link in a day, and per client (IPv6: /64) in an hour.
CONSULTATION_CHANGES_PER_LINK_PER_DAY = env.int("CONSULTATION_CHANGES_PER_LINK_PER_DAY", default=6)
CONSULTATION_CHANGES_PER_CLIENT_PER_HOUR = env.int("CONSULTATION_CHANGES_PER_CLIENT_PER_HOUR", default=10)
# The booking breaker (consultations/booking.py): this many bookings in an hour, or BOOKING_BREAKER_FACTOR times
# the usual hourly rate if that is more, stops the offer of call times for BOOKING_PAUSE_HOURS.
BOOKING_BREAKER_FLOOR_PER_HOUR = env.int("BOOKING_BREAKER_FLOOR_PER_HOUR", default=8)
BOOKING_BREAKER_FACTOR = env.float("BOOKING_BREAKER_FACTOR", default=5.0)
BOOKING_PAUSE_HOURS = env.int("BOOKING_PAUSE_HOURS", default=6)
# The header in which our own proxy puts the client's address, e.g. X-Forwarded-For (its right-most entry is
# used: the one our proxy added). Empty: the address of the connection, for gunicorn facing the internet.
TRUSTED_PROXY_IP_HEADER = env.str("TRUSTED_PROXY_IP_HEADER", default="")
# The address gunicorn binds to (the Procfile's HOST), and whether a firewall lets only our proxy reach it: the
# deployment check warns when these and the header above disagree (portland_site/checks.py).
WEB_BIND_HOST = env.str("HOST", default="127.0.0.1")
PROXY_IS_ONLY_WAY_IN = env.bool("PROXY_IS_ONLY_WAY_IN", default=False)
# Staff emails about new requests go to the active members of the "Intake staff" group and to these addresses.
CONSULTATION_NOTIFY_EMAILS = env.list("CONSULTATION_NOTIFY_EMAILS", default=[])
# Staff emails: a temporary SMTP failure is retried after 1, 2, 4, 8... minutes (base, doubling, capped), and
# given up after this many attempts (the defaults add up to about 24 hours).
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
NOTIFICATION_RETRY_CAP_SECONDS = env.int("NOTIFICATION_RETRY_CAP_SECONDS", default=60 * 60)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=30)
# How long a worker may take to send one email before another worker may take it over (a killed worker).
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=120)
if NOTIFICATION_LEASE_SECONDS < 2 * EMAIL_SEND_TIMEOUT:
    # Shorter, and a second worker could take over an email the first is still sending: it would arrive twice.
    _refuse(
        "NOTIFICATION_LEASE_SECONDS",
        f"({NOTIFICATION_LEASE_SECONDS} s) must be at least twice EMAIL_SEND_TIMEOUT ({EMAIL_SEND_TIMEOUT:g} s), so "
        "that a worker always finishes a send, and records it, before another worker may take the email over",
    )
# How often each worker looks for emails that are due again or were abandoned.
NOTIFICATION_SWEEP_SECONDS = env.float("NOTIFICATION_SWEEP_SECONDS", default=30)
# Visit counts wait in Redis (or a process's memory) and are added to the daily tables this often, by the worker's
# clock: a Redis that restarts without its data loses at most this long of counts.
INSIGHTS_FLUSH_SECONDS = env.float("INSIGHTS_FLUSH_SECONDS", default=60)
# Referrers and campaign tags (source, campaign) given a row of their own each day, per kind; the rest are "other".
INSIGHTS_NEW_KEYS_PER_DAY = env.int("INSIGHTS_NEW_KEYS_PER_DAY", default=200)
# Referrer and campaign rows this old with a count below INSIGHTS_SMALL_ROW_COUNT are folded into "other".
INSIGHTS_SMALL_ROWS_AFTER_DAYS = env.int("INSIGHTS_SMALL_ROWS_AFTER_DAYS", default=90)
INSIGHTS_SMALL_ROW_COUNT = env.int("INSIGHTS_SMALL_ROW_COUNT", default=5)
# What each `run_worker` does on its own clock beside the task queue: (function, every so many seconds), first
# at start. Named here, not imported by the worker command, so that no app imports another for it.
WORKER_CLOCK = [
    ("consultations.outbox.sweep_notifications", NOTIFICATION_SWEEP_SECONDS),
    ("insights.aggregation.flush_counts", INSIGHTS_FLUSH_SECONDS),
    ("insights.aggregation.fold_small_counts", 24 * 60 * 60),
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = CLINIC_TIME_ZONE
USE_I18N = True
# One way of writing a date and time for staff (see portland_site/formats/en/formats.py).
FORMAT_MODULE_PATH = ["portland_site.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60  # unhashed files; hashed ones are cached forever by WhiteNoise

# Editorial pages may be cached by browsers and a CDN for this long.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. HTTPS is terminated by a proxy in front of gunicorn, which must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The form's own token lasts a day (consultations.forms.FORM_TOKEN_MAX_AGE) and each form page renews the cookie:
# no reason to leave a cookie from the clinic's site in a browser for Django's default year.
CSRF_COOKIE_AGE = 24 * 60 * 60
CSRF_FAILURE_VIEW = "pages.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP by load balancers inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: everything from our own origin, nothing inline, nothing from anywhere else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# Browser features no page of ours uses, switched off for the page and anything it could embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
# Nothing we accept is larger than a short form; bigger bodies get a 400 page, not a slow parse, before they are read
# (portland_site/middleware.py)...
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# ...except on the staff admin's forms that take a file: the team photo form takes a photo of up to
# PHOTO_UPLOAD_MAX_BYTES, with its other fields. URL name: the most its body may be.
PHOTO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_FORMS = {
    "admin:clinic_teammember_add": PHOTO_UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE,
    "admin:clinic_teammember_change": PHOTO_UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE,
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Staff sign-in (see "Staff sign-in" in README.md).
# Two-factor sign-in to the admin: a code from an authenticator app (TOTP) after the password. Always on in
# production; off by default with DJANGO_DEBUG so that the `make run` demo login works without a device.
ADMIN_TWO_FACTOR = env.bool("ADMIN_TWO_FACTOR", default=not DEBUG)
if not DEBUG and not ADMIN_TWO_FACTOR:
    _refuse("ADMIN_TWO_FACTOR", "is off and DJANGO_DEBUG is off; two-factor sign-in is required in production")
OTP_TOTP_ISSUER = CLINIC_NAME
# Whoever sees a device's secret can make its codes: the admin never shows it once the device exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one username from one address lock that pair out for an hour. Attempts live in the
# database so that every web host sees them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "portland_site.staff_admin.client_ip_address"
AXES_RESET_ON_SUCCESS = True
# A locked-out pair's further attempts are refused without being recorded: recording them would renew the lockout
# and append each POST to the attempt row, letting anyone grow the table. Attempts past the cool-off are deleted
# nightly by purge_requests (portland_site/housekeeping.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins (django-axes' access log: who, when, address, browser) are kept this many days.
STAFF_SIGN_IN_LOG_DAYS = env.int("STAFF_SIGN_IN_LOG_DAYS", default=90)
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Sign-in POSTs accepted from one client address (IPv6: one /48) in each period, counted in the shared cache
# before any password is checked: random usernames never lock, yet each attempt costs a password hash.
ADMIN_SIGN_IN_LIMIT = env.int("ADMIN_SIGN_IN_LIMIT", default=30)
ADMIN_SIGN_IN_LIMIT_SECONDS = env.int("ADMIN_SIGN_IN_LIMIT_SECONDS", default=10 * 60)
# Attempts on one account from anywhere in that period, and password checks of the whole site a minute and at once
# (a second at the same moment is asked to try again in a few seconds): hashing from many addresses must not take
# the CPU the public pages need (docs/security.md).
ADMIN_SIGN_IN_ACCOUNT_LIMIT = env.int("ADMIN_SIGN_IN_ACCOUNT_LIMIT", default=10)
ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE = env.int("ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE", default=20)
ADMIN_SIGN_IN_CONCURRENT = env.int("ADMIN_SIGN_IN_CONCURRENT", default=1)
# Attempt records and logs keep the sign-in form's fields except these (the password is never kept).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]
# Only staff have sessions. They end after 30 minutes without a staff page view (see StaffAdminSite.admin_view)
# and when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Who is told when a page fails (a 500), by email through the staff-email outbox, without personal data
# (consultations/error_reports.py): comma-separated addresses.
ADMINS = [(address, address) for address in env.list("DJANGO_ADMINS", default=[])]
# An error tracker (sentry-sdk), off unless its DSN is set; events carry no request body, cookie, query string,
# header or variable, and every string is scrubbed (portland_site/error_reports.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portland_site.error_reports import start_error_tracker

    start_error_tracker(SENTRY_DSN)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"hide_private_links": {"()": "portland_site.log_filters.HidePrivateLinks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["hide_private_links"]},
        "error_reports": {"class": "consultations.error_reports.OutboxErrorHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Not Django's default mail_admins handler, which would email ADMINS the request's body, cookies and query
        # string: errors reach ADMINS through error_reports below. To the root's console, as everything else.
        "django": {"handlers": [], "level": "INFO"},
        # Request logs would carry query strings; errors are still logged by django.request.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # The handler takes errors only; the logger still passes 404s and the rest on to the console.
        "django.request": {"handlers": ["error_reports"]},
    },
}
