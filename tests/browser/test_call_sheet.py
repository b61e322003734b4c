"""Intake's working screens at 1280×800, as staff use them: the queue's first screen, the call sheet worked with the
keyboard alone, the voicemail badge, and axe on each."""

from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from consultations.booking import new_change_link
from consultations.models import CallAttempt, CallOutcome, ConsultationRequest, Status
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_screenshots, sign_in, staff_with_authenticator, tab_to
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.factories import stored_request

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "admin:consultations_consultationrequest_changelist"
SHEET = "admin:consultations_consultationrequest_today"


@pytest.fixture
def monday_morning():
    """Monday, December 7, 2026, 8:30 am in Portland, the clock running from there."""
    with time_machine.travel(eastern(2026, 12, 7, 8, 30), tick=True):
        yield


def booked(hour: int, minute: int = 0, *, day: int = 7, **details) -> ConsultationRequest:
    return stored_request(
        call_at=eastern(2026, 12, day, hour, minute), change_link_hash=new_change_link()[1], **details
    )


@pytest.fixture
def a_working_day(monday_morning, staff_roles):
    """Three calls booked for today (one with no voicemail), one tomorrow, and a dozen "as soon as possible"."""
    set_call_windows(places=2, notice_hours=0, spans=((10, 12), (14, 16)))
    calls = {
        "no_voicemail": booked(10, name="Sam O'Brien", phone="+12075550105", voicemail_ok=False),
        "voicemail_ok": booked(10, 30, name="Lee", phone="+12075550102"),
        "afternoon": booked(14, name="Maria", phone="+12075550101"),
        "tomorrow": booked(11, day=8, name="Chris", phone="+12075550110"),
    }
    for number in range(12):
        stored_request(name=f"Person {number}", phone=f"+1207555{200 + number:04d}", voicemail_ok=number % 2 == 0)
    return calls


@pytest.fixture
def intake_page(live_server, page, a_working_day):
    intake, device = staff_with_authenticator("intake", "Intake staff")
    sign_in(page, live_server.url, intake, device)
    return page


def test_the_queue_shows_at_least_ten_requests_in_a_laptops_first_screen(live_server, intake_page):
    page = intake_page
    page.goto(live_server.url + reverse(QUEUE))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 12
    in_first_screen = [box for box in (row.bounding_box() for row in rows.all()) if box["y"] + box["height"] <= 800]
    admin_screenshots(page, "admin-queue-first-screen")
    assert len(in_first_screen) >= 10, f"only {len(in_first_screen)} rows fit in the first screen"
    # The promise said short, the name shown, voicemail as a word.
    first = rows.first
    assert first.locator(".field-promised").inner_text() == "Booked today 10:00 am"
    assert first.locator(".field-name_shown").inner_text() == "Sam O'Brien"
    assert first.locator(".field-voicemail").inner_text() == "No voicemail"


def test_a_call_is_worked_from_the_sheet_with_the_keyboard_alone(live_server, intake_page, a_working_day):
    page = intake_page
    page.goto(live_server.url + reverse(QUEUE))
    tab_to(page, f'a[href="{reverse(SHEET)}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == reverse(SHEET)
    names = page.locator(".call-sheet .call-name").all_inner_texts()
    assert names[:3] == ["Sam O'Brien", "Lee", "Maria"]  # booked calls by their time, then the others
    assert "Chris" not in names  # tomorrow's

    lee = a_working_day["voicemail_ok"]
    tab_to(page, f'#call-{lee.pk} button[value="{CallOutcome.LEFT_VOICEMAIL}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == reverse(SHEET)
    assert urlsplit(page.url).fragment == f"call-{lee.pk}"
    assert "recorded: No answer — left voicemail" in page.locator(".messagelist").inner_text()
    [attempt] = CallAttempt.objects.filter(consultation_request=lee)
    assert attempt.outcome == CallOutcome.LEFT_VOICEMAIL
    lee.refresh_from_db()
    assert lee.status == Status.ATTEMPTING_CONTACT
    assert "1 call, last left voicemail" in page.locator(f"#call-{lee.pk} .call-facts").inner_text()
    admin_screenshots(page, "admin-call-sheet")

    # Tomorrow is one step away (back up the page from the row the sheet returned to).
    tab_to(page, '.call-days a[href$="?day=2026-12-08"]', backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".call-sheet .call-name").all_inner_texts() == ["Chris"]


def test_no_voicemail_is_a_large_badge_and_is_never_offered(live_server, intake_page, a_working_day):
    page = intake_page
    page.goto(live_server.url + reverse(SHEET))
    sam = page.locator(f"#call-{a_working_day['no_voicemail'].pk}")
    badge = sam.locator(".no-voicemail-badge")
    assert badge.is_visible()
    assert badge.inner_text() == "NO VOICEMAIL"
    assert float(badge.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")) >= 18
    assert sam.get_by_role("button", name="No answer — left voicemail").count() == 0
    lee = page.locator(f"#call-{a_working_day['voicemail_ok'].pk}")
    assert lee.locator(".no-voicemail-badge").count() == 0
    assert lee.get_by_role("button", name="No answer — left voicemail").count() == 1


def test_the_call_sheet_a_request_page_and_moving_a_call_have_no_axe_violations(
    live_server, intake_page, a_working_day
):
    page = intake_page
    found = {}
    for name, url in (
        ("admin-call-sheet-today", reverse(SHEET)),
        ("admin-call-sheet-tomorrow", reverse(SHEET) + "?day=2026-12-08"),
        (
            "admin-request-first-screen",
            reverse("admin:consultations_consultationrequest_change", args=[a_working_day["no_voicemail"].pk]),
        ),
        (
            "admin-move-the-call",
            reverse("admin:consultations_consultationrequest_move_call", args=[a_working_day["tomorrow"].pk]),
        ),
    ):
        page.goto(live_server.url + url)
        found[name] = axe_violations(page)
        admin_screenshots(page, name)
    assert "".join(f"{name}: {report}" for name, report in found.items() if report) == ""
