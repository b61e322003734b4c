"""The form page and its validation: what a person sees and what is kept."""

import re

import pytest

from clinic.facts import facts_changed
from clinic.models import OpeningHours
from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD
from consultations.models import CallTime, ConsultationRequest
from tests.consultations.conftest import FORM_URL, soup
from tests.factories import opened_form_token, stored_request, valid_answers

pytestmark = pytest.mark.django_db


def test_the_form_page_has_its_fields_labelled_with_required_ones_marked_in_words(client):
    page = soup(client.get(FORM_URL))
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["Ask us to call you back"]
    form = page.find("form", class_="callback-form")
    labels = {label["for"]: " ".join(label.get_text(" ").split()) for label in form.find_all("label")}
    assert labels["id_name"] == "What should we call you? (required)"
    assert labels["id_phone"] == "Phone number (required)"
    assert labels["id_email"] == "Email address (optional)"
    assert labels["id_message"] == "Anything you would like us to know (optional)"
    assert labels["id_agree_to_privacy_notice"].endswith("(required)")
    legends = [" ".join(legend.get_text(" ").split()) for legend in form.find_all("legend")]
    assert legends == [
        "When is it best to call you? (required)",
        "May we leave you a voicemail? (required)",
        "Who is this request for? (required)",
    ]
    for fieldset, kind in zip(form.find_all("fieldset"), ("checkbox", "radio", "radio"), strict=True):
        inputs = fieldset.find_all("input")
        assert inputs and all(field["type"] == kind and labels[field["id"]] for field in inputs)


def test_the_inputs_help_phones_and_password_managers(client):
    form = soup(client.get(FORM_URL)).find("form", class_="callback-form")
    name, phone, email = form.find(id="id_name"), form.find(id="id_phone"), form.find(id="id_email")
    assert name["autocomplete"] == "given-name"
    assert (phone["type"], phone["autocomplete"], phone["inputmode"]) == ("tel", "tel", "tel")
    assert (email["type"], email["autocomplete"]) == ("email", "email")
    assert phone["aria-describedby"] == "id_phone_helptext" and form.find(id="id_phone_helptext")
    assert form["method"] == "post" and form.has_attr("novalidate")
    assert "medical details" in form.find(id="id_message_helptext").get_text()
    assert form.find(id="id_agree_to_privacy_notice_helptext").find("a")["href"] == "/privacy/"


def test_the_page_gives_the_phone_number_and_what_happens_next(client):
    aside = soup(client.get(FORM_URL)).find("aside", class_="callback-aside")
    assert aside.find("a", href="tel:+12075550142")
    text = aside.get_text(" ")
    assert "What happens next" in text and "988" in text and "911" in text


def test_the_honeypot_is_hidden_from_people_screen_readers_and_the_keyboard(client):
    page = soup(client.get(FORM_URL))
    trap = page.find("input", attrs={"name": HONEYPOT_FIELD})
    container = trap.find_parent("div")
    assert "form-trap" in container["class"] and container["aria-hidden"] == "true"
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off" and trap["value"] == ""
    with open("static/css/site.css") as css:
        assert ".form-trap { display: none; }" in css.read()


def test_a_valid_form_stores_normalised_values(client):
    response = client.post(FORM_URL, valid_answers(name="  Nguyễn   Văn  ", phone="207.555.0142"))
    assert response.status_code == 303
    stored = ConsultationRequest.objects.get()
    assert stored.name == "Nguyễn Văn"
    assert stored.phone == "+12075550142"
    assert (stored.call_mornings, stored.call_afternoons, stored.call_evenings) == (True, True, False)
    assert stored.voicemail_ok is False
    assert (stored.email, stored.request_for) == ("zoe@example.org", "myself")


@pytest.mark.parametrize(
    "name", ["Zoë", "José", "Nguyễn", "O'Brien", "O’Brien", "Anne-Marie", "J. R.", "Ἀθηνᾶ", "Дмитрий", "李小龍", "अनु"]
)
def test_names_in_any_script_are_welcome(client, name):
    assert client.post(FORM_URL, valid_answers(name=name)).status_code == 303
    assert ConsultationRequest.objects.get().name == name


