from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS
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
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / f"phone-{page_entry.name}.png", full_page=True)


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
