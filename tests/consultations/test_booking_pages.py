"""Booking a call time through the pages (issue 12): the form's choice, the thanks page, the calendar file and
the private link."""

import logging
import re
from unittest import mock

import icalendar
import pytest
import time_machine
from django.test import Client

from clinic.capacity import CallSlot
from consultations import views
from consultations.models import Booking, ConsultationRequest, Status
from portland_site.log_filters import HidePrivateLinks
from tests.clinic_facts import TEST_PHONE
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.consultations.conftest import FORM_URL, THANKS_URL, soup
from tests.factories import stored_request, valid_answers

pytestmark = pytest.mark.django_db

MONDAY_9AM = eastern(2026, 12, 7, 9)
TUESDAY_10AM = eastern(2026, 12, 8, 10)


def slot_value(moment) -> str:
    return CallSlot(starts_at=moment, ends_at=moment).value


def choose(moment, **overrides):
    return valid_answers(**{"when": "chosen", "call_at": slot_value(moment), "call_times": None, **overrides})


def text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def change_link(thanks) -> str:
    return soup(thanks).find(class_="reference__link").find("a")["href"]


@pytest.fixture
def monday_morning():
    with time_machine.travel(MONDAY_9AM, tick=False):
        set_call_windows(places=1)
        yield


def test_without_call_windows_the_form_asks_only_for_times_of_day(client):
    page = soup(client.get(FORM_URL))
    assert page.find(id="id_call_at") is None and page.find(attrs={"name": "when"}) is None
    assert page.find(attrs={"name": "call_times"}) is not None


def test_the_form_offers_as_soon_as_you_can_by_default_and_the_open_times_by_day(client, monday_morning):
    page = soup(client.get(FORM_URL))
    radios = page.find_all("input", attrs={"name": "when"})
    assert [(radio["value"], radio.has_attr("checked")) for radio in radios] == [("asap", True), ("chosen", False)]
    select = page.find("select", id="id_call_at")
    assert page.find("label", attrs={"for": "id_call_at"})
    groups = select.find_all("optgroup")
    assert len(groups) == 10 and groups[1]["label"] == "Tuesday, December 8"
    assert groups[1].find("option").get_text() == "Tuesday, December 8, 10:00–10:30 am Eastern"


def test_choosing_a_time_books_it_and_the_thanks_page_says_it(client, monday_morning):
    response = client.post(FORM_URL, choose(TUESDAY_10AM))
    assert response.status_code == 303 and response["Location"] == THANKS_URL
    stored = ConsultationRequest.objects.get()
    assert stored.booking.starts_at == TUESDAY_10AM and stored.call_mornings
    thanks = client.get(THANKS_URL)
    assert "We will call you on Tuesday, December 8, 10:00–10:30 am Eastern" in text(thanks)
    # The private link: long and random, only its hash stored.
    token = change_link(thanks).rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40 and token not in stored.booking.change_link_hash


def test_picking_a_time_without_switching_the_radio_books_that_time(client, monday_morning):
    client.post(FORM_URL, choose(TUESDAY_10AM, when="asap"))
    assert Booking.objects.get().starts_at == TUESDAY_10AM


def test_at_a_time_i_choose_without_a_time_is_an_error_and_keeps_the_answers(client, monday_morning):
    response = client.post(FORM_URL, valid_answers(when="chosen", call_at="", call_times=None, name="Zoë"))
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="id_call_at_error") and "Choose a time from the list" in text(response)
    assert page.find(id="id_name")["value"] == "Zoë"
    assert page.find(id="id_when_1").has_attr("checked")
    assert not ConsultationRequest.objects.exists()


TYPED_OUT_OF_RANGE = ["00010101T0000Z", "99991231T2359Z", "19991231T1500Z", "21010101T1500Z"]


