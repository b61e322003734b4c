"""Visit counting in a real browser, Global Privacy Control honoured, and axe on the manager's figures."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from insights.models import DailyCount, Kind
from tests.browser.axe import axe_violations
from tests.browser.conftest import SIZES, record_requests, save_screenshot, sign_in, staff_with_authenticator
from tests.factories import stored_request
from tests.insights.conftest import BROWSER, counted

pytestmark = pytest.mark.django_db(transaction=True)

# Headless Chromium says "HeadlessChrome", which the beacon leaves out as a bot: these pages are a person's.
PRETEND_GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"


@pytest.fixture
def visitor(browser):
    context = browser.new_context(user_agent=BROWSER, viewport=SIZES["phone"])
    yield context.new_page()
    context.close()


def wait_for_counts(expected: dict, timeout: float = 10) -> dict:
    """Beacons leave as the page goes: poll until the counts arrive (or fail with what did)."""
    deadline = timezone.now() + timedelta(seconds=timeout)
    while True:
        totals = counted()  # flushes, then reads every row
        if totals == expected or timezone.now() > deadline:
            return totals


def browse(page, base: str) -> None:
    page.goto(base + "/", referer="https://www.duckduckgo.com/")
    page.goto(base + "/our-approach/?utm_source=newsletter&utm_campaign=spring")
    page.wait_for_load_state("load")
    page.locator("main a[href='/request-a-call-back/']").first.click()
    page.wait_for_url("**/request-a-call-back/")
    page.wait_for_load_state("load")


def test_a_visit_is_counted_without_cookies_or_requests_elsewhere(live_server, visitor):
    requested = record_requests(visitor)
    browse(visitor, live_server.url)
    expected = {
        ("view", "/"): 1,
        ("referrer", "duckduckgo.com"): 1,
        ("view", "/our-approach/"): 1,
        ("source", "newsletter"): 1,
        ("campaign", "spring"): 1,
        ("form_opened", ""): 1,
        ("form_from", "/our-approach/"): 1,
    }
    assert wait_for_counts(expected) == expected
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(live_server.url).netloc}
    # The form's own CSRF cookie is the only one; the beacon added none.
    assert {cookie["name"] for cookie in visitor.context.cookies()} <= {"csrftoken"}


def test_global_privacy_control_means_no_beacon_at_all(live_server, visitor):
    visitor.add_init_script(PRETEND_GPC)
    requested = record_requests(visitor)
    browse(visitor, live_server.url)
    visitor.goto(live_server.url + "/privacy/")
    visitor.wait_for_load_state("load")
    assert [url for url in requested if "/visit/" in url] == []
    assert counted() == {}


def test_the_figures_page_has_no_axe_violations(live_server, page, staff_roles):
    today = timezone.localdate()
    DailyCount.objects.bulk_create(
        [DailyCount(day=today - timedelta(days=n), kind=Kind.VIEW, key="/", count=n % 9 + 3) for n in range(90)]
        + [
            DailyCount(day=today, kind=Kind.REFERRER, key="duckduckgo.com", count=12),
            DailyCount(day=today, kind=Kind.CAMPAIGN, key="spring", count=4),
            DailyCount(day=today, kind=Kind.FORM_OPENED, count=20),
            DailyCount(day=today, kind=Kind.FORM_FROM, key="/our-approach/", count=9),
            DailyCount(day=today, kind=Kind.REQUEST_SENT, count=5),
        ]
    )
    stored_request()
    manager, device = staff_with_authenticator("manager", "Clinic manager")
    sign_in(page, live_server.url, manager, device)
    found = {}
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        response = page.goto(live_server.url + "/admin/insights/dailycount/")
        assert response.status == 200
        assert page.locator("figure svg[role=img]").count() >= 6
        found[size] = axe_violations(page)
        save_screenshot(page, f"{size}-admin-figures")
    intake, intake_device = staff_with_authenticator("intake", "Intake staff")
    page.context.clear_cookies()
    sign_in(page, live_server.url, intake, intake_device)
    page.goto(live_server.url + "/admin/insights/dailycount/")
    found["intake"] = axe_violations(page)
    assert "".join(f"{name}: {report}" for name, report in found.items() if report) == ""
