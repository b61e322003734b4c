import csv
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from pages.medications import DATA_FILE, MEDICATIONS
from pages.registry import FOOTER_NAV, GROUP_BENZODIAZEPINES, HOME, MAIN_NAV, MAIN_NAV_GROUPS, NAV_GROUPS, PAGES
from tests.clinic_facts import TEST_ADDRESS, TEST_PHONE_E164
from tests.pages.conftest import EDITORIAL_PAGES

page_ids = [page.name for page in EDITORIAL_PAGES]


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_page_has_its_own_h1_title_and_description(soup_of, page):
    response, soup = soup_of(page.url)
    assert response.status_code == 200
    assert [h1.get_text(strip=True) for h1 in soup.find_all("h1")] == [page.heading]
    assert soup.title.get_text().startswith(page.title)
    assert soup.find("meta", attrs={"name": "description"})["content"] == page.description
    assert soup.find("link", rel="canonical")["href"] == f"{settings.SITE_URL}{page.url}"


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_page_shows_phone_callback_crisis_notice_and_caution(soup_of, page):
    _, soup = soup_of(page.url)
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    assert soup.find(id="main").name == "main"
    header_phone = soup.select_one("header a[href^='tel:']")
    assert header_phone["href"] == "tel:+12075550142"
    assert soup.find("a", href="/request-a-call-back/")
    footer = soup.find("footer")
    text = " ".join(footer.get_text(" ").split())
    assert "988" in text and "911" in text
    assert "don't stop a benzodiazepine suddenly or cut down on your own" in text
    assert TEST_ADDRESS in text
    assert "Monday to Friday, 8 am to 5 pm" in text
    footer_links = {a["href"] for a in footer.find_all("a")}
    assert {"/privacy/", "/accessibility/", "/language-help/"} <= footer_links


def test_titles_are_unique_across_pages():
    titles = [page.title for page in EDITORIAL_PAGES]
    assert len(titles) == len(set(titles))


def test_navigation_lists_exactly_the_registry_in_its_groups(soup_of):
    _, soup = soup_of("/")
    expected = [(group, [(page.url, page.nav_label) for page in pages]) for group, pages in MAIN_NAV_GROUPS]
    # The menu behind the phone's Menu button, and the desktop's line of groups: the same links in the same groups.
    menu = soup.select_one(".site-menu nav[aria-label='Main']")
    in_menu = [
        (
            label.get_text(strip=True),
            [(a["href"], a.get_text(strip=True)) for a in menu.select(f"#{label['id']} + ul a")],
        )
        for label in menu.select(".site-menu__group")
    ]
    line = soup.select_one(".site-nav[aria-label='Main']")
    in_line = [
        (group.summary.get_text(strip=True), [(a["href"], a.get_text(strip=True)) for a in group.select("a")])
        for group in line.select("details")
    ]
    assert in_menu == expected
    assert in_line == expected
    assert sorted(page.name for _, pages in MAIN_NAV_GROUPS for page in pages) == sorted(p.name for p in MAIN_NAV)
    header_links = [a["href"] for a in soup.select(".site-header__actions a")]
    assert header_links == [f"tel:{TEST_PHONE_E164}", "/request-a-call-back/"]
    footer = [a["href"] for a in soup.select("footer .site-footer__about a")]
    assert footer == [page.url for page in FOOTER_NAV] + ["/request-a-call-back/"]
    assert {*MAIN_NAV, *FOOTER_NAV, HOME} == set(PAGES)


def test_every_page_in_the_main_menu_has_a_group():
    assert {page.nav_group for page in MAIN_NAV} <= set(NAV_GROUPS)
    assert all(page.nav_group == "" for page in FOOTER_NAV)


def test_current_page_is_marked_in_navigation(soup_of):
    page = MAIN_NAV[0]
    _, soup = soup_of(page.url)
    current = [a["href"] for a in soup.select("nav[aria-label='Main'] a[aria-current='page']")]
    assert current == [page.url, page.url]  # once in the menu, once in the line of groups
    assert [s.get_text(strip=True) for s in soup.select(".site-nav__current")] == [page.nav_group]


def test_a_medication_page_marks_its_group(soup_of):
    _, soup = soup_of(MEDICATIONS[0].get_absolute_url())
    assert [s.get_text(strip=True) for s in soup.select(".site-nav__current")] == [GROUP_BENZODIAZEPINES]


def test_breadcrumbs_lead_home(soup_of):
    medication = MEDICATIONS[0]
    _, soup = soup_of(medication.get_absolute_url())
    crumbs = soup.select("nav[aria-label='Breadcrumb'] li")
    assert [li.get_text(strip=True) for li in crumbs] == ["Home", "Benzodiazepines", medication.generic_name]
    assert crumbs[-1]["aria-current"] == "page"


