"""The call-back form in a real browser: its error summary, and checked by axe. Sending it, at both sizes and
without JavaScript, is the patient journey in test_journeys.py."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from consultations.models import ConsultationRequest
from tests.consultations.conftest import FORM_URL

pytestmark = pytest.mark.django_db(transaction=True)


def test_errors_move_focus_to_the_summary_whose_links_lead_to_the_fields(live_server, page):
    page.goto(live_server.url + FORM_URL)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.locator("#error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.locator("#error-summary a", has_text="Choose at least one time").click()
    assert page.evaluate("document.activeElement.id") == "id_call_times_0"
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("with_errors", [False, True], ids=["form", "form-with-errors"])
def test_axe_finds_no_accessibility_violations(live_server, page, with_errors):
    page.goto(live_server.url + FORM_URL)
    if with_errors:
        page.get_by_label("Phone number").fill("12")
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_load_state()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_form_draws_its_checks_and_error_icons_within_the_content_security_policy(live_server, page):
    """Bootstrap draws ticks, radio dots and error icons from data: URLs, which `img-src 'self'` refuses."""
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.goto(live_server.url + FORM_URL)
    page.get_by_label("Phone number").fill("12")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    page.locator("input[type=checkbox]").first.check()
    page.locator("input[type=radio]").first.check()
    page.wait_for_timeout(200)
    checked = page.locator("input[type=checkbox]:checked").first
    assert "/static/" in checked.evaluate("element => getComputedStyle(element).backgroundImage")
    assert messages == []
