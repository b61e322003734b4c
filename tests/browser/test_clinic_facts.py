"""The Clinic manager keeps the clinic's facts in the admin, and the public site follows at once."""

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot, sign_in, staff_with_authenticator

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_manager_changes_the_phone_and_the_home_page_shows_it(live_server, browser, page, staff_roles):
    page.goto(live_server.url + "/")
    assert page.locator("header a[href^='tel:']").inner_text().split("\n")[-1] == "(207) 555-0142"

    manager, device = staff_with_authenticator("manager", "Clinic manager")
    sign_in(page, live_server.url, manager, device)
    with page.expect_navigation():
        page.locator("#content-main").get_by_role("link", name="Contact and place").click()
    assert axe_violations(page) == ""
    page.get_by_label("Phone:", exact=True).fill("(207) 555-2368")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()

    # The next visitor (a browser that has not kept the page: browsers and a CDN may keep it PAGE_CACHE_SECONDS).
    visitor = browser.new_context().new_page()
    visitor.goto(live_server.url + "/")
    header_phone = visitor.locator("header a[href^='tel:']")
    assert header_phone.inner_text().split("\n")[-1] == "(207) 555-2368"
    assert header_phone.get_attribute("href") == "tel:+12075552368"
    assert visitor.locator("footer a[href='tel:+12075552368']").count() == 1
    save_screenshot(visitor, "facts-home-after-phone-change")
    visitor.context.close()


def test_the_team_member_form_with_its_photo_field_passes_axe(live_server, page, staff_roles):
    manager, device = staff_with_authenticator("manager", "Clinic manager")
    sign_in(page, live_server.url, manager, device)
    page.goto(live_server.url + "/admin/clinic/teammember/add/")
    assert page.get_by_label("New photo").count() == 1
    assert axe_violations(page) == ""