def test_sitemap_lists_exactly_the_registry_and_medications(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = [urlsplit(loc.text).path for loc in ElementTree.fromstring(response.content).findall(".//s:loc", namespace)]
    assert paths == [page.url for page in EDITORIAL_PAGES]


def test_benzodiazepine_table_shows_the_data_file_unchanged(soup_of):
    with DATA_FILE.open(newline="") as data:
        rows = list(csv.DictReader(data))
    assert len(rows) == 8
    _, soup = soup_of("/benzodiazepines/")
    table = soup.find("table")
    body_rows = table.find("tbody").find_all("tr")
    assert len(body_rows) == len(rows)
    for row, tr in zip(rows, body_rows, strict=True):
        text = " ".join(tr.get_text(" ").split())
        assert tr.find("a")["href"] == f"/benzodiazepines/{row['slug']}/"
        for column in ("generic_name", "us_brand_names", "half_life_hours", "approx_equivalent_to_10mg_diazepam_mg"):
            assert row[column] in text, (row["slug"], column)
        if row["active_metabolite_half_life_hours"]:
            assert row["active_metabolite_half_life_hours"] in text
    source = soup.find(class_="table-source").get_text(" ")
    assert "Ashton" in source and "approximate" in source.lower()


def test_data_file_matches_what_the_clinic_published():
    """The figures are the published ones; a typo here would be a dosing error on a patient's screen."""
    equivalents = {m.slug: (m.equivalent_mg, m.half_life_hours, m.metabolite_half_life_hours) for m in MEDICATIONS}
    assert equivalents == {
        "alprazolam": ("0.5", "6-12", ""),
        "chlordiazepoxide": ("25", "5-30", "36-200"),
        "clonazepam": ("0.5", "18-50", ""),
        "diazepam": ("10", "20-100", "36-200"),
        "lorazepam": ("1", "10-20", ""),
        "oxazepam": ("20", "4-15", ""),
        "temazepam": ("20", "8-22", ""),
        "triazolam": ("0.5", "2", ""),
    }


@pytest.mark.parametrize("medication", MEDICATIONS, ids=[m.slug for m in MEDICATIONS])
def test_medication_page_shows_its_facts(soup_of, medication):
    _, soup = soup_of(medication.get_absolute_url())
    text = " ".join(soup.find("main").get_text(" ").split())
    for value in (medication.brand_names, medication.half_life_hours, medication.equivalent_mg):
        assert value in text
    assert "prescriber" in text


def test_short_intermediate_and_long_acting_medications_are_told_apart():
    acting = {m.slug: m.acting for m in MEDICATIONS}
    assert acting == {
        "alprazolam": "short-acting",
        "chlordiazepoxide": "long-acting",
        "clonazepam": "long-acting",
        "diazepam": "long-acting",
        "lorazepam": "intermediate-acting",
        "oxazepam": "short-acting",
        "temazepam": "intermediate-acting",
        "triazolam": "short-acting",
    }


@pytest.mark.parametrize("path", ["/benzodiazepines/not-a-drug/", "/benzodiazepines/ALPRAZOLAM/", "/no-such-page/"])
def test_unknown_pages_are_404_in_the_site_look(soup_of, path):
    response, soup = soup_of(path)
    assert response.status_code == 404
    assert soup.find("h1").get_text(strip=True) == "We can't find that page"
    assert soup.select_one("header a[href^='tel:']")
    assert "988" in soup.find("footer").get_text()


def test_server_error_page_shows_phone_and_crisis_notice(rf):
    from pages.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Sorry, something went wrong on our side"
    assert soup.select_one("a[href='tel:+12075550142']")
    assert "988" in soup.find("footer").get_text()


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_editorial_pages_make_no_query_set_no_cookie_and_may_be_cached(client, django_assert_num_queries, page):
    client.get("/privacy/")  # the clinic's facts are read once, then kept in the cache
    with django_assert_num_queries(0):
        response = client.get(page.url)
    assert response.status_code == 200
    assert not response.cookies
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", f"max-age={settings.PAGE_CACHE_SECONDS}"} <= cache_control


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_editorial_pages_answer_a_revalidation_with_304(client, django_assert_num_queries, page):
    etag = client.get(page.url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(page.url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert not response.cookies
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]
    assert response["Vary"] == "Accept-Encoding"


def test_a_changed_page_is_sent_again(client):
    response = client.get("/", headers={"if-none-match": '"an-older-version"'})
    assert response.status_code == 200
    assert response.content


def test_compressed_pages_vary_only_on_encoding_and_revalidate(client):
    plain_etag = client.get("/")["ETag"]
    response = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert response["Vary"] == "Accept-Encoding"
    # A weak ETag for the compressed body, still matching the page for either encoding.
    assert response["ETag"] == f"W/{plain_etag}"
    assert client.get("/", headers={"if-none-match": response["ETag"]}).status_code == 304


# Elements and attributes through which a page would load something by itself (not links a person clicks).
_LOADING = [
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("iframe", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
]
_LOADING_LINK_RELS = {
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "manifest",
}


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_no_page_loads_anything_from_another_host(soup_of, page):
    _, soup = soup_of(page.url)
    loaded = [tag.get(attribute) for name, attribute in _LOADING for tag in soup.find_all(name) if tag.get(attribute)]
    loaded += [link["href"] for link in soup.find_all("link", href=True) if _LOADING_LINK_RELS & set(link["rel"])]
    assert loaded, "expected at least the stylesheet"
    for url in loaded:
        assert not urlsplit(url).netloc and url.startswith("/"), url
    assert not soup.find(style=True), "inline styles"
    assert all(script.get("src") or script.get("type") == "application/ld+json" for script in soup.find_all("script"))
    assert "@import" not in str(soup.find_all("style"))


def test_stylesheets_load_nothing_from_another_host():
    static = Path(settings.BASE_DIR) / "static"
    for css in static.rglob("*.css"):
        text = css.read_text()
        assert "@import" not in text, css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert url.startswith("data:") or not (urlsplit(url).scheme or url.startswith("//")), (css, url)


def test_pages_say_the_facts_are_made_up_only_while_developing(client, settings):
    assert client.get("/").content.count(b"development-banner") == 0
    settings.DEBUG = True
    banner = BeautifulSoup(client.get("/").content, "html.parser").find(class_="development-banner")
    assert "made up" in banner.get_text()
