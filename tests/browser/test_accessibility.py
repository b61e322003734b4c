from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from consultations.booking import new_change_link, open_call_times
from consultations.models import BookingPause, Status
from consultations.services import change_status
from tests.browser.axe import axe_violations
from tests.browser.conftest import admin_screenshots, save_screenshot, sign_in, staff_with_authenticator
from tests.consultations.booking_helpers import set_call_windows
from tests.consultations.conftest import FORM_URL, THANKS_URL
from tests.factories import stored_request
from tests.pages.conftest import EDITORIAL_PAGES


@pytest.mark.parametrize("page_entry", EDITORIAL_PAGES, ids=[p.name for p in EDITORIAL_PAGES])
def test_public_page_has_no_axe_violations(live_server, sized, page_entry):
    """Every editorial page (the registry's, the FAQ and the other second-wave pages among them) on a phone and
    a desktop."""
    sized.goto(live_server.url + page_entry.url)
    assert axe_violations(sized) == ""


def test_404_page_has_no_axe_violations(live_server, page):
    page.goto(live_server.url + "/no-such-page/")
    assert axe_violations(page) == ""


def test_axe_check_can_fail(live_server, page):
    """The check must catch a real problem: an image without a text alternative."""
    page.goto(live_server.url + "/privacy/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in axe_violations(page)


@pytest.mark.django_db(transaction=True)
def test_thanks_page_opened_cold_has_no_axe_violations(live_server, page):
    """Opened without having sent the form: the general thank-you (the warm one is checked in the journey)."""
    response = page.goto(live_server.url + THANKS_URL)
    assert response.status == 200 and page.locator(".reference__code").count() == 0
    assert axe_violations(page) == ""


@pytest.mark.django_db(transaction=True)
def test_rate_limited_page_has_no_axe_violations(live_server, page, settings):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 0
    response = page.goto(live_server.url + FORM_URL)
    assert response.status == 429
    assert axe_violations(page) == ""
    save_screenshot(page, "desktop-rate-limited")


@pytest.mark.django_db(transaction=True)
def test_csrf_failure_page_has_no_axe_violations(live_server, page):
    """The form sent after its CSRF cookie has gone (cleared, or blocked by the browser)."""
    page.goto(live_server.url + FORM_URL)
    page.context.clear_cookies()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus") == 403
    assert axe_violations(page) == ""
    save_screenshot(page, "desktop-403-csrf")


@pytest.mark.django_db(transaction=True)
def test_bad_request_page_has_no_axe_violations(live_server, page):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: a message far longer than the field's maxlength, set by a script."""
    page.goto(live_server.url + FORM_URL)
    message = page.get_by_label("Anything you would like us to know (optional)")
    message.evaluate("(field, length) => field.value = 'x'.repeat(length)", django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus") == 400
    assert page.locator("h1").inner_text() == "We could not read that request"
    assert axe_violations(page) == ""
    save_screenshot(page, "desktop-400")


def test_method_not_allowed_page_has_no_axe_violations(live_server, page):
    """Chromium refuses to send TRACE, so the test turns a navigation to the GET-only thanks page into OPTIONS (a
    method CSRF protection lets through, as it does TRACE)."""
    page.route("**" + THANKS_URL, lambda route: route.continue_(method="OPTIONS"))
    response = page.goto(live_server.url + THANKS_URL)
    assert response.status == 405
    assert axe_violations(page) == ""


# The admin pages staff use, as a clinic manager (who sees them all) has them.
ADMIN_PAGES = {
    "admin-index": "admin:index",
    "admin-requests": "admin:consultations_consultationrequest_changelist",
    "admin-request": "admin:consultations_consultationrequest_change",
    "admin-audit-log": "admin:consultations_auditentry_changelist",
    "admin-notifications": "admin:consultations_staffnotification_changelist",
    "admin-todays-calls": "admin:consultations_consultationrequest_today",
    "admin-move-call": "admin:consultations_consultationrequest_move_call",
    "admin-call-capacity": "admin:clinic_bookingrules_change",
    "admin-release-bookings": "admin:consultations_consultationrequest_release_bookings",
}
_ABOUT_THE_REQUEST = ("_change", "_move_call")


@pytest.mark.django_db(transaction=True)
def test_admin_pages_staff_use_have_no_axe_violations(live_server, page, staff_roles):
    set_call_windows(notice_hours=0, spans=((0, 23),), weekdays=range(7))
    request = stored_request(call_at=open_call_times()[1].slots[0].starts_at, change_link_hash=new_change_link()[1])
    # The dashboard's warnings shown too: booking paused by the breaker, and spam waiting for a manager.
    BookingPause.objects.create(
        started_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=6), booked_in_hour=9, usual_per_hour=0.4
    )
    change_status(consultation_request=stored_request(phone="+12075550166"), status=Status.SPAM)
    manager, device = staff_with_authenticator("manager", "Clinic manager")
    found = {}
    page.goto(live_server.url + reverse("admin:login"))
    found["admin-sign-in"] = axe_violations(page)
    admin_screenshots(page, "admin-sign-in")
    sign_in(page, live_server.url, manager, device)
    for name, url_name in ADMIN_PAGES.items():
        args = [1] if "bookingrules" in url_name else [request.pk] if url_name.endswith(_ABOUT_THE_REQUEST) else []
        response = page.goto(live_server.url + reverse(url_name, args=args))
        assert response.status == 200, name
        found[name] = axe_violations(page)
        admin_screenshots(page, name)
    assert "".join(f"{name}: {report}" for name, report in found.items() if report) == ""
