"""consultations.promises: the queue, the dashboard and the manager's charts keep a request's promise by one rule."""

import pytest
import time_machine

from consultations.dashboard import triage_figures
from consultations.figures import request_timings
from consultations.models import CallOutcome, ConsultationRequest
from consultations.services import record_call_attempt
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.factories import stored_request

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0):
    return eastern(2026, 11, day, hour, minute)  # November 2026: Monday the 16th to Friday the 20th


def booked_on_monday_for_friday() -> ConsultationRequest:
    with time_machine.travel(at(16, 9), tick=False):
        set_call_windows(spans=((10, 12),))
        return stored_request(call_at=at(20, 10))  # Friday 10:00–10:30 am


def queue_says_overdue(request: ConsultationRequest, now) -> bool:
    return ConsultationRequest.objects.with_triage_figures(now).get(pk=request.pk).is_overdue


def charts_say_overdue(now) -> bool:
    [timing] = request_timings(received_from=at(16, 0), received_before=at(21, 0), now=now)
    return timing.went_overdue


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (at(18, 12), False),  # Wednesday: four opening hours after it arrived, long before the call
        (at(20, 10, 15), False),  # during the booked call
        (at(20, 10, 30), True),  # the call's end has passed and nobody has called
        (at(20, 16), True),
    ],
)
def test_the_queue_the_dashboard_and_the_charts_agree_on_a_call_booked_for_friday(now, overdue):
    request = booked_on_monday_for_friday()
    assert queue_says_overdue(request, now) is overdue
    assert (triage_figures(now).overdue == 1) is overdue
    assert charts_say_overdue(now) is overdue


def test_a_booked_call_made_at_its_time_is_within_the_promise_and_never_overdue(intake):
    request = booked_on_monday_for_friday()
    with time_machine.travel(at(20, 10, 5), tick=False):
        record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.REACHED)
    later = at(20, 16)
    [timing] = request_timings(received_from=at(16, 0), received_before=at(21, 0), now=later)
    assert timing.called_within_promise
    assert not timing.went_overdue
    assert not queue_says_overdue(request, later)


def test_a_request_without_a_booked_call_goes_overdue_after_four_opening_hours_everywhere():
    with time_machine.travel(at(16, 9), tick=False):
        request = stored_request()
    for now, overdue in ((at(16, 12, 59), False), (at(16, 13), True)):
        assert queue_says_overdue(request, now) is overdue
        assert charts_say_overdue(now) is overdue
