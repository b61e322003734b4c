"""Migration 0015 gives the requests stored before `due_by` existed the time their call was due."""

import importlib

import pytest
import time_machine
from django.apps import apps as django_apps

from consultations.booking import new_change_link
from consultations.models import ConsultationRequest
from consultations.services import expected_call_by
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.factories import stored_request

pytestmark = pytest.mark.django_db

migration = importlib.import_module("consultations.migrations.0015_due_by_for_requests_stored_before_it_existed")
FRIDAY_EVENING = eastern(2026, 12, 4, 19)


@time_machine.travel(eastern(2026, 12, 7, 9), tick=False)
def test_requests_stored_before_due_by_get_the_time_the_form_would_have_promised():
    set_call_windows()
    booked = stored_request(
        phone="+12075550101", call_at=eastern(2026, 12, 8, 10), change_link_hash=new_change_link()[1]
    )
    old = stored_request(phone="+12075550102", now=FRIDAY_EVENING)
    promised = old.due_by
    ConsultationRequest.objects.update(due_by=None)  # as they were before migration 0008

    migration.fill_due_by(django_apps, None)

    old.refresh_from_db()
    booked.refresh_from_db()
    assert old.due_by == promised == expected_call_by(submitted_at=FRIDAY_EVENING)
    assert old.due_by.weekday() == 0, "Friday evening's request was due on Monday"
    assert booked.due_by is None, "a booked call's promise is its booking"
