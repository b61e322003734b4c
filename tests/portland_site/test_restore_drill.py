"""The backup and the restore drill of docs/operations.md, run on the (small) test database."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consultations.models import ConsultationRequest
from tests.factories import stored_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL: set DATABASE_URL (CI does)")


def test_a_backup_restores_migrates_and_has_every_row(postgresql, tmp_path, capsys):
    for number in range(3):
        stored_request(phone=f"+1207555010{number}")
    call_command("backup_database", tmp_path)
    [dump] = tmp_path.glob("ptc-*.dump")
    counts = json.loads(dump.with_suffix(".counts.json").read_text())
    assert counts["consultations_consultationrequest"] == ConsultationRequest.objects.count() == 3
    assert oct(dump.stat().st_mode & 0o777) == "0o600", "a backup holds personal data: only its owner reads it"

    call_command("restore_drill", tmp_path)
    out = capsys.readouterr().out
    assert "Restore drill passed" in out and f"{sum(counts.values())} rows" in out
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s", [f"{connection.settings_dict['NAME']}_drill_%"]
        )
        assert cursor.fetchone() == (0,), "the drill's database is dropped"


def test_the_drill_fails_when_a_count_differs(postgresql, tmp_path):
    stored_request(phone="+12075550109")
    call_command("backup_database", tmp_path)
    [counts_file] = tmp_path.glob("ptc-*.counts.json")
    counts = json.loads(counts_file.read_text())
    counts["consultations_consultationrequest"] += 1  # as if a row had not come back
    counts_file.write_text(json.dumps(counts))
    with pytest.raises(CommandError, match="consultations_consultationrequest: 2 in the backup, 1 restored"):
        call_command("restore_drill", tmp_path)
