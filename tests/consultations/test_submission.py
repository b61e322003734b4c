"""Sending the form: the redirect, the thanks page, the one-time token, spam and privacy."""

import json
import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from consultations import views
from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD
from consultations.models import ConsultationRequest, SpamReason, Status
from consultations.views import SUBMITTED_COOKIE
from tests.clinic_facts import set_opening_hours
from tests.consultations.conftest import FORM_URL, THANKS_URL, soup
from tests.factories import opened_form_token, valid_answers

pytestmark = pytest.mark.django_db
GROUPED_REFERENCE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def reference_on(response) -> str | None:
    code = soup(response).find(class_="reference__code")
    return code.get_text(strip=True) if code else None


def no_store(response) -> bool:
    return "no-store" in {part.strip() for part in response["Cache-Control"].split(",")}


def test_sending_the_form_stores_one_request_and_redirects_with_303_to_the_thanks_page(client):
    response = client.post(FORM_URL, valid_answers())
    assert response.status_code == 303
    assert response["Location"] == THANKS_URL
    stored = ConsultationRequest.objects.get()
    assert stored.status == Status.NEW
    thanks = client.get(THANKS_URL)
    assert thanks.status_code == 200
    assert reference_on(thanks) == stored.reference_display
    assert GROUPED_REFERENCE.match(reference_on(thanks))
    lead = " ".join(soup(thanks).find(class_="lead").get_text(" ").split())
    assert re.match(
        r"We will call you as soon as we can, usually by \d{1,2}(:\d\d)? [ap]m (today|tomorrow|on \w+day) \.", lead
    ), lead


def test_the_thanks_page_says_the_same_on_refresh_and_nothing_personal(client):
    client.post(FORM_URL, valid_answers(name="Zoë", phone="207-555-0187", email="zoe@example.org", message="Hi there"))
    first, again = client.get(THANKS_URL), client.get(THANKS_URL)
    assert first.content == again.content
    text = first.content.decode()
    for personal in ("Zoë", "0187", "zoe@example.org", "Hi there"):
        assert personal not in text


