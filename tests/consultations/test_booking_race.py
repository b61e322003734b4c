"""People in separate processes taking the last places of one call time at once (issue 12): the database decides,
exactly as many get it as there are places, the others are told, and nothing else goes wrong."""

import multiprocessing

import pytest
from django.db import connection

from consultations.booking import open_call_times
from consultations.models import Booking, ConsultationRequest
from tests.consultations.booking_helpers import set_call_windows
from tests.consultations.booking_race_person import book

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]
PEOPLE = 12
PLACES = 3
ROUNDS = 4


def test_concurrent_processes_book_exactly_the_places_there_are(monkeypatch):
    # The people's processes read the settings afresh: the breaker (issue 22) must not stop this many bookings.
    monkeypatch.setenv("BOOKING_BREAKER_FLOOR_PER_HOUR", "1000")
    # Calls every half hour of every day, so that times soon after now are open whenever the test runs.
    set_call_windows(places=PLACES, notice_hours=0, spans=((0, 23),), weekdays=range(7))
    times = [slot.starts_at for slot in open_call_times()[1].slots[:ROUNDS]]  # tomorrow's first calls
    # Fresh interpreters ("spawn"), not forks: a fork would inherit this process's open connections.
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(PEOPLE), context.Queue()
    name = connection.settings_dict["NAME"]
    processes = [context.Process(target=book, args=(name, times, n, start, results)) for n in range(PEOPLE)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in range(PEOPLE * ROUNDS)]
    for process in processes:
        process.join(timeout=30)
    for round_number, starts_at in enumerate(times):
        in_round = sorted(outcome for number, outcome in outcomes if number == round_number)
        assert in_round == ["booked"] * PLACES + ["taken"] * (PEOPLE - PLACES), (round_number, outcomes)
        assert Booking.objects.filter(starts_at=starts_at).count() == PLACES
    assert ConsultationRequest.objects.count() == PLACES * ROUNDS
