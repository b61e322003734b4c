import pytest

from tests.browser.axe import axe_violations
from tests.pages.conftest import EDITORIAL_PAGES


@pytest.mark.parametrize("page_entry", EDITORIAL_PAGES, ids=[p.name for p in EDITORIAL_PAGES])
def test_public_page_has_no_axe_violations(live_server, page, page_entry):
    page.goto(live_server.url + page_entry.url)
    assert axe_violations(page) == ""


def test_404_page_has_no_axe_violations(live_server, page):
    page.goto(live_server.url + "/no-such-page/")
    assert axe_violations(page) == ""


def test_axe_check_can_fail(live_server, page):
    """The check must catch a real problem: an image without a text alternative."""
    page.goto(live_server.url + "/privacy/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in axe_violations(page)