def test_the_thanks_page_opened_cold_is_a_general_thank_you(client, facts_cached, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(THANKS_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "Thank you"
    assert reference_on(response) is None
    assert not response.cookies
    assert no_store(response)


def test_another_browser_does_not_see_someone_else_s_reference(client):
    client.post(FORM_URL, valid_answers())
    assert reference_on(client.get(THANKS_URL))
    assert reference_on(Client().get(THANKS_URL)) is None


def test_the_url_carries_nothing_but_the_thanks_path(client):
    response = client.post(FORM_URL, valid_answers(), follow=True)
    assert [url for url, _status in response.redirect_chain] == [THANKS_URL]
    assert response.request["QUERY_STRING"] == ""


def test_form_and_thanks_pages_are_never_stored_by_browsers_or_proxies(client):
    assert no_store(client.get(FORM_URL))
    assert no_store(client.post(FORM_URL, valid_answers(phone="nope")))
    posted = client.post(FORM_URL, valid_answers())
    assert no_store(posted)
    assert no_store(client.get(THANKS_URL))


def test_only_the_form_sets_cookies_and_the_thanks_page_alone_gets_the_reference_back(client):
    form_cookies = client.get(FORM_URL).cookies
    assert set(form_cookies) == {"csrftoken"}
    # As long as an open form's own token lasts (a day), not Django's default year.
    assert form_cookies["csrftoken"]["max-age"] == 24 * 60 * 60
    cookies = client.post(FORM_URL, valid_answers(name="Zoë", phone="207-555-0187")).cookies
    assert set(cookies) == {SUBMITTED_COOKIE}
    sent = cookies[SUBMITTED_COOKIE]
    # Long enough for the redirect and a refresh, short enough not to show the reference to the next person.
    assert (sent["path"], sent["samesite"], sent["max-age"]) == (THANKS_URL, "Lax", 10 * 60)
    assert sent["httponly"] and sent["secure"]
    # Signed, not secret: it holds the reference and the time sent, nothing personal.
    payload = json.loads(signing.b64_decode(sent.value.split(":")[0].encode()))
    assert set(payload) == {"reference", "at"}
    assert payload["reference"] == ConsultationRequest.objects.get().reference


@pytest.mark.parametrize("tamper", ["forged", "altered", "expired"])
def test_a_forged_altered_or_expired_thanks_cookie_shows_the_general_thank_you(client, monkeypatch, tamper):
    client.post(FORM_URL, valid_answers())
    if tamper == "forged":
        client.cookies[SUBMITTED_COOKIE] = signing.dumps({"reference": "AAAAAAAA", "at": "2026-01-01T00:00:00"})
    elif tamper == "altered":
        value = client.cookies[SUBMITTED_COOKIE].value
        client.cookies[SUBMITTED_COOKIE] = "x" + value[1:]
    else:
        monkeypatch.setattr(views, "SUBMITTED_COOKIE_MAX_AGE", -1)
    response = client.get(THANKS_URL)
    assert response.status_code == 200 and reference_on(response) is None


def test_a_form_without_a_csrf_token_is_refused_kindly():
    response = Client(enforce_csrf_checks=True).post(FORM_URL, valid_answers())
    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "Sorry, we could not send the form"
    assert page.find("main").find("a", href="tel:+12075550142")
    assert page.find("main").find("a", href=FORM_URL)


def page_as(kind: str):
    client = Client()
    if kind == "form":
        return client.get(FORM_URL)
    if kind == "form with errors":
        return client.post(FORM_URL, valid_answers(phone="x"))
    if kind == "thanks":
        client.post(FORM_URL, valid_answers())
        return client.get(THANKS_URL)
    if kind == "thanks, cold":
        return client.get(THANKS_URL)
    if kind == "rate limited":
        for _ in range(5):
            client.post(FORM_URL, valid_answers())
        return client.get(FORM_URL)
    return Client(enforce_csrf_checks=True).post(FORM_URL, valid_answers())


@pytest.mark.parametrize("kind", ["form", "form with errors", "thanks", "thanks, cold", "rate limited", "csrf refused"])
def test_each_page_of_the_form_has_one_h1_the_phone_the_crisis_notice_and_nothing_inline(kind):
    response = page_as(kind)
    assert no_store(response)
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    assert page.select_one("header a[href='tel:+12075550142']")
    assert "988" in page.find("footer").get_text() and "911" in page.find("footer").get_text()
    assert not page.find(style=True), "inline styles"
    assert all(script.get("src", "").startswith("/static/") for script in page.find_all("script"))
    assert all(link["href"].startswith("/") for link in page.find_all("link", href=True))


def test_only_get_and_post_are_allowed(client):
    assert client.put(FORM_URL).status_code == 405
    assert client.post(THANKS_URL).status_code == 405


@pytest.mark.parametrize("repeat", ["double click or refresh", "back button, then send again"])
def test_sending_the_same_form_twice_stores_one_request_and_shows_the_first_reference(client, repeat):
    answers = valid_answers()
    client.post(FORM_URL, answers)
    first = reference_on(client.get(THANKS_URL))
    if repeat == "back button, then send again":
        answers = {**answers, "message": "Changed my mind about the message"}
    second = client.post(FORM_URL, answers)
    assert second.status_code == 303
    assert ConsultationRequest.objects.count() == 1
    assert reference_on(client.get(THANKS_URL)) == first
    assert ConsultationRequest.objects.get().message == "Mornings are best, before 10."


def test_a_second_visit_to_the_form_is_a_new_request(client):
    client.post(FORM_URL, valid_answers())
    fresh = soup(client.get(FORM_URL)).find("input", attrs={"name": FORM_TOKEN_FIELD})["value"]
    client.post(FORM_URL, valid_answers(**{FORM_TOKEN_FIELD: fresh}))
    assert ConsultationRequest.objects.count() == 2


def test_a_filled_honeypot_is_stored_as_spam_and_the_bot_sees_the_ordinary_thanks_page(client):
    response = client.post(FORM_URL, valid_answers(**{HONEYPOT_FIELD: "https://spam.example"}))
    assert response.status_code == 303 and response["Location"] == THANKS_URL
    stored = ConsultationRequest.objects.get()
    assert (stored.status, stored.spam_reason) == (Status.SPAM, SpamReason.HONEYPOT)
    assert reference_on(client.get(THANKS_URL)) == stored.reference_display


@pytest.mark.parametrize(("seconds", "spam"), [(0, True), (2.5, True), (3.5, False), (600, False)])
def test_a_form_sent_within_three_seconds_of_opening_is_spam(client, seconds, spam):
    response = client.post(FORM_URL, valid_answers(**{FORM_TOKEN_FIELD: opened_form_token(seconds_ago=seconds)}))
    assert response.status_code == 303
    stored = ConsultationRequest.objects.get()
    assert (stored.status == Status.SPAM) is spam
    assert stored.spam_reason == (SpamReason.TOO_FAST if spam else "")


def test_a_request_from_the_same_phone_as_an_open_one_is_stored_and_linked(client):
    client.post(FORM_URL, valid_answers(phone="(207) 555-0142"))
    client.post(FORM_URL, valid_answers(phone="+1 207 555 0142", **{FORM_TOKEN_FIELD: opened_form_token()}))
    first, second = ConsultationRequest.objects.order_by("created_at")
    assert second.duplicate_of == first and first.duplicate_of is None
    assert reference_on(client.get(THANKS_URL)) == second.reference_display


def test_personal_values_appear_in_no_log_line(client, caplog, settings):
    personal = {
        "name": "Ximena Quetzalli",
        "phone": "(207) 555-0187",
        "email": "ximena.private@example.org",
        "message": "My secret message 4471",
    }
    needles = [*personal.values(), "+12075550187", "5550187", "ximena", "Quetzalli", "4471"]
    caplog.set_level(logging.DEBUG)
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 2
    client.get(FORM_URL)
    client.post(FORM_URL, valid_answers(**personal))
    client.post(FORM_URL, valid_answers(**personal, **{FORM_TOKEN_FIELD: opened_form_token()}))  # a duplicate
    client.post(FORM_URL, valid_answers(**{**personal, "phone": "nope"}))  # an error page
    client.post(FORM_URL, valid_answers(**personal, **{HONEYPOT_FIELD: "x", FORM_TOKEN_FIELD: opened_form_token()}))
    client.get(THANKS_URL)
    assert ConsultationRequest.objects.count() == 2, "the third valid POST went over the limit"
    assert caplog.records, "expected the service's own log lines"
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
        for record in caplog.records
    ).lower()
    for needle in needles:
        assert needle.lower() not in logged, needle
    assert "rate limit" in logged or "limit of 2" in logged


def test_the_thanks_page_of_a_friday_evening_request_promises_monday(client, settings, monkeypatch):
    set_opening_hours(9, 17)
    friday_evening = datetime(2026, 12, 4, 19, 30, tzinfo=ZoneInfo(settings.CLINIC_TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: friday_evening)
    client.post(FORM_URL, valid_answers())
    lead = " ".join(soup(client.get(THANKS_URL)).find(class_="lead").get_text(" ").split())
    assert lead.startswith("We will call you as soon as we can, usually by 1 pm on Monday")
    # Seen again on Monday morning, the same promise reads "today".
    monkeypatch.setattr(timezone, "now", lambda: friday_evening + timedelta(days=2, hours=14))
    lead = " ".join(soup(client.get(THANKS_URL)).find(class_="lead").get_text(" ").split())
    assert lead.startswith("We will call you as soon as we can, usually by 1 pm today")
