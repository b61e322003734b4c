import pytest
from django.db import IntegrityError, transaction

from consultations.models import CallTime, ConsultationRequest, Status
from tests.factories import stored_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change",
    [
        {"status": "archived"},
        {"status": ""},
        {"request_for": "a friend"},
        {"spam_reason": "honeypot"},  # spam reasons belong to spam only
        {"status": Status.SPAM, "spam_reason": "looked odd"},
        {"call_mornings": False},
    ],
)
def test_the_database_refuses_values_outside_the_choices(change):
    request = stored_request(call_times=["mornings"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequest.objects.filter(pk=request.pk).update(**change)


def test_staff_see_north_american_numbers_in_national_format_and_others_with_their_country_code():
    assert stored_request(phone="+12075550142").phone_display == "(207) 555-0142"
    assert stored_request(phone="+442079460958").phone_display == "+44 20 7946 0958"


def test_call_times_read_back_in_order():
    request = stored_request(call_times=["evenings", "mornings"])
    assert request.call_times == [CallTime.MORNINGS, CallTime.EVENINGS]
