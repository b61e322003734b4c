"""People in separate processes taking the last places of one call time at once (issue 12): the database decides,
exactly as many get it as there are places, the others are told, and nothing else goes wrong."""

import multiprocessing
import secrets

import pytest
from django.db import connection, connections

from consultations.booking import TimeTaken, new_change_link, open_call_times
from consultations.models import Booking, ConsultationRequest
from tests.consultations.booking_helpers import set_call_windows
from tests.factories import stored_request

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]
PEOPLE = 12
PLACES = 3


def _book(starts_at, start, results, person):
    # A forked process: its own connection to PostgreSQL, opened on first use.
    try:
        start.wait(timeout=30)
        stored_request(
            call_at=starts_at,
            change_link_hash=new_change_link()[1],
            phone=f"+1207555{person:04d}",
            submission_token=secrets.token_urlsafe(16),
        )
        results.put("booked")
    except TimeTaken:
        results.put("taken")
    except Exception as error:  # noqa: BLE001 (any other outcome is the failure this test looks for)
        results.put(f"{type(error).__name__}: {error}")
    finally:
        connections.close_all()


def test_concurrent_processes_book_exactly_the_places_there_are():
    # Calls every half hour of every day, so that a time soon after now is open whenever the test runs.
    set_call_windows(places=PLACES, notice_hours=0, spans=((0, 23),), weekdays=range(7))
    starts_at = open_call_times()[0].slots[-1].starts_at
    connections.close_all()  # never share a connection across fork
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PEOPLE), context.Queue()
    processes = [context.Process(target=_book, args=(starts_at, start, results, n)) for n in range(PEOPLE)]
    for process in processes:
        process.start()
    outcomes = sorted(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    assert outcomes == ["booked"] * PLACES + ["taken"] * (PEOPLE - PLACES)
    assert Booking.objects.filter(starts_at=starts_at).count() == PLACES
    assert ConsultationRequest.objects.count() == PLACES