def test_an_international_number_with_a_plus_is_stored_in_e164(client):
    client.post(FORM_URL, valid_answers(phone="+44 20 7946 0958"))
    assert ConsultationRequest.objects.get().phone == "+442079460958"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", None, "Enter what we should call you"),
        ("name", "   ", "Enter what we should call you"),
        ("name", "x" * 61, "60 characters or fewer"),
        ("name", "Robert'); DROP TABLE--", "only have letters, spaces, hyphens, apostrophes and periods"),
        ("name", "<b>Sam</b>", "only have letters, spaces, hyphens, apostrophes and periods"),
        ("name", "R2D2", "only have letters, spaces, hyphens, apostrophes and periods"),
        ("name", "-- '.", "only have letters, spaces, hyphens, apostrophes and periods"),
        ("name", "Sam\x07", "hidden characters"),
        ("name", "Sam\u202eevil", "hidden characters"),
        ("phone", None, "Enter your phone number"),
        ("phone", "12", "Enter a phone number we can call"),
        ("phone", "(207) 555-01", "Enter a phone number we can call"),
        ("phone", "call me maybe", "Enter a phone number we can call"),
        ("phone", "1" * 41, "Enter a phone number we can call"),
        ("phone", "207 555 0142 ext 12", "without an extension"),
        ("phone", "207\x07555\x070142", "hidden characters"),
        ("call_times", None, "Choose at least one time"),
        ("call_times", ["weekends"], "Choose times from the list"),
        ("call_times", ["evenings"], "Choose times from the list"),  # the clinic closes at 5 pm
        ("voicemail_ok", None, "Tell us if we may leave a voicemail"),
        ("voicemail_ok", "maybe", "Choose yes or no"),
        ("email", "not-an-email", "Enter an email address like name@example.com"),
        ("email", "a@b.c\x1b", "hidden characters"),
        ("request_for", None, "Tell us who this request is for"),
        ("request_for", "my cat", "Choose one of the answers"),
        ("message", "x" * 501, "500 characters or fewer (it has 501)"),
        ("message", "line one\x1bline two", "hidden characters"),
        ("message", "call \u200emy mobile", "hidden characters"),
        ("name", "Sam\u200f", "hidden characters"),
        ("message", "\u061cafter five", "hidden characters"),
        # Issue 22, item 11: invisible fillers, default-ignorable and format characters, piles of marks.
        ("name", "\u3164", "hidden characters"),
        ("name", "\u3164 \u3164", "hidden characters"),
        ("name", "\u115f\u1160", "hidden characters"),
        ("name", "\uffa0", "hidden characters"),
        ("name", "Sa\u00adm", "hidden characters"),
        ("name", "\u200dSam", "hidden characters"),
        ("name", "Sam\U000e0041\U000e0042", "hidden characters"),
        ("message", "\ufeffPlease call", "hidden characters"),
        ("message", "call\u2060me", "hidden characters"),
        ("message", "soft\u00adhyphen", "hidden characters"),
        ("message", "mornings\U000e0001\U000e0069", "hidden characters"),
        ("message", "\u200b\u200b", "hidden characters"),
        ("message", "a\u034fb", "hidden characters"),
        ("email", "sam\u2060@example.com", "hidden characters"),
        ("name", "Z" + "\u0336\u0337\u0338" * 4, "more accents on one letter"),
        ("message", "help" + "\u0301" * 30, "more accents on one letter"),
        ("agree_to_privacy_notice", None, "Check the box to agree to the privacy notice"),
    ],
)
def test_each_invalid_answer_has_its_own_message_and_nothing_is_stored(client, field, value, message):
    response = client.post(FORM_URL, valid_answers(**{field: value}))
    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    page = soup(response)
    error = page.find(id=f"id_{field}_error")
    assert message in error.get_text()
    # The summary at the top names the same problem and links to the field.
    summary_links = page.find(attrs={"data-error-summary": True}).find_all("a")
    assert len(summary_links) == 1 and message in summary_links[0].get_text()
    target = summary_links[0]["href"].removeprefix("#")
    assert page.find(id=target).name in ("input", "textarea")
    assert page.find(id=target)["name"] == field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "\u3164"),
        ("message", "please\u2060call"),
        ("name", "Zo" + "\u0308" * 9),
    ],
)
def test_an_answer_refused_for_hidden_characters_is_kept_to_fix(client, field, value):
    page = soup(client.post(FORM_URL, valid_answers(**{field: value, "phone": "(207) 555-0142"})))
    kept = page.find(id=f"id_{field}")
    assert (kept.get("value") if kept.name == "input" else kept.get_text().strip("\r\n")) == value
    assert page.find(id="id_phone")["value"] == "(207) 555-0142"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627"),  # a Persian name with a zero-width non-joiner
        ("name", "Nguy\u1ec5n"),
        ("name", "\u0915\u094d\u0937\u093f\u0924\u093f"),  # Devanagari: a virama and vowel signs
        ("message", "Thank you \U0001f469\u200d\u2695\ufe0f \u2764\ufe0f"),  # emoji sequences
    ],
)
def test_joiners_and_marks_that_real_writing_uses_are_accepted(client, field, value):
    assert client.post(FORM_URL, valid_answers(**{field: value})).status_code == 303


def test_a_message_may_have_line_breaks_and_tabs(client):
    assert client.post(FORM_URL, valid_answers(message="First line\r\nSecond\tline")).status_code == 303
    assert ConsultationRequest.objects.get().message == "First line\r\nSecond\tline"


