"""`manage.py restore_drill DIRECTORY`: restore the latest backup into a new database, migrate it, check its row
counts, drop it (docs/operations.md). Exits non-zero when anything differs."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portland_site.backups import Database, latest_backup, restore_drill


def _migrate(url: str) -> None:
    # A process of its own, as a release runs it, so that this process's connections stay on the live database.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DATABASE_STATEMENT_TIMEOUT": "0"},
        check=True,
    )


class Command(BaseCommand):
    help = "Restore the latest backup in DIRECTORY into a new database, migrate it, compare row counts, drop it."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--keep", action="store_true", help="leave the restored database for a look")

    def handle(self, *args, directory: Path, keep: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("the drill restores a PostgreSQL backup: set DATABASE_URL")
        result = restore_drill(
            database=Database.from_settings(connection.settings_dict),
            backup=latest_backup(directory),
            migrate=_migrate,
            keep=keep,
        )
        if not result.passed:
            lines = [
                f"  {table}: {rows} in the backup, {restored} restored"
                for table, (rows, restored) in result.differences.items()
            ]
            raise CommandError("Restore drill FAILED: row counts differ\n" + "\n".join(lines))
        self.stdout.write(
            f"Restore drill passed: {result.backup.name} restored and migrated, {result.tables} tables, "
            f"{result.rows} rows, every count as in the backup"
        )
