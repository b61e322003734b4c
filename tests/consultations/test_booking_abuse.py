"""Booking out every call time (issue 22, item 1): one future call per phone number, a limit per network, the
site-wide breaker and the manager's release of the calls booked in a time range; and the limits on changes through
the private links (item 13)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from consultations.booking import BookingsPaused, current_pause, new_change_link
from consultations.models import AuditEntry, Booking, BookingPause, ConsultationRequest, StatusChange
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.consultations.conftest import FORM_URL, THANKS_URL, soup
from tests.consultations.test_booking_pages import change_link, choose, slot_value, text
from tests.factories import stored_request, valid_answers

pytestmark = pytest.mark.django_db

MONDAY_9AM = eastern(2026, 12, 7, 9)
RELEASE_URL = "/admin/consultations/consultationrequest/release-bookings/"


@pytest.fixture
def monday_morning(settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 100
    with time_machine.travel(MONDAY_9AM, tick=False):
        set_call_windows(places=3, spans=((10, 17),))
        yield


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def book(client: Client, moment, phone: str):
    return client.post(FORM_URL, choose(moment, phone=phone))


def phone(number: int) -> str:
    return f"+1207555{number:04d}"


def test_a_second_booking_from_one_phone_number_is_stored_but_takes_no_place(monday_morning):
    first = book(client_at("198.51.100.1"), eastern(2026, 12, 8, 10), "(207) 555-0142")
    assert first.status_code == 303
    browser = client_at("203.0.113.9")
    # The same number written another way is the same number.
    again = book(browser, eastern(2026, 12, 9, 10), "+1 207 555 0142")
    assert again.status_code == 303
    assert ConsultationRequest.objects.count() == 2
    assert Booking.objects.count() == 1
    duplicate = ConsultationRequest.objects.order_by("created_at", "pk").last()
    assert duplicate.duplicate_of is not None and not hasattr(duplicate, "booking")
    thanks = text(browser.get(THANKS_URL))
    assert "already has a call booked with us, so we did not book a second time" in thanks
    assert "private link" in thanks
    assert soup(browser.get(THANKS_URL)).find(class_="reference__link") is None


def test_a_number_whose_call_was_cancelled_or_has_passed_may_book_again(monday_morning):
    book(client_at("198.51.100.1"), eastern(2026, 12, 7, 11), "(207) 555-0142")
    with time_machine.travel(eastern(2026, 12, 7, 12), tick=False):
        again = book(client_at("198.51.100.2"), eastern(2026, 12, 8, 10), "(207) 555-0142")
        assert again.status_code == 303
        assert Booking.objects.count() == 2


def test_bookings_are_limited_per_ipv4_slash_24(monday_morning, settings):
    settings.CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY = 2
    for host in (1, 2):
        assert book(client_at(f"198.51.100.{host}"), eastern(2026, 12, 8, 10), phone(host)).status_code == 303
    refused = book(client_at("198.51.100.77"), eastern(2026, 12, 8, 11), phone(3))
    assert refused.status_code == 200
    assert "We can't book more call times from your network today" in text(refused)
    # Everything typed is kept, and nothing stored or booked.
    assert soup(refused).find(id="id_phone")["value"] == phone(3)
    assert ConsultationRequest.objects.count() == 2 and Booking.objects.count() == 2
    # "As soon as you can" from the same network is still taken; another network may still book.
    asap = client_at("198.51.100.77").post(FORM_URL, valid_answers(phone=phone(3)))
    assert asap.status_code == 303
    assert book(client_at("198.51.101.1"), eastern(2026, 12, 8, 11), phone(4)).status_code == 303


def test_bookings_are_limited_per_ipv6_slash_48(monday_morning, settings):
    settings.CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY = 2
    # Two different /64s of one /48 count as one network.
    assert book(client_at("2001:db8:1:1::1"), eastern(2026, 12, 8, 10), phone(1)).status_code == 303
    assert book(client_at("2001:db8:1:2::1"), eastern(2026, 12, 8, 10), phone(2)).status_code == 303
    assert book(client_at("2001:db8:1:ffff::9"), eastern(2026, 12, 8, 11), phone(3)).status_code == 200
    assert book(client_at("2001:db8:2::1"), eastern(2026, 12, 8, 11), phone(4)).status_code == 303


def test_a_refused_time_does_not_count_towards_the_network_limit(monday_morning, settings):
    settings.CONSULTATION_BOOKINGS_PER_NETWORK_PER_DAY = 1
    browser = client_at("198.51.100.1")
    assert book(browser, eastern(2026, 12, 7, 9, 30), phone(1)).status_code == 200  # too soon: not offered
    assert book(browser, eastern(2026, 12, 8, 10), phone(1)).status_code == 303


def test_the_breaker_stops_offering_times_when_bookings_jump_and_tells_staff(
    monday_morning, settings, manager_client, intake_client
):
    settings.BOOKING_BREAKER_FLOOR_PER_HOUR = 4
    for number in range(4):
        book(client_at(f"198.51.{number}.1"), eastern(2026, 12, 8, 10 + number), phone(number))
    assert Booking.objects.count() == 4
    refused = book(client_at("198.51.50.1"), eastern(2026, 12, 9, 10), phone(50))
    assert refused.status_code == 200
    assert "We can't book call times just now" in text(refused)
    assert "As soon as you can" in text(refused)
    assert Booking.objects.count() == 4 and ConsultationRequest.objects.count() == 4
    pause = current_pause()
    assert pause is not None and pause.booked_in_hour == 4
    # The form no longer offers "At a time I choose", and still takes a request.
    page = soup(client_at("198.51.60.1").get(FORM_URL))
    assert page.find(attrs={"name": "when"}) is None
    assert client_at("198.51.60.1").post(FORM_URL, valid_answers(phone=phone(60))).status_code == 303
    # Moving a call already booked still works: it takes no new place.
    for staff in (manager_client, intake_client):
        dashboard = text(staff.get("/admin/"))
        assert "Booking call times is paused" in dashboard
        assert "4 calls were booked in the hour before" in dashboard
    assert "Release the calls booked in that hour" in text(manager_client.get("/admin/"))
    assert "Release the calls booked in that hour" not in text(intake_client.get("/admin/"))
    # It ends by itself after BOOKING_PAUSE_HOURS.
    with time_machine.travel(MONDAY_9AM + timedelta(hours=6, minutes=1), tick=False):
        assert current_pause() is None
        assert "Booking call times is paused" not in text(manager_client.get("/admin/"))


def test_the_breaker_threshold_follows_the_usual_rate_of_the_last_two_weeks(monday_morning, settings):
    settings.BOOKING_BREAKER_FLOOR_PER_HOUR = 2
    settings.BOOKING_BREAKER_FACTOR = 5
    # A busy fortnight: 336 bookings, one an hour on average, so the threshold is five an hour, not the floor's two.
    history = [stored_request(phone=phone(9000 - n)) for n in range(336)]
    Booking.objects.bulk_create(
        Booking(
            consultation_request=request,
            starts_at=MONDAY_9AM - timedelta(days=20, hours=n),
            ends_at=MONDAY_9AM - timedelta(days=20, hours=n) + timedelta(minutes=30),
            booked_at=MONDAY_9AM - timedelta(hours=2 + n),
            change_link_hash=new_change_link()[1],
        )
        for n, request in enumerate(history)
    )
    for number in range(5):
        assert (
            book(client_at(f"198.51.{number}.1"), eastern(2026, 12, 8, 10 + number), phone(number)).status_code == 303
        )
    assert current_pause() is None
    assert book(client_at("198.51.99.1"), eastern(2026, 12, 9, 10), phone(99)).status_code == 200
    assert current_pause().usual_per_hour == pytest.approx(1.0, abs=0.01)


def test_the_service_refuses_while_paused(monday_morning):
    BookingPause.objects.create(
        started_at=MONDAY_9AM, ends_at=MONDAY_9AM + timedelta(hours=1), booked_in_hour=9, usual_per_hour=0.2
    )
    with pytest.raises(BookingsPaused):
        stored_request(call_at=eastern(2026, 12, 8, 10), change_link_hash=new_change_link()[1])
    assert not ConsultationRequest.objects.exists()


def test_a_manager_releases_the_calls_booked_in_a_time_range(monday_morning, settings, manager_client, manager):
    settings.BOOKING_BREAKER_FLOOR_PER_HOUR = 3
    early = book(client_at("198.51.1.1"), eastern(2026, 12, 8, 10), phone(1))
    assert early.status_code == 303
    with time_machine.travel(MONDAY_9AM + timedelta(minutes=20), tick=False):
        for number in (2, 3):
            book(client_at(f"198.51.{number}.1"), eastern(2026, 12, 8, 10), phone(number))
        book(client_at("198.51.4.1"), eastern(2026, 12, 8, 11), phone(4))  # trips the breaker
        assert current_pause() is not None
        form = {"booked_from": "2026-12-07T09:10", "booked_until": "2026-12-07T09:30"}
        preview = manager_client.post(RELEASE_URL, form)
        assert preview.status_code == 200
        assert "2 call(s) still to come were booked then" in text(preview)
        assert Booking.objects.count() == 3  # nothing released before the manager confirms
        done = manager_client.post(RELEASE_URL, {**form, "confirmed": "yes"})
        assert done.status_code == 302
    # The requests stay, without a place; the 10:00 call time is open again; the early booking is untouched.
    assert ConsultationRequest.objects.count() == 3
    assert list(Booking.objects.values_list("consultation_request__phone", flat=True)) == [phone(1)]
    released = ConsultationRequest.objects.filter(phone__in=[phone(2), phone(3)])
    assert all(request.due_by is not None for request in released)
    for request in released:
        step = StatusChange.objects.get(consultation_request=request)
        assert step.changed_by == manager and "booked call released by a manager" in step.reason
    entry = AuditEntry.objects.filter(detail__startswith="booked calls released").get()
    assert entry.actor == manager and entry.row_count == 2
    assert current_pause() is None  # the pause in force ends with the release
    offered = soup(Client().get(FORM_URL)).find("option", attrs={"value": slot_value(eastern(2026, 12, 8, 10))})
    assert offered is not None


def test_only_a_manager_may_release_booked_calls(intake_client, manager_client):
    assert intake_client.get(RELEASE_URL).status_code == 403
    assert manager_client.get(RELEASE_URL).status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"booked_from": "0001-01-01T00:00", "booked_until": "9999-12-31T23:59"},
        {"booked_from": "2026-12-07T10:00", "booked_until": "2026-12-07T09:00"},
        {"booked_from": "not a time", "booked_until": "\x00"},
        {},
    ],
)
def test_a_bad_release_range_is_refused_with_a_message(manager_client, form):
    response = manager_client.post(RELEASE_URL, form)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Please correct the errors below" in text(response)


# Item 13: moves and cancellations through private links are limited per link and per client


def booked_link(client: Client, moment, phone_number: str) -> str:
    assert book(client, moment, phone_number).status_code == 303
    return change_link(client.get(THANKS_URL))


def move(client: Client, link: str, moment):
    return client.post(link, {"action": "move", "call_at": slot_value(moment)})


def test_moves_through_one_link_are_limited_with_a_plain_answer(monday_morning, settings):
    settings.CONSULTATION_CHANGES_PER_LINK_PER_DAY = 3
    browser = client_at("198.51.100.1")
    link = booked_link(browser, eastern(2026, 12, 8, 10), phone(1))
    audited = AuditEntry.objects.count()
    for hour in (11, 12, 13):
        assert move(browser, link, eastern(2026, 12, 8, hour)).status_code == 303
    # The same link from another address: the link's own limit.
    refused = move(client_at("203.0.113.5"), link, eastern(2026, 12, 8, 14))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "You have changed this call many times in a short while" in text(refused)
    assert "Your call stays as it is" in text(refused)
    chosen = soup(refused).find("option", selected=True)
    assert chosen is not None and chosen["value"] == slot_value(eastern(2026, 12, 8, 14))  # what they chose, kept
    assert Booking.objects.get().starts_at == eastern(2026, 12, 8, 13)
    assert AuditEntry.objects.count() - audited == 3
    # Cancelling is a change too.
    assert client_at("203.0.113.5").post(link, {"action": "confirm_cancel"}).status_code == 429
    assert Booking.objects.exists()


def test_changes_from_one_client_are_limited_across_links(monday_morning, settings):
    settings.CONSULTATION_CHANGES_PER_CLIENT_PER_HOUR = 2
    links = [booked_link(client_at(f"198.51.{n}.1"), eastern(2026, 12, 8, 10 + n), phone(n)) for n in range(3)]
    attacker = client_at("203.0.113.5")
    assert move(attacker, links[0], eastern(2026, 12, 9, 10)).status_code == 303
    assert move(attacker, links[1], eastern(2026, 12, 9, 11)).status_code == 303
    assert move(attacker, links[2], eastern(2026, 12, 9, 12)).status_code == 429
    # Its owner, from another address, still can.
    assert move(client_at("198.51.2.1"), links[2], eastern(2026, 12, 9, 12)).status_code == 303


def test_a_refused_move_is_not_held_against_the_person(monday_morning, settings):
    settings.CONSULTATION_CHANGES_PER_LINK_PER_DAY = 1
    browser = client_at("198.51.100.1")
    link = booked_link(browser, eastern(2026, 12, 8, 10), phone(1))
    assert move(browser, link, eastern(2026, 12, 7, 9, 30)).status_code == 200  # too soon: not offered
    assert move(browser, link, eastern(2026, 12, 8, 11)).status_code == 303


def test_looking_at_the_link_or_asking_to_cancel_is_not_counted(monday_morning, settings):
    settings.CONSULTATION_CHANGES_PER_LINK_PER_DAY = 1
    browser = client_at("198.51.100.1")
    link = booked_link(browser, eastern(2026, 12, 8, 10), phone(1))
    for _ in range(5):
        assert browser.get(link).status_code == 200
        assert browser.post(link, {"action": "cancel"}).status_code == 200
    assert move(browser, link, eastern(2026, 12, 8, 11)).status_code == 303
