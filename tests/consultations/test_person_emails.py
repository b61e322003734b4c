"""The person's own email about their booked call (issue 24): asked for on the form, sent through the same outbox
as staff emails, discreet in its sender and subject, carrying a private link of its own; another when the clinic
moves the call; and who will call, from a clinic fact."""

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase

from clinic.facts import facts_changed
from clinic.models import ContactDetails
from consultations.models import Booking, ConsultationRequest, NotificationKind, NotificationStatus, StaffNotification
from consultations.outbox import deliver_notification
from consultations.services import erase_personal_data, move_booked_call
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.consultations.conftest import FORM_URL, THANKS_URL, soup
from tests.consultations.test_booking_pages import MONDAY_9AM, TUESDAY_10AM, choose, text
from tests.factories import staff_member

pytestmark = pytest.mark.django_db

ADDRESS = "zoe.private@example.net"
# Words an inbox or a lock screen must not show: what the clinic does, or who the person is.
REVEALING = ("benzodiazepine", "treatment", "taper", "clinic", "portland", "withdrawal", "zoë", "zoe")


@pytest.fixture
def monday_morning():
    with time_machine.travel(MONDAY_9AM, tick=False):
        set_call_windows(places=1)
        yield


def book_with_email(client, **overrides) -> ConsultationRequest:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(FORM_URL, choose(TUESDAY_10AM, email=ADDRESS, email_me="on", **overrides))
    assert response.status_code == 303
    return ConsultationRequest.objects.get(booking__starts_at=TUESDAY_10AM)


def person_emails(kind: NotificationKind) -> list[StaffNotification]:
    return list(StaffNotification.objects.filter(kind=kind))


def deliver(notification: StaffNotification) -> mail.EmailMessage:
    assert deliver_notification(notification_id=notification.pk) == "sent"
    return mail.outbox[-1]


def test_a_person_who_asks_gets_one_discreet_email_with_the_time_and_a_link_that_works(client, monday_morning):
    stored = book_with_email(client)
    (notification,) = person_emails(NotificationKind.CALL_BOOKED)
    assert notification.recipient == ""  # the address stays on the request only, so erasing it leaves no copy
    message = deliver(notification)
    assert message.to == [ADDRESS]
    assert message.from_email.startswith('"Call booking" <') or message.from_email.startswith("Call booking <")
    assert message.subject == "Your phone call is booked"
    body = message.body
    assert "We will call you on Tuesday, December 8, 10:00–10:30 am Eastern." in body
    assert stored.reference_display in body
    for word in REVEALING:
        assert word not in f"{message.from_email} {message.subject} {body}".lower(), word
    link = re.search(r"https?://\S+/your-call/\S+/", body).group(0)
    # A second link to the same call: the thanks page's own still works too.
    page = Client().get(urlsplit(link).path, follow=True)
    assert page.status_code == 200 and "Tuesday, December 8, 10:00–10:30 am Eastern" in text(page)
    assert Booking.objects.get().email_link_hash not in body
    # The thanks page says it is coming.
    assert "we are also emailing it to you" in text(client.get(THANKS_URL))


def test_no_email_unless_asked_for_with_an_address_and_a_chosen_time(client, monday_morning):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(FORM_URL, choose(TUESDAY_10AM, email=ADDRESS))
        asap = choose(TUESDAY_10AM, email=ADDRESS, email_me="on", when="asap", call_at="", call_times=["mornings"])
        client.post(FORM_URL, asap)
    assert ConsultationRequest.objects.count() == 2
    assert not person_emails(NotificationKind.CALL_BOOKED)
    refused = client.post(FORM_URL, choose(eastern(2026, 12, 8, 11), email="", email_me="on"))
    assert refused.status_code == 200
    assert "Enter your email address to get the email, or untick this box" in text(refused)
    assert soup(refused).find(id="id_email_me")["aria-invalid"] == "true"
    assert ConsultationRequest.objects.count() == 2


def test_when_staff_move_the_call_the_person_gets_one_short_message_and_the_page_shows_it(client, monday_morning):
    book_with_email(client)
    booking = Booking.objects.get()
    link = soup(client.get(THANKS_URL)).find("a", attrs={"data-keep-link": True})["href"]
    # The person moving it themselves sees it on the page: no email.
    move_booked_call(booking=booking, starts_at=eastern(2026, 12, 8, 11), by=None)
    assert not person_emails(NotificationKind.CALL_MOVED)
    with TestCase.captureOnCommitCallbacks(execute=True):
        move_booked_call(booking=booking, starts_at=eastern(2026, 12, 9, 10), by=staff_member("intake"))
    (notification,) = person_emails(NotificationKind.CALL_MOVED)
    message = deliver(notification)
    assert message.subject == "Your phone call has a new time"
    assert "We have had to move your phone call. We will call you on Wednesday, December 9" in message.body
    assert "Wednesday, December 9, 10:00–10:30 am Eastern" in text(client.get(link, follow=True))


def test_an_email_to_a_cancelled_call_or_an_erased_address_is_not_sent(client, monday_morning):
    stored = book_with_email(client)
    erase_personal_data(consultation_request=stored, by=staff_member("manager"))
    (notification,) = person_emails(NotificationKind.CALL_BOOKED)
    assert deliver_notification(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and "not sent" in notification.last_error.lower()
    assert not mail.outbox


def test_the_sender_name_and_the_number_we_call_from_are_clinic_facts(client, monday_morning):
    client.post(FORM_URL, choose(eastern(2026, 12, 8, 11)))
    assert "We will call you on" in text(client.get(THANKS_URL))
    assert "call from" not in text(client.get(THANKS_URL))  # not recorded: nothing said
    with TestCase.captureOnCommitCallbacks(execute=True):
        ContactDetails.objects.update(calls_come_from="207-555-0199", email_sender_name="PTC calls")
        facts_changed()
    assert 'It comes from "PTC calls"' in soup(client.get(FORM_URL)).find(id="id_email_me_helptext").get_text()
    book_with_email(client, phone="(207) 555-0123")
    assert "We will call from (207) 555-0199. On some phones it may show as unknown or blocked." in text(
        client.get(THANKS_URL)
    )
    assert deliver(StaffNotification.objects.get(kind=NotificationKind.CALL_BOOKED)).from_email.startswith(
        ("PTC calls <", '"PTC calls" <')
    )
