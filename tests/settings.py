"""Test settings: production settings (DJANGO_DEBUG off) with fast password hashing and no manifest needed."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-9f2c1e7a4b6d8e0f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SITE_URL", "https://www.example.org")
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
