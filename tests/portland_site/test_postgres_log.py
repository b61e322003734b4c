"""Patient data stays out of PostgreSQL's log (issue 22, item 4): values are bound on the server, so a statement
that fails reaches the server as $1, $2…, and `check --deploy` fails while the server would log values."""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from portland_site.checks import postgres_log_problems
from tests.clinic_facts import record_real_looking_facts
from tests.factories import stored_request
from tests.portland_site.conftest import QUIET
from tests.portland_site.test_settings import run_django
from tests.servers import database_url

POSTGRES_DEFAULTS = {**QUIET, "log_min_error_statement": "error", "log_error_verbosity": "default"}


def ids(log: dict, *, server_side_binding: bool = True) -> list[str]:
    return [problem.id for problem in postgres_log_problems(log, server_side_binding=server_side_binding)]


def test_the_settings_docs_deploy_gives_pass():
    assert ids(QUIET) == []


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        ({"log_error_verbosity": "default"}, ["portland_site.E010"]),
        ({"log_error_verbosity": "verbose"}, ["portland_site.E010"]),
        ({"log_min_error_statement": "error", "log_parameter_max_length_on_error": "-1"}, ["portland_site.E011"]),
        ({"log_min_error_statement": "warning", "log_parameter_max_length_on_error": "64"}, ["portland_site.E011"]),
        ({"log_statement": "all"}, ["portland_site.E012"]),
        ({"log_min_duration_statement": "0"}, ["portland_site.E012"]),
        (POSTGRES_DEFAULTS, ["portland_site.E010"]),
    ],
)
def test_each_setting_that_would_log_values_is_an_error(changed, expected):
    assert ids({**QUIET, **changed}) == expected


def test_failed_statements_may_be_logged_when_values_are_bound_on_the_server_but_not_otherwise():
    logged = {**QUIET, "log_min_error_statement": "error"}
    assert ids(logged, server_side_binding=True) == []
    assert ids(logged, server_side_binding=False) == ["portland_site.E011"]
    assert ids({**QUIET, "log_min_error_statement": "fatal"}, server_side_binding=False) == []


def test_values_are_bound_on_the_server():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True


def check_deploy_with(settings_of_the_database, log_settings: dict[str, str]):
    """`check --deploy` with real facts, against the test database with these logging settings of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's own settings: set DATABASE_URL (CI does)")
    record_real_looking_facts()
    settings_of_the_database(log_settings)
    return run_django(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], DATABASE_URL=database_url())


@pytest.mark.django_db(transaction=True)
def test_check_deploy_fails_while_postgres_would_log_values(postgres_database_settings):
    result = check_deploy_with(postgres_database_settings, POSTGRES_DEFAULTS)
    assert result.returncode != 0
    assert "portland_site.E010" in result.stderr and "log_error_verbosity" in result.stderr
    parameters = {"log_error_verbosity": "terse", "log_parameter_max_length_on_error": "-1"}
    result = check_deploy_with(postgres_database_settings, parameters)
    assert result.returncode != 0
    assert "portland_site.E011" in result.stderr and "portland_site.E010" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_check_deploy_passes_with_the_logging_docs_deploy_gives(postgres_database_settings):
    result = check_deploy_with(postgres_database_settings, QUIET)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_statement_that_fails_during_a_lock_reaches_the_server_without_the_persons_details(settings):
    """The audit's case: an INSERT waits for a lock until the statement timeout cancels it. What the server holds
    as the statement's text (pg_stat_activity, which its log writes for a failed statement) has $1…, not the
    name, phone number, email or message."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    locker = connections.create_connection("default")
    seen = {}
    try:
        with locker.cursor() as cursor:
            cursor.execute("BEGIN")
            # Reads go on; the INSERT waits.
            cursor.execute("LOCK TABLE consultations_consultationrequest IN SHARE MODE")

            def watch():
                watcher_connection = connections.create_connection("default")
                try:
                    for _ in range(50):
                        with watcher_connection.cursor() as watching:
                            watching.execute(
                                "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                "AND query LIKE %s AND datname = current_database()",
                                ["INSERT INTO%consultations_consultationrequest%"],
                            )
                            row = watching.fetchone()
                        if row:
                            seen["query"] = row[0]
                            return
                        time.sleep(0.1)
                finally:
                    watcher_connection.close()

            watcher = threading.Thread(target=watch)
            watcher.start()
            with connection.cursor() as cursor_of_the_site:
                cursor_of_the_site.execute("SET statement_timeout = 3000")
            with pytest.raises(OperationalError):
                stored_request(
                    name="Zebulon", phone="+12075550199", email="zeb@example.org", message="Xylophone lessons"
                )
            watcher.join()
            cursor.execute("ROLLBACK")
    finally:
        locker.close()
        connection.close()  # its session's statement timeout goes with it
    query = seen.get("query", "")
    assert "VALUES ($1" in query or "VALUES ($" in query, query
    for detail in ("Zebulon", "2075550199", "zeb@example.org", "Xylophone"):
        assert detail not in query
