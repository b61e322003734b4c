"""The call-back form in a real browser: with and without JavaScript, on a phone, and checked by axe."""

from urllib.parse import parse_qsl, urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe

from consultations.forms import FORM_TOKEN_FIELD
from consultations.models import ConsultationRequest
from tests.browser.conftest import ARTIFACTS
from tests.consultations.conftest import FORM_URL, opened_form_token

pytestmark = pytest.mark.django_db(transaction=True)


def fill_in(page):
    page.get_by_label("What should we call you?").fill("Zoë")
    page.get_by_label("Phone number").fill("(207) 555-0187")
    page.get_by_label("Weekday mornings").check()
    page.get_by_label("No, please don't leave a voicemail").check()
    page.get_by_label("Myself").check()
    page.get_by_label("I have read the privacy notice and I agree to it").check()
    # As if the page had been open for a while: the test doesn't wait out the minimum fill time.
    token = page.locator(f"input[name={FORM_TOKEN_FIELD}]")
    token.evaluate("(input, value) => input.value = value", opened_form_token())


def test_errors_move_focus_to_the_summary_whose_links_lead_to_the_fields(live_server, page):
    page.goto(live_server.url + FORM_URL)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "request-a-call-back-errors.png", full_page=True)
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.locator("#error-summary a", has_text="Choose at least one time").click()
    assert page.evaluate("document.activeElement.id") == "id_call_times_0"
    assert not ConsultationRequest.objects.exists()


def test_a_person_on_a_phone_sends_the_form_and_sees_a_reference(live_server, phone):
    phone.goto(live_server.url + FORM_URL)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "phone-request-a-call-back.png", full_page=True)
    fill_in(phone)
    phone.get_by_role("button", name="Send my request").click()
    phone.wait_for_url("**/request-a-call-back/thanks/")
    stored = ConsultationRequest.objects.get()
    assert phone.locator(".reference__code").inner_text() == stored.reference_display
    phone.reload()
    assert phone.locator(".reference__code").inner_text() == stored.reference_display, "a refresh shows the same"
    assert stored.phone == "+12075550187" and stored.status == "new"
    phone.screenshot(path=ARTIFACTS / "phone-request-a-call-back-thanks.png", full_page=True)


def test_the_form_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + FORM_URL)
    page.get_by_role("button", name="Send my request").click()
    assert page.title().startswith("Error: ")
    page.get_by_label("What should we call you?").fill("José")
    page.get_by_label("Phone number").fill("+44 20 7946 0958")
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("Yes, you may leave a voicemail").check()
    page.get_by_label("Someone I care about").check()
    page.get_by_label("I have read the privacy notice and I agree to it").check()
    # With scripts off the test can't set the hidden token in the page, so it swaps it in the request.
    token = opened_form_token()
    page.route("**/request-a-call-back/", lambda route: route.continue_(post_data=with_token(route.request, token)))
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/request-a-call-back/thanks/")
    assert ConsultationRequest.objects.get().name == "José"
    context.close()


def with_token(request, token: str) -> str:
    fields = parse_qsl(request.post_data, keep_blank_values=True)
    return urlencode([(key, token if key == FORM_TOKEN_FIELD else value) for key, value in fields])


@pytest.mark.parametrize("with_errors", [False, True], ids=["form", "form-with-errors"])
def test_axe_finds_no_accessibility_violations(live_server, page, with_errors):
    page.goto(live_server.url + FORM_URL)
    if with_errors:
        page.get_by_label("Phone number").fill("12")
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_load_state()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
