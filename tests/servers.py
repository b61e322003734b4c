"""The test database for processes a test starts (gunicorn, workers): their servers are in harness/."""

from urllib.parse import quote

from django.db import connection


def database_url(*, port: int | None = None) -> str:
    """The test database (pytest-django's test_<name> on PostgreSQL, a file on SQLite) as a DATABASE_URL; with
    `port`, PostgreSQL reached on that loopback port instead (a fault-injecting proxy's)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = ("127.0.0.1", port) if port else (db["HOST"] or "127.0.0.1", db["PORT"] or 5432)
    return f"postgres://{quote(db['USER'])}{password}@{host}:{port}/{db['NAME']}"