@pytest.mark.parametrize(
    "value", ["garbage", "20261208T1515Z", "20261205T1500Z", "20261207T1300Z", *TYPED_OUT_OF_RANGE]
)
def test_a_time_the_form_did_not_offer_is_refused_with_a_clear_message(client, monday_morning, value):
    response = client.post(FORM_URL, valid_answers(when="chosen", call_at=value, call_times=None))
    assert response.status_code == 200
    assert "Choose a time from the list" in text(response) or "not one we can offer" in text(response)
    assert not ConsultationRequest.objects.exists()


def test_a_time_taken_meanwhile_shows_the_form_again_with_the_nearest_open_times(client, monday_morning):
    page = soup(client.get(FORM_URL))
    assert page.find("option", attrs={"value": slot_value(TUESDAY_10AM)})
    stored_request(call_at=TUESDAY_10AM, change_link_hash="x" * 64, phone="+12075550111")  # someone else, first
    response = client.post(FORM_URL, choose(TUESDAY_10AM, name="Zoë", message="Mornings"))
    assert response.status_code == 200
    words = text(response)
    assert "someone else has just taken that time" in words
    assert "Tuesday, December 8, 10:30–11:00 am Eastern" in words  # the nearest open time, named
    assert soup(response).find(id="id_name")["value"] == "Zoë"
    assert soup(response).find("option", attrs={"value": slot_value(TUESDAY_10AM)}) is None
    assert ConsultationRequest.objects.count() == 1


def test_the_calendar_file_comes_from_the_cookie_and_says_nothing_of_the_clinic(client, monday_morning):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    reference = ConsultationRequest.objects.get().reference_display
    response = client.get(f"{THANKS_URL}phone-call.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Phone call (ref {reference})"
    assert TEST_PHONE in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == TUESDAY_10AM
    for revealing in ("benzodiazepine", "treatment", "taper", "clinic", "Portland", "testserver", "example"):
        assert revealing.lower() not in response.content.decode().lower()
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["PRODID"]) == "-//Phone call//Calendar file//EN"
    assert re.fullmatch(r"[0-9a-f]{32}", str(event["UID"]))
    # The same call keeps its UID, so that a calendar updates the entry rather than adding another.
    again = icalendar.Calendar.from_ical(client.get(f"{THANKS_URL}phone-call.ics").content).walk("VEVENT")[0]
    assert again["UID"] == event["UID"]
    # Another browser (no cookie) gets a friendly page, not the file.
    other = client.__class__().get(f"{THANKS_URL}phone-call.ics")
    assert other.status_code == 404 and TEST_PHONE in text(other)


def test_the_private_link_moves_the_call_and_the_thanks_page_follows(client, monday_morning):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    link = change_link(client.get(THANKS_URL))
    page = client.get(link)
    assert page.status_code == 200 and "Tuesday, December 8, 10:00–10:30 am Eastern" in text(page)
    moved = client.post(link, {"action": "move", "call_at": slot_value(eastern(2026, 12, 9, 11))})
    assert moved.status_code == 303
    assert "Done: your call is moved" in text(client.get(moved["Location"]))
    assert ConsultationRequest.objects.get().booking.starts_at == eastern(2026, 12, 9, 11)
    assert "Wednesday, December 9, 11:00–11:30 am Eastern" in text(client.get(THANKS_URL))


def test_the_private_link_refuses_a_full_time_clearly(client, monday_morning):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    link = change_link(client.get(THANKS_URL))
    stored_request(call_at=eastern(2026, 12, 9, 11), change_link_hash="y" * 64, phone="+12075550112")
    refused = client.post(link, {"action": "move", "call_at": slot_value(eastern(2026, 12, 9, 11))})
    assert refused.status_code == 200 and "someone else has just taken that time" in text(refused)
    assert ConsultationRequest.objects.filter(booking__starts_at=TUESDAY_10AM).exists()


@pytest.mark.parametrize("value", TYPED_OUT_OF_RANGE)
def test_the_private_link_refuses_a_time_out_of_any_calendar_clearly(client, monday_morning, value):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    link = change_link(client.get(THANKS_URL))
    refused = client.post(link, {"action": "move", "call_at": value})
    assert refused.status_code == 200
    assert ConsultationRequest.objects.get().booking.starts_at == TUESDAY_10AM


