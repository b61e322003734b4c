"""The header, the menus, the hero and the phone numbers in a real browser, at the sizes people use (issue 15)."""

import pytest

from pages.registry import MAIN_NAV, MAIN_NAV_GROUPS
from tests.browser.conftest import tab_to
from tests.pages.conftest import EDITORIAL_PAGES

HOME_BUDGET_BYTES = 100 * 1024


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def visible_links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "links => links.filter(a => a.checkVisibility()).map(a => a.pathname)")


def test_phone_header_is_compact_and_the_menu_opens_without_javascript(live_server, phone_without_javascript):
    page = phone_without_javascript
    page.goto(live_server.url + "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 130  # the name, the Menu button, the phone and the call-back: two short rows
    assert page.get_by_role("link", name="Request a call-back").first.is_visible()
    assert visible_links(page, ".site-header nav a") == []
    tab_to(page, ".site-menu summary")
    page.keyboard.press("Enter")
    assert visible_links(page, ".site-header nav a") == [entry.url for _, group in MAIN_NAV_GROUPS for entry in group]
    page.keyboard.press("Enter")
    assert visible_links(page, ".site-header nav a") == []


def test_escape_closes_an_open_menu_and_returns_focus_to_its_button(live_server, phone):
    phone.goto(live_server.url + "/")
    phone.get_by_text("Menu", exact=True).click()
    assert phone.locator(".site-menu").get_attribute("open") is not None
    phone.keyboard.press("Escape")
    assert phone.locator(".site-menu").get_attribute("open") is None
    assert phone.evaluate("document.activeElement.matches('.site-menu summary')")


def test_desktop_header_is_one_line_at_1280_px_with_a_menu_per_group(live_server, page):
    page.goto(live_server.url + "/benzodiazepines/")
    tops = page.eval_on_selector_all(
        ".site-header__bar > :is(.site-name, .site-nav, .site-header__actions)",
        "items => items.filter(i => i.checkVisibility()).map(i => Math.round(i.getBoundingClientRect().top))",
    )
    assert len(tops) == 3 and max(tops) - min(tops) <= 12, tops
    assert page.locator(".site-header").bounding_box()["height"] <= 72
    assert not page.locator(".site-menu").is_visible()
    # Each group opens on its own; opening one closes the other (the <details> share a name).
    summaries = page.locator(".site-nav summary")
    summaries.nth(0).click()
    summaries.nth(1).click()
    assert page.locator(".site-nav details[open]").count() == 1
    assert set(visible_links(page, ".site-nav a")) <= {entry.url for entry in MAIN_NAV}
    assert "/benzodiazepines/" in visible_links(page, ".site-nav a")


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_phone_numbers_never_break_across_lines(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    broken = []
    for entry in EDITORIAL_PAGES[:8]:
        page.goto(live_server.url + entry.url)
        broken += page.eval_on_selector_all(
            "a[href^='tel:']", "links => links.filter(a => a.getClientRects().length > 1).map(a => a.textContent)"
        )
    context.close()
    assert broken == []


@pytest.mark.parametrize("size", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_the_hero_drawing_is_the_largest_paint_and_has_its_size_before_it_loads(live_server, browser, size):
    context = browser.new_context(viewport=size)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")
    # The last candidate is the largest; a second lets a slow machine report every paint first.
    largest = page.evaluate(
        """() => new Promise(resolve => {
             let last = "";
             new PerformanceObserver(list => {
               for (const entry of list.getEntries()) if (entry.element) last = entry.element.className;
             }).observe({type: "largest-contentful-paint", buffered: true});
             setTimeout(() => resolve(last), 1000);
           })"""
    )
    assert largest == "hero__image"
    image = page.locator(".hero__image")
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("600", "400")
    preload = page.locator("link[rel=preload][as=image]")
    assert preload.get_attribute("href") == image.get_attribute("src")
    context.close()


def test_the_home_page_with_its_hero_is_within_100_kb(live_server, phone):
    """Every byte the home page loads, uncompressed (production compresses them further)."""
    sizes = {}
    phone.on("response", lambda response: sizes.update({response.url: len(response.body())}))
    phone.goto(live_server.url + "/")
    phone.wait_for_load_state("networkidle")
    assert any(url.endswith(".svg") for url in sizes), sizes
    assert sum(sizes.values()) <= HOME_BUDGET_BYTES, sizes
