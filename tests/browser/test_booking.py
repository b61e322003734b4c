"""Booking a call time in a real browser (issue 12): on a 390 px phone, by keyboard, with and without
JavaScript, checked by axe on the form, the thanks page and the private link's pages."""

import time

import pytest

from consultations.booking import open_call_times
from consultations.forms import MIN_FILL_TIME
from consultations.models import Booking, ConsultationRequest, Status
from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot, tab_to
from tests.consultations.booking_helpers import set_call_windows
from tests.consultations.conftest import FORM_URL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call_windows():
    # Every half hour of every day, so that open times exist whenever the test runs.
    set_call_windows(places=2, notice_hours=0, spans=((0, 23),), weekdays=range(7))
    days = open_call_times()
    return days[1].slots[0]  # tomorrow's first call


def fill_in_the_rest(page) -> None:
    page.locator("#id_name").fill("Zoë")
    page.locator("#id_phone").fill("(207) 555-0187")
    page.locator("#id_voicemail_ok_1").check()
    page.locator("#id_request_for_0").check()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def send(page, opened_at: float) -> None:
    time.sleep(max(0, MIN_FILL_TIME.total_seconds() + 0.2 - (time.monotonic() - opened_at)))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()


def test_choosing_a_time_by_keyboard_on_a_phone_then_moving_and_cancelling_it(live_server, phone, call_windows):
    page = phone
    page.goto(live_server.url + FORM_URL)
    opened_at = time.monotonic()
    assert axe_violations(page) == ""
    assert no_sideways_scroll(page)
    # "At a time I choose", chosen with the keyboard, shows the list of times, which the keyboard then reaches.
    assert page.locator("#id_call_at").is_hidden()
    tab_to(page, "#id_when_0")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_when_1").is_checked() and page.locator("#id_call_times_0").is_hidden()
    tab_to(page, "#id_call_at")
    page.locator("#id_call_at").select_option(call_windows.value)
    assert call_windows.label in page.locator("[data-call-choice-words]").inner_text()
    save_screenshot(page, "booking-form-phone")
    fill_in_the_rest(page)
    send(page, opened_at)
    assert page.locator(".lead").inner_text().startswith("We will call you on ")
    assert call_windows.label in page.locator(".lead").inner_text()
    assert axe_violations(page) == ""
    assert no_sideways_scroll(page)
    save_screenshot(page, "booking-thanks-phone")

    with page.expect_navigation():
        page.get_by_role("link", name="Move or cancel your call").click()
    assert axe_violations(page) == ""
    assert no_sideways_scroll(page)
    later = open_call_times()[2].slots[0]
    page.locator("#id_call_at").select_option(later.value)
    with page.expect_navigation():
        page.get_by_role("button", name="Move my call").click()
    assert "Done: your call is moved" in page.inner_text("main")
    assert Booking.objects.get().starts_at == later.starts_at
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel my call").click()
    assert axe_violations(page) == ""
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel my call").click()
    assert page.locator("h1").inner_text() == "Your call is cancelled"
    assert ConsultationRequest.objects.get().status == Status.CLOSED


def test_choosing_a_time_without_javascript(live_server, browser, call_windows):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + FORM_URL)
    opened_at = time.monotonic()
    page.locator("#id_when_1").check()
    page.locator("#id_call_at").select_option(call_windows.value)
    fill_in_the_rest(page)
    send(page, opened_at)
    assert call_windows.label in page.locator(".lead").inner_text()
    assert Booking.objects.get().starts_at == call_windows.starts_at
    context.close()


def test_the_error_for_a_missing_time_is_reachable_from_the_summary(live_server, page, call_windows):
    page.goto(live_server.url + FORM_URL)
    page.locator("#id_when_1").check()
    fill_in_the_rest(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    page.locator("#error-summary a", has_text="Choose a time from the list").click()
    assert page.evaluate("document.activeElement.id") == "id_call_at"
    assert axe_violations(page) == ""
    assert not ConsultationRequest.objects.exists()
