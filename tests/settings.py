"""Test settings: production settings (DJANGO_DEBUG off) with fast password hashing and no manifest needed."""

import os

# Every setting a test relies on, whatever the developer's shell says (a CONSULTATION_RATE_LIMIT_PER_HOUR exported
# for trying the site out must not change what the tests see). Only where the tests run stays the shell's: DATABASE_URL,
# REDIS_URL, CACHE_KEY_PREFIX. A process a test starts (a worker) inherits these and keeps the changes that test
# made on top of them, so it does not pin again.
PINNED = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "tests-only-9f2c1e7a4b6d8e0f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "SITE_URL": "https://www.example.org",
    "ADMIN_URL": "admin/",
    "ADMIN_TWO_FACTOR": "1",
    "ADMIN_SIGN_IN_LIMIT": "30",
    "ADMIN_SIGN_IN_LIMIT_SECONDS": "600",
    "EMAIL_URL": "consolemail://",
    "EMAIL_TIMEOUT": "10",
    "EMAIL_SEND_TIMEOUT": "30",
    "EMAIL_SLOW_SECONDS": "5",
    "DATABASE_CONN_MAX_AGE": "60",
    "DATABASE_CONNECT_TIMEOUT": "3",
    "DATABASE_STATEMENT_TIMEOUT": "5",
    "DEFAULT_FROM_EMAIL": "Portland Treatment Center <no-reply@localhost>",
    "CLINIC_NAME": "Portland Treatment Center",
    "CLINIC_TIME_ZONE": "America/New_York",
    "CONSULTATION_RETENTION_DAYS": "365",
    "CONSULTATION_SPAM_RETENTION_DAYS": "30",
    "CONSULTATION_CALLBACK_BUSINESS_HOURS": "4",
    "CONSULTATION_SLA_BUSINESS_HOURS": "4",
    "CONSULTATION_RATE_LIMIT_PER_HOUR": "5",
    "CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY": "3",
    "CONSULTATION_CHANGES_PER_LINK_PER_DAY": "6",
    "CONSULTATION_CHANGES_PER_CLIENT_PER_HOUR": "10",
    "BOOKING_BREAKER_FLOOR_PER_HOUR": "8",
    "BOOKING_BREAKER_FACTOR": "5",
    "BOOKING_PAUSE_HOURS": "6",
    "CONSULTATION_NOTIFY_EMAILS": "",
    "TRUSTED_PROXY_IP_HEADER": "",
    "NOTIFICATION_RETRY_BASE_SECONDS": "60",
    "NOTIFICATION_RETRY_CAP_SECONDS": "3600",
    "NOTIFICATION_MAX_ATTEMPTS": "30",
    "NOTIFICATION_LEASE_SECONDS": "120",
    "NOTIFICATION_SWEEP_SECONDS": "30",
    "PAGE_CACHE_SECONDS": "600",
    # Production waits 0.25 s for Redis; on a test machine shared by many runs Redis can take longer than that, and
    # a breaker that opens mid-test changes what unrelated tests see. The outage tests set 0.25 s themselves.
    "REDIS_SOCKET_TIMEOUT": "1",
    # A process without Redis flushes its own visit counts from a thread this often: never during a test.
    "INSIGHTS_FLUSH_SECONDS": "3600",
    "INSIGHTS_NEW_KEYS_PER_DAY": "200",
    "INSIGHTS_SMALL_ROWS_AFTER_DAYS": "90",
    "INSIGHTS_SMALL_ROW_COUNT": "5",
    "LOG_LEVEL": "INFO",
}
if os.environ.get("PTC_TEST_SETTINGS") != "pinned":
    os.environ.update(PINNED)
    os.environ["PTC_TEST_SETTINGS"] = "pinned"
# Keys of their own, shared with the processes the tests start, so runs sharing a Redis don't meet.
os.environ.setdefault("CACHE_KEY_PREFIX", f"ptc-test-{os.getpid()}")

from portland_site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # files come from the finders; nothing is collected for tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: worker processes started by the delivery tests open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405
