from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.consultations.conftest import FORM_URL, THANKS_URL
from tests.pages.conftest import EDITORIAL_PAGES


@pytest.mark.parametrize("page_entry", EDITORIAL_PAGES, ids=[p.name for p in EDITORIAL_PAGES])
def test_page_requests_only_its_own_origin(live_server, phone, page_entry):
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    response = phone.goto(live_server.url + page_entry.url)
    phone.wait_for_load_state("networkidle")
    assert response.status == 200
    origin = urlsplit(live_server.url).netloc
    assert len(requested) > 1
    assert {urlsplit(url).netloc for url in requested} == {origin}, requested
    assert phone.locator("h1").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / f"phone-{page_entry.name}.png", full_page=True)


# Screenshots for a person to look over: a phone, a tablet and a laptop (the phone's are taken above).
@pytest.mark.parametrize("size", ["tablet", "desktop"])
@pytest.mark.parametrize("page_entry", EDITORIAL_PAGES, ids=[p.name for p in EDITORIAL_PAGES])
def test_page_on_tablet_and_desktop(live_server, browser, page_entry, size):
    width = {"tablet": 768, "desktop": 1280}[size]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + page_entry.url)
    assert page.locator("h1").is_visible()
    save_screenshot(page, f"{size}-{page_entry.name}")
    context.close()


# 320 CSS px is WCAG's reflow width; 640 px is a 1280 px screen zoomed to 200%.
@pytest.mark.parametrize("width", [320, 640])
@pytest.mark.parametrize("page_entry", EDITORIAL_PAGES, ids=[p.name for p in EDITORIAL_PAGES])
def test_text_reflows_without_sideways_scrolling(live_server, browser, page_entry, width):
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + page_entry.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert in_main


def test_benzodiazepine_table_fits_a_360px_phone(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/benzodiazepines/")
    table_width = page.evaluate("document.querySelector('table').scrollWidth")
    assert table_width <= 360
    context.close()


def test_pages_log_nothing_to_the_browser_console(live_server, page):
    """Console errors (a bad header, a missing file, a CSP block) are bugs a person never sees."""
    messages = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    for entry in EDITORIAL_PAGES[:3]:
        page.goto(live_server.url + entry.url)
    page.goto(live_server.url + "/favicon.ico")
    assert messages == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 768, 1280])
def test_form_its_errors_thanks_and_not_found_pages_at_every_size(live_server, browser, width):
    """Screenshots of the pages that are not editorial: the form, the form sent empty, the thanks page, the 404."""
    context = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=width < 768)
    page = context.new_page()
    page.goto(live_server.url + FORM_URL)
    save_screenshot(page, f"{width}-request-a-call-back")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    assert page.locator("#error-summary").is_visible()
    save_screenshot(page, f"{width}-request-a-call-back-errors")
    page.goto(live_server.url + THANKS_URL)
    save_screenshot(page, f"{width}-thanks")
    assert page.goto(live_server.url + "/no-such-page/").status == 404
    save_screenshot(page, f"{width}-404")
    context.close()
