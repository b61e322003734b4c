import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from consultations import services
from consultations.models import ConsultationRequest, SpamReason, Status
from consultations.services import change_status, expected_call_by, submit_request
from tests.clinic_facts import set_opening_hours
from tests.factories import stored_request

pytestmark = pytest.mark.django_db
CROCKFORD_REFERENCE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{8}$")


def test_a_request_is_stored_as_given_with_a_readable_reference():
    now = timezone.now()
    request = submit_request(
        name="Anne-Marie",
        phone="+12075550142",
        call_times=["afternoons", "evenings"],
        voicemail_ok=False,
        email="am@example.org",
        request_for="someone_i_care_about",
        message="Hello",
        submission_token="token-1",
        now=now,
    )
    request.refresh_from_db()
    assert CROCKFORD_REFERENCE.match(request.reference)
    assert str(request) == request.reference_display == f"{request.reference[:4]}-{request.reference[4:]}"
    assert (request.call_mornings, request.call_afternoons, request.call_evenings) == (False, True, True)
    assert request.status == Status.NEW and request.spam_reason == ""
    assert request.created_at == request.privacy_notice_shown_at == now
    assert (request.name, request.phone, request.email, request.message) == (
        "Anne-Marie",
        "+12075550142",
        "am@example.org",
        "Hello",
    )
    assert request.duplicate_of is None and request.assigned_to is None


def test_references_differ():
    references = {stored_request().reference for _ in range(30)}
    assert len(references) == 30


def test_the_same_token_returns_the_first_request_and_stores_nothing_more():
    first = stored_request(submission_token="same", name="First")
    again = stored_request(submission_token="same", name="Second")
    assert again.pk == first.pk
    assert ConsultationRequest.objects.get().name == "First"


def test_a_reference_collision_is_retried(monkeypatch):
    taken = stored_request().reference
    codes = iter([taken, taken, "ABCD2345"])
    monkeypatch.setattr(services, "new_reference", lambda: next(codes))
    assert stored_request().reference == "ABCD2345"
    assert ConsultationRequest.objects.count() == 2


def test_endless_collisions_give_up_rather_than_loop(monkeypatch):
    taken = stored_request().reference
    monkeypatch.setattr(services, "new_reference", lambda: taken)
    with pytest.raises(RuntimeError, match="no free reference"):
        stored_request()
    assert ConsultationRequest.objects.count() == 1


def test_other_integrity_errors_are_not_taken_for_collisions():
    with pytest.raises(IntegrityError):
        stored_request(call_times=[])
    assert not ConsultationRequest.objects.exists()


def test_spam_is_stored_with_its_reason_and_never_linked_as_duplicate():
    stored_request(phone="+12075550100")
    spam = stored_request(phone="+12075550100", spam_reason=SpamReason.HONEYPOT)
    assert spam.status == Status.SPAM and spam.spam_reason == SpamReason.HONEYPOT
    assert spam.duplicate_of is None
    # Nor does spam count as an open request that a later one duplicates.
    assert stored_request(phone="+12075550111", spam_reason=SpamReason.TOO_FAST).status == Status.SPAM
    assert stored_request(phone="+12075550111").duplicate_of is None


def test_a_second_request_from_an_open_one_s_phone_is_linked_to_the_earliest():
    now = timezone.now()
    first = stored_request(now=now - timedelta(days=5))
    change_status(consultation_request=first, status=Status.ATTEMPTING_CONTACT)
    second = stored_request(now=now - timedelta(days=1))
    third = stored_request(now=now)
    assert second.duplicate_of == first
    assert third.duplicate_of == first
    assert set(first.duplicates.all()) == {second, third}


@pytest.mark.parametrize(
    ("earlier_status", "days_ago", "linked"),
    [
        (Status.NEW, 6.9, True),
        (Status.ATTEMPTING_CONTACT, 1, True),
        (Status.NEW, 7.1, False),
        (Status.CONSULTATION_SCHEDULED, 1, False),
        (Status.NOT_A_FIT, 1, False),
        (Status.CLOSED, 1, False),
        (Status.SPAM, 1, False),
    ],
)
def test_duplicates_are_linked_only_to_open_requests_of_the_last_seven_days(earlier_status, days_ago, linked):
    now = timezone.now()
    earlier = stored_request(now=now - timedelta(days=days_ago))
    if earlier_status != Status.NEW:
        change_status(consultation_request=earlier, status=earlier_status)
    later = stored_request(now=now)
    assert (later.duplicate_of == earlier) is linked
    assert stored_request(phone="+12075550199", now=now).duplicate_of is None


def test_change_status_notes_first_contact_and_closing():
    request = stored_request()
    start = timezone.now()
    change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, now=start)
    change_status(consultation_request=request, status=Status.CLOSED, now=start + timedelta(days=1))
    request.refresh_from_db()
    assert request.first_contacted_at == start
    assert request.closed_at == start + timedelta(days=1)
    change_status(consultation_request=request, status=Status.CONSULTATION_SCHEDULED, now=start + timedelta(days=2))
    request.refresh_from_db()
    assert request.first_contacted_at == start
    assert request.closed_at is None


def test_moving_a_request_out_of_spam_clears_its_spam_reason():
    request = stored_request(spam_reason=SpamReason.TOO_FAST)
    change_status(consultation_request=request, status=Status.NEW)
    request.refresh_from_db()
    assert request.status == Status.NEW and request.spam_reason == ""
    assert request.first_contacted_at is None


def test_expected_call_by_uses_the_clinic_hours_zone_and_setting(settings):
    set_opening_hours(9, 17)
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.CONSULTATION_CALLBACK_BUSINESS_HOURS = 2
    # Saturday 01:30 UTC is Friday 8:30 pm in Portland, Maine.
    due = expected_call_by(submitted_at=datetime(2026, 12, 5, 1, 30, tzinfo=ZoneInfo("UTC")))
    assert due == datetime(2026, 12, 7, 11, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_on_two_connections_stores_one_request():
    start = threading.Barrier(4)
    results = []

    def submit():
        try:
            start.wait()
            results.append(stored_request(submission_token="double-click").reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 4 and len(set(results)) == 1
    assert ConsultationRequest.objects.count() == 1