def test_an_error_page_is_titled_error_focuses_the_summary_and_keeps_the_answers(client):
    answers = valid_answers(phone="555", email="bad@", name="Zoë", message="Hello <there>")
    response = client.post(FORM_URL, answers)
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.find(attrs={"data-error-summary": True})
    assert summary["tabindex"] == "-1"
    assert summary.find(attrs={"role": "alert"})
    assert [a["href"] for a in summary.find_all("a")] == ["#id_phone", "#id_email"]
    script = page.find("script", src=re.compile(r"js/error-summary"))
    assert script["src"].endswith("js/error-summary.js") and script.has_attr("defer")
    assert all(tag.get("src") for tag in page.find_all("script")), "no inline script (a strict CSP is coming)"
    phone = page.find(id="id_phone")
    assert phone["aria-invalid"] == "true"
    assert phone["aria-describedby"].split() == ["id_phone_helptext", "id_phone_error"]
    assert page.find(id="id_name").get("aria-invalid") is None
    # What they typed is kept.
    assert page.find(id="id_name")["value"] == "Zoë"
    assert phone["value"] == "555"
    assert page.find(id="id_message").get_text().removeprefix("\n") == "Hello <there>"  # HTML drops that newline
    assert "Hello &lt;there&gt;" in response.content.decode()
    assert [box.has_attr("checked") for box in page.find_all("input", attrs={"name": "call_times"})] == [True, True]
    assert page.find(id="id_voicemail_ok_1").has_attr("checked")
    assert page.find(id="id_agree_to_privacy_notice").has_attr("checked")
    # The same one-time token goes back, so fixing the mistake still sends one request.
    assert page.find("input", attrs={"name": FORM_TOKEN_FIELD})["value"] == answers[FORM_TOKEN_FIELD]


def test_group_errors_are_announced_by_the_fieldset_and_mark_every_option(client):
    page = soup(client.post(FORM_URL, valid_answers(call_times=None)))
    fieldset = page.find(id="id_call_times_0").find_parent("fieldset")
    assert fieldset["aria-describedby"].split() == ["id_call_times_helptext", "id_call_times_error"]
    assert all(box["aria-invalid"] == "true" for box in fieldset.find_all("input"))


def test_the_page_without_errors_loads_no_error_summary_script_but_the_visit_count(client):
    page = soup(client.get(FORM_URL))
    assert not page.title.get_text().startswith("Error")
    assert not page.find("script", src=re.compile(r"js/error-summary"))
    assert page.find("script", src="/static/js/count.js")
    assert not page.find(attrs={"data-error-summary": True})


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "something went wrong with this form"),
        ("not-a-token", "something went wrong with this form"),
        (opened_form_token()[:-2] + "xx", "something went wrong with this form"),
        (opened_form_token(seconds_ago=2 * 24 * 60 * 60), "open for a long time"),
    ],
)
def test_a_missing_forged_or_stale_form_token_sends_the_form_back_with_a_fresh_one(client, token, message):
    response = client.post(FORM_URL, valid_answers(**{FORM_TOKEN_FIELD: token}))
    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    page = soup(response)
    summary = page.find(attrs={"data-error-summary": True})
    assert message in summary.get_text()
    fresh = page.find("input", attrs={"name": FORM_TOKEN_FIELD})["value"]
    assert fresh != token
    # Sent again with the fresh token (and as slowly as a person), it goes through.
    assert client.post(FORM_URL, valid_answers(**{FORM_TOKEN_FIELD: fresh})).status_code in (303,)


def test_the_form_offers_only_times_when_the_clinic_is_open(client, django_capture_on_commit_callbacks):
    def offered(hours: dict[int, tuple[str, str]]):
        with django_capture_on_commit_callbacks(execute=True):
            OpeningHours.objects.all().delete()
            for weekday, (opens, closes) in hours.items():
                OpeningHours.objects.create(weekday=weekday, opens=opens, closes=closes)
            facts_changed()
        page = soup(client.get(FORM_URL))
        return [box["value"] for box in page.find_all("input", attrs={"name": "call_times"})]

    weekdays = range(5)
    assert offered(dict.fromkeys(weekdays, ("08:00", "17:00"))) == ["mornings", "afternoons"]
    assert offered({**dict.fromkeys(range(4), ("08:00", "19:00")), 4: ("08:00", "12:00")}) == [
        "mornings",
        "afternoons",
        "evenings",
    ]
    assert offered(dict.fromkeys(weekdays, ("13:00", "17:00"))) == ["afternoons"]


def test_a_request_made_for_evenings_before_they_were_dropped_stays_valid():
    request = stored_request(call_times=["evenings"])
    request.full_clean()
    assert request.call_times == [CallTime.EVENINGS]
