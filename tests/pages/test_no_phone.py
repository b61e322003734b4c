"""A new installation has no phone recorded: no page may show an empty phone link or "call us on" and nothing."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string

from tests.clinic_facts import clear_facts
from tests.pages.conftest import EDITORIAL_PAGES

# The error pages and the lockout page, with what their views give them beyond the site's context.
ERROR_TEMPLATES = {
    "400.html": {},
    "403.html": {},
    "403_csrf.html": {},
    "404.html": {},
    "405.html": {},
    "500.html": {},
    "503.html": {},
    "admin/locked_out.html": {"failure_limit": 5, "cooloff_timedelta": timedelta(minutes=30)},
    # The medication table's fallback, shown when the list could not be read.
    "pages/benzodiazepines.html": {"page": EDITORIAL_PAGES[0], "medications": []},
}

# Words that promise a number or a time and are then followed by nothing ("call us at .", "Phone:", "open .").
_PROMISE_WITHOUT_FACT = re.compile(
    r"(?i)\b(?:call(?: us)?(?: now)?(?: on| at|:)|phone:|are open|hours are)\s*(?:[.;]|$)"
)


@pytest.fixture
def no_facts():
    clear_facts()


def _problems(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for link in soup.find_all("a"):
        named = link.get_text(strip=True) or link.get("aria-label") or any(img.get("alt") for img in link("img"))
        if not named:
            problems.append(f"link without a name: {link}")
        if re.fullmatch(r"tel:\s*", link.get("href", "")):
            problems.append(f"phone link without a number: {link}")
    for block in soup.find_all(["p", "li", "td", "dd", "address", "span"]):
        text = " ".join(block.get_text(" ").split())
        if _PROMISE_WITHOUT_FACT.search(text):
            problems.append(f"promises a fact it does not give: {text!r}")
    return problems


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=[page.name for page in EDITORIAL_PAGES])
def test_editorial_pages_with_no_facts_have_no_empty_phone_link(client, no_facts, page):
    response = client.get(page.url)
    assert response.status_code == 200
    assert _problems(response.content.decode()) == []


@pytest.mark.parametrize("template_name", ERROR_TEMPLATES)
def test_error_pages_with_no_facts_have_no_empty_phone_link(rf, no_facts, template_name):
    html = render_to_string(template_name, ERROR_TEMPLATES[template_name], request=rf.get("/"))
    assert _problems(html) == []


def test_error_pages_with_no_phone_offer_the_call_back_form_where_it_can_work(rf, no_facts):
    # The 503 page is shown when the database is away, so the form (which needs it) would fail too.
    for template_name in ("400.html", "403.html", "403_csrf.html", "405.html", "500.html"):
        soup = BeautifulSoup(render_to_string(template_name, request=rf.get("/")), "html.parser")
        assert soup.select_one("main a[href='/request-a-call-back/']"), template_name


def test_security_txt_with_no_phone_names_the_call_back_form(client, no_facts):
    body = client.get("/.well-known/security.txt").content.decode()
    contacts = [line.removeprefix("Contact: ") for line in body.splitlines() if line.startswith("Contact:")]
    assert contacts and all(re.fullmatch(r"tel:\+\d+|https?://\S+", contact) for contact in contacts), body


def test_with_a_phone_every_page_still_links_it(client):
    for page in EDITORIAL_PAGES:
        soup = BeautifulSoup(client.get(page.url).content, "html.parser")
        assert soup.select_one("header a[href='tel:+12075550142']"), page.name
        assert soup.select_one("footer address a[href='tel:+12075550142']"), page.name


@pytest.mark.parametrize(
    "path",
    [
        "/request-a-call-back/",
        "/request-a-call-back/thanks/",
        "/request-a-call-back/thanks/phone-call.ics",
        "/request-a-call-back/your-call/not-a-real-link/",
        "/request-a-call-back/your-call-is-cancelled/",
    ],
)
def test_the_call_back_pages_with_no_facts_have_no_empty_phone_link(client, no_facts, path):
    response = client.get(path, follow=True)
    assert response.status_code in (200, 404)
    assert _problems(response.content.decode()) == []


@pytest.mark.parametrize("template_name", ["consultations/rate_limited.html", "admin/sign_in_limited.html"])
def test_the_limit_pages_with_no_facts_have_no_empty_phone_link(rf, no_facts, template_name):
    assert _problems(render_to_string(template_name, request=rf.get("/"))) == []
