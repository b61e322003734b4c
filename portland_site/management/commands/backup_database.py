"""`manage.py backup_database DIRECTORY`: a pg_dump of the site's database and its row counts (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portland_site.backups import Database, back_up


class Command(BaseCommand):
    help = "Write ptc-<time>.dump (pg_dump, custom format) and its row counts into DIRECTORY."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if connection.vendor != "postgresql":
            raise CommandError("backups are for PostgreSQL (DATABASE_URL); the embedded SQLite is a file to copy")
        dump = back_up(database=Database.from_settings(connection.settings_dict), directory=directory)
        self.stdout.write(f"Backup written: {dump} ({dump.stat().st_size} bytes) and its row counts")
