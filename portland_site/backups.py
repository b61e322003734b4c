"""Backups of the PostgreSQL database, and the drill that proves one restores (docs/operations.md).

A backup is two files: `ptc-<time>.dump`, pg_dump's custom format, and `ptc-<time>.counts.json`, the number of
rows of every table in the very same snapshot (pg_dump reads the snapshot the counting transaction exported), so
that a restore can be checked row for row. The drill restores the latest backup into a new database, migrates
it as a release would, compares the counts, and drops the database again.
"""

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

_DUMP_SUFFIX = ".dump"
_COUNTS_SUFFIX = ".counts.json"


@dataclass(frozen=True)
class Database:
    """Where a database is, as libpq's environment variables say it (pg_dump, pg_restore and psycopg share them)."""

    name: str
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Database":
        return cls(
            name=settings_dict["NAME"],
            host=settings_dict["HOST"] or "127.0.0.1",
            port=str(settings_dict["PORT"] or 5432),
            user=settings_dict["USER"] or "",
            password=settings_dict["PASSWORD"] or "",
        )

    def named(self, name: str) -> "Database":
        return Database(name=name, host=self.host, port=self.port, user=self.user, password=self.password)

    def environment(self) -> dict[str, str]:
        # The password goes to libpq in the environment, never on a command line that `ps` shows.
        return {
            **os.environ,
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.name,
        }

    def connect(self, *, autocommit: bool = False):
        """A connection of its own, outside Django's (and its deadlines), for work that takes minutes on a big
        database: creating one, counting every table."""
        return psycopg.connect(
            dbname=self.name,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            autocommit=autocommit,
        )

    @property
    def url(self) -> str:
        password = f":{self.password}" if self.password else ""
        return f"postgres://{self.user}{password}@{self.host}:{self.port}/{self.name}"


def _row_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def back_up(*, database: Database, directory: Path, now: datetime | None = None) -> Path:
    """Write a backup of `database` into `directory`; returns the dump's path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    dump = directory / f"ptc-{stamp}{_DUMP_SUFFIX}"
    connection = database.connect()
    try:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _row_counts(cursor)
            # --no-owner / --no-privileges: the dump restores under whatever role the restoring host uses.
            # PostgreSQL's own client, found on PATH as for psql; every argument is ours.
            subprocess.run(  # noqa: S603
                [  # noqa: S607
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=database.environment(),
                check=True,
            )
    finally:
        connection.close()
    dump.chmod(0o600)
    counts_file = dump.with_suffix(_COUNTS_SUFFIX)
    counts_file.write_text(json.dumps(counts, indent=1, sort_keys=True))
    counts_file.chmod(0o600)
    return dump


def latest_backup(directory: Path) -> Path:
    dumps = sorted(directory.glob(f"ptc-*{_DUMP_SUFFIX}"))
    if not dumps:
        raise FileNotFoundError(f"no backup (ptc-*{_DUMP_SUFFIX}) in {directory}")
    return dumps[-1]


@dataclass(frozen=True)
class DrillResult:
    backup: Path
    tables: int
    rows: int
    differences: dict[str, tuple[int, int | None]]  # table -> (rows in the backup's counts, rows restored)

    @property
    def passed(self) -> bool:
        return not self.differences


def restore_drill(*, database: Database, backup: Path, migrate, keep: bool = False) -> DrillResult:
    """Restore `backup` into a new database beside `database`, run `migrate(url)` on it, compare its row counts
    with the backup's, and drop it again (unless `keep`)."""
    expected = json.loads(backup.with_suffix(_COUNTS_SUFFIX).read_text())
    drill = database.named(f"{database.name}_drill_{datetime.now(UTC):%Y%m%d%H%M%S}")
    admin = database.named("postgres").connect(autocommit=True)
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(drill.name)))
        try:
            subprocess.run(  # noqa: S603 (PostgreSQL's own client; every argument is ours)
                [  # noqa: S607
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={drill.name}",
                    str(backup),
                ],
                env=drill.environment(),
                check=True,
            )
            migrate(drill.url)
            connection = drill.connect()
            try:
                with connection.cursor() as cursor:
                    restored = _row_counts(cursor)
            finally:
                connection.close()
        finally:
            if not keep:
                with admin.cursor() as cursor:
                    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(drill.name)))
    finally:
        admin.close()
    differences = {
        table: (rows, restored.get(table)) for table, rows in expected.items() if restored.get(table) != rows
    }
    return DrillResult(backup=backup, tables=len(expected), rows=sum(expected.values()), differences=differences)
