"""Whole journeys in a real browser: a person asks for a call-back using only the keyboard, with and without
JavaScript, at phone and desktop size; a member of staff signs in with two-factor and works the request."""

import re
import time
from urllib.parse import urlsplit

import pytest

from consultations.forms import MIN_FILL_TIME
from consultations.models import CallAttempt, ConsultationRequest, Status, StatusChange
from tests.browser.axe import axe_violations
from tests.browser.conftest import record_requests, save_screenshot, sign_in, staff_with_authenticator, tab_to
from tests.consultations.conftest import FORM_URL
from tests.factories import stored_request

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")


def follow_link(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def retype(page, selector: str, text: str) -> None:
    """Move to a text field with Tab, empty it and type, as a person fixing an answer would."""
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    if text:
        page.keyboard.type(text)


def press_space_on(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")


def ask_for_a_call_back(page, base_url: str, *, name: str, javascript: bool = True) -> str:
    """Home → an article → its call-to-action → the form, sent first with mistakes, then fixed; returns the
    reference the thanks page shows. Screenshots of the form, its errors and the thanks page are named `name`-…."""
    page.goto(base_url + "/")
    follow_link(page, "main a[href='/dependence-vs-addiction/']")
    requested = record_requests(page)
    follow_link(page, ".cta a[href='/request-a-call-back/']")
    opened_at = time.monotonic()
    assert urlsplit(page.url).path == FORM_URL
    # Against the viewport, not innerWidth: a mobile browser widens its layout viewport to fit what overflows.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    save_screenshot(page, f"{name}-request-a-call-back")

    # Mistakes: a phone number too short to call and an email address without an @; everything else left empty.
    retype(page, "#id_phone", "12")
    retype(page, "#id_email", "zoe.example.org")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    if javascript:
        assert page.evaluate("document.activeElement.id") == "error-summary"
    else:
        assert page.locator("#error-summary").is_visible()  # no script to move focus; the title says it first
    save_screenshot(page, f"{name}-request-a-call-back-errors")

    # Fixing every answer with the keyboard: Tab between fields, typing, Space for checkboxes and radios.
    retype(page, "#id_name", "Zoë")
    retype(page, "#id_phone", "(207) 555-0187")
    press_space_on(page, "#id_call_times_0")
    press_space_on(page, "#id_call_times_1")
    press_space_on(page, "#id_voicemail_ok_0")
    retype(page, "#id_email", "zoe@example.org")
    press_space_on(page, "#id_request_for_0")
    # Shift+Tab back to the name to check it kept what was typed, then on to the button.
    tab_to(page, "#id_name", backwards=True)
    assert page.evaluate("document.activeElement.value") == "Zoë"
    tab_to(page, "button[type=submit]")
    # A real person's pace: the form counts anything sent sooner than this after opening it as a script's.
    time.sleep(max(0, MIN_FILL_TIME.total_seconds() + 0.2 - (time.monotonic() - opened_at)))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == FORM_URL + "thanks/"
    reference = page.locator(".reference__code").inner_text()
    assert REFERENCE.fullmatch(reference), reference
    page.reload()
    assert page.locator(".reference__code").inner_text() == reference, "a refresh shows the same reference"
    save_screenshot(page, f"{name}-request-a-call-back-thanks")
    if javascript:  # axe runs as a script in the page
        assert axe_violations(page) == ""
    # The form, its error page and the thanks page, with everything they load: nothing from anywhere else.
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(base_url).netloc}, requested
    assert any(url.endswith(".css") for url in requested)
    return reference


def assert_stored_as_new(reference: str) -> ConsultationRequest:
    stored = ConsultationRequest.objects.get()
    assert stored.reference_display == reference
    assert (stored.status, stored.spam_reason) == (Status.NEW, "")
    assert stored.name == "Zoë" and stored.phone == "+12075550187" and stored.email == "zoe@example.org"
    assert stored.call_times == ["mornings", "afternoons"] and stored.voicemail_ok is True
    return stored


def test_a_person_asks_for_a_call_back_with_the_keyboard_only(live_server, sized):
    reference = ask_for_a_call_back(sized, live_server.url, name=sized.size_name)
    assert_stored_as_new(reference)


def test_the_same_journey_without_javascript(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    reference = ask_for_a_call_back(page, live_server.url, name="no-js-phone", javascript=False)
    assert_stored_as_new(reference)
    context.close()


def test_staff_sign_in_with_two_factor_and_work_a_new_request(live_server, page, staff_roles):
    request = stored_request(name="Zoë")
    intake, device = staff_with_authenticator("intake", "Intake staff")
    sign_in(page, live_server.url, intake, device)

    with page.expect_navigation():
        page.locator("#content-main").get_by_role("link", name="Call-back requests").click()
    page.locator("#searchbar").fill(request.reference_display)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    with page.expect_navigation():
        rows.get_by_role("link", name=request.reference_display).click()

    inline = page.locator("#call_attempts-group")
    inline.locator("select[name='call_attempts-0-outcome']").select_option(label="No answer")
    inline.locator("input[name='call_attempts-0-note']").fill("Rang twice, no voicemail")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".messagelist .success").count() == 1

    # Back in the queue: the request is now attempting contact; the action schedules its consultation.
    page.locator("#searchbar").fill(request.reference_display)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#result_list tbody input.action-select").check()
    page.locator("select[name=action]").select_option(label="Mark as consultation scheduled")
    with page.expect_navigation():
        page.locator(".actions button[type=submit]").click()
    assert "now consultation scheduled" in page.locator(".messagelist").inner_text()

    attempt = CallAttempt.objects.get(consultation_request=request)
    assert (attempt.made_by, attempt.outcome, attempt.note) == (intake, "no_answer", "Rang twice, no voicemail")
    steps = StatusChange.objects.filter(consultation_request=request, changed_by=intake)
    assert [(step.from_status, step.to_status) for step in steps] == [
        (Status.NEW, Status.ATTEMPTING_CONTACT),
        (Status.ATTEMPTING_CONTACT, Status.CONSULTATION_SCHEDULED),
    ]
    request.refresh_from_db()
    assert request.status == Status.CONSULTATION_SCHEDULED and request.first_contacted_at is not None
