"""A double click racing on two connections raises no database error at all (issue 13, item 2).

PostgreSQL writes every failing statement to its server log, with the values as literals: a unique violation
on the submission token would put the person's name, phone, email and message there.
"""

import threading

import pytest
from django.db import connection

from consultations.models import ConsultationRequest
from tests.factories import stored_request

pytestmark = [
    pytest.mark.slow,  # threads racing to send one form
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]
THREADS = 6
ROUNDS = 5


def test_racing_submissions_of_one_form_cause_no_database_error():
    errors = []

    def record_errors(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {sql[:60]}")
            raise

    for round_number in range(ROUNDS):
        start = threading.Barrier(THREADS)
        references = []

        def submit(token=f"double-click-{round_number}", start=start, references=references):
            try:
                with connection.execute_wrapper(record_errors):
                    start.wait()
                    references.append(stored_request(name="Zoë", submission_token=token).reference)
            finally:
                connection.close()

        threads = [threading.Thread(target=submit) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(references) == THREADS and len(set(references)) == 1
    assert ConsultationRequest.objects.count() == ROUNDS
    assert errors == []
