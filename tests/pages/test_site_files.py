import json
from datetime import datetime

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from pages.registry import HOME, PAGES_BY_NAME
from pages.templatetags.pages_tags import share_image
from tests.pages.conftest import EDITORIAL_PAGES


def json_ld(soup):
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_home_describes_the_clinic_in_json_ld(soup_of):
    _, soup = soup_of("/")
    data = json_ld(soup)
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == settings.CLINIC_NAME
    assert data["telephone"] == "+12075550142"


def test_articles_are_medical_web_pages_with_review_date(soup_of):
    page = PAGES_BY_NAME["withdrawal_symptoms"]
    _, soup = soup_of(page.url)
    data = json_ld(soup)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == page.reviewed_on.isoformat()
    reviewed = soup.find(class_="reviewed")
    assert settings.CONTENT_REVIEWER in reviewed.get_text()
    assert reviewed.find("time")["datetime"] == page.reviewed_on.isoformat()


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=[page.name for page in EDITORIAL_PAGES])
def test_share_tags_point_at_a_1200_by_630_image(soup_of, page):
    _, soup = soup_of(page.url)
    assert soup.find("meta", property="og:title")["content"] == page.title
    assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    image_url = soup.find("meta", property="og:image")["content"]
    assert image_url == f"{settings.SITE_URL}/static/{share_image(page)}"
    with Image.open(finders.find(share_image(page))) as image:
        assert image.size == (1200, 630)


def test_make_share_images_draws_every_page_and_the_favicons(tmp_path):
    call_command("make_share_images", output=tmp_path)
    for page in EDITORIAL_PAGES:
        with Image.open(tmp_path / "share" / f"{page.name}.png") as image:
            assert image.size == (1200, 630)
    with Image.open(tmp_path / "apple-touch-icon.png") as icon:
        assert icon.size == (180, 180)
    assert (tmp_path / "favicon.ico").stat().st_size > 0


def test_favicons_are_linked_and_exist(soup_of):
    _, soup = soup_of(HOME.url)
    icons = [link["href"] for link in soup.select("link[rel=icon]")]
    assert len(icons) == 2
    for href in icons + [soup.find("link", rel="apple-touch-icon")["href"]]:
        assert finders.find(href.removeprefix("/static/")), href


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.content.decode()


def test_security_txt_has_a_contact_and_a_future_expiry(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if ": " in line)
    assert fields["Contact"] == "tel:+12075550142"
    assert datetime.fromisoformat(fields["Expires"]) > datetime.now(tz=datetime.fromisoformat(fields["Expires"]).tzinfo)


def test_root_favicon_redirects_to_the_static_one(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert finders.find(response["Location"].removeprefix("/static/"))


def test_the_web_app_manifest_names_the_clinic_and_icons_of_the_sizes_it_says(client, soup_of):
    _, soup = soup_of("/")
    response = client.get(soup.find("link", rel="manifest")["href"])
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["theme_color"]) == (settings.CLINIC_NAME, "/", "#1f4e5f")
    purposes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert Image.open(path).size == (width, height)
        purposes.add(icon["purpose"])
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and purposes == {"any", "maskable"}