def test_cancelling_through_the_link_asks_first_then_closes_the_request(client, monday_morning):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    link = change_link(client.get(THANKS_URL))
    asked = client.post(link, {"action": "cancel"})
    assert asked.status_code == 200 and "Cancel your call?" in text(asked)
    assert Booking.objects.exists()
    done = client.post(link, {"action": "confirm_cancel"})
    assert done.status_code == 303
    assert "Your call is cancelled" in text(client.get(done["Location"]))
    stored = ConsultationRequest.objects.get()
    assert stored.status == Status.CLOSED and not Booking.objects.exists()
    assert client.get(link).status_code == 404


def test_a_tampered_or_expired_link_gets_a_friendly_page_and_stays_out_of_the_log(client, monday_morning, caplog):
    client.post(FORM_URL, choose(TUESDAY_10AM))
    link = change_link(client.get(THANKS_URL))
    tampered = link.rstrip("/")[:-3] + "abc/"
    with caplog.at_level(logging.INFO):
        for url in (
            tampered,
            "/request-a-call-back/your-call/%ff%fe/",
            "/request-a-call-back/your-call/" + "a" * 300 + "/",
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert "This link no longer works" in text(response) and TEST_PHONE in text(response)
        nul = client.get(tampered.rstrip("/") + "%00/")
        assert nul.status_code == 400 and TEST_PHONE in text(nul)
    with time_machine.travel(eastern(2026, 12, 8, 10, 31), tick=False):
        assert client.get(link).status_code == 404
    token = tampered.rstrip("/").rsplit("/", 1)[1]
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, HidePrivateLinks) for each in handler.filters)
    )
    not_found = [record for record in caplog.records if record.name in ("django.request", "django.security")]
    assert not_found  # Django did log the refused requests...
    logged = "\n".join(console.format(record) for record in not_found if console.filter(record))
    assert "your-call/" in logged and token not in logged  # ...without the token
    assert not re.search(r"your-call/[A-Za-z0-9_-]{20,}", logged)


def test_the_blank_form_stops_offering_a_time_once_it_is_taken(client, monday_morning):
    value = slot_value(TUESDAY_10AM)
    assert soup(client.get(FORM_URL)).find("option", attrs={"value": value})
    stored_request(call_at=TUESDAY_10AM, change_link_hash="z" * 64)
    assert soup(client.get(FORM_URL)).find("option", attrs={"value": value}) is None


def test_a_chosen_time_is_booked_whatever_times_of_day_are_ticked(client, monday_morning):
    # Evenings are not offered (the clinic closes at 5 pm): ticked anyway, they don't stand in the way.
    response = client.post(FORM_URL, choose(TUESDAY_10AM, call_times=["evenings", "mornings"]))
    assert response.status_code == 303
    assert ConsultationRequest.objects.get().call_times == ["mornings"]


def _tokens(response) -> tuple[str, str]:
    page = soup(response)
    return (
        page.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"],
        page.find("input", attrs={"name": "form_token"})["value"],
    )


def test_each_visitor_gets_their_own_tokens_in_the_blank_form_page_it_renders_once(monday_morning):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    with mock.patch.object(views, "_render_form_page", wraps=views._render_form_page) as render:
        first_page, second_page = first.get(FORM_URL), second.get(FORM_URL)
    assert render.call_count == 1  # the second page was the first one with its own tokens
    first_tokens, second_tokens = _tokens(first_page), _tokens(second_page)
    assert first_tokens[0] != second_tokens[0] and first_tokens[1] != second_tokens[1]
    for token in first_tokens:
        assert token not in second_page.content.decode()
    csrf, form_token = second_tokens
    answers = choose(TUESDAY_10AM, csrfmiddlewaretoken=csrf, form_token=form_token)
    assert second.post(FORM_URL, answers).status_code == 303
