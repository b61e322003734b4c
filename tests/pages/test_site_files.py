import json
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from PIL import Image

from clinic.models import Closure, Costs, TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.medications import MEDICATIONS
from pages.models import PageReview
from pages.registry import HOME, PAGES_BY_NAME
from pages.templatetags.pages_tags import share_image
from tests.clinic_facts import TEST_ADDRESS
from tests.pages.conftest import EDITORIAL_PAGES


def json_ld(soup):
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_home_describes_the_clinic_in_json_ld(soup_of):
    _, soup = soup_of("/")
    data = json_ld(soup)
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == settings.CLINIC_NAME
    assert data["telephone"] == "+12075550142"
    assert data["address"] == TEST_ADDRESS
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "17:00",
    }
    assert len(data["openingHoursSpecification"]) == 5
    assert "paymentAccepted" not in data and "specialOpeningHoursSpecification" not in data


def test_the_clinic_json_ld_names_closures_and_payment_when_recorded(soup_of):
    Costs.objects.update(self_pay="Ask us for prices.", insurance_plans="MaineCare\n\nMedicare\n")
    soon = date.today() + timedelta(days=5)
    Closure.objects.create(first_day=soon, last_day=soon + timedelta(days=1), note="Training")
    Closure.objects.create(first_day=date(2020, 1, 1), last_day=date(2020, 1, 1))
    _, soup = soup_of("/")
    data = json_ld(soup)
    assert data["paymentAccepted"] == "Self-pay, MaineCare, Medicare"
    assert data["specialOpeningHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "opens": "00:00",
            "closes": "00:00",
            "validFrom": soon.isoformat(),
            "validThrough": (soon + timedelta(days=1)).isoformat(),
        }
    ]
    assert "(Training)" in soup.find("footer").get_text()


def test_an_article_without_a_recorded_review_says_nothing_of_one(soup_of):
    _, soup = soup_of(PAGES_BY_NAME["withdrawal_symptoms"].url)
    data = json_ld(soup)
    assert data["@type"] == "MedicalWebPage"
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert soup.find(class_="reviewed") is None
    assert "review" not in soup.find("article").get_text().lower()


def test_an_article_shows_its_latest_review_by_a_published_clinician(soup_of):
    doctor = TeamMember.objects.get(name="Test Clinician")
    former = TeamMember.objects.create(name="Former Colleague", credentials="MD", role="Doctor", published=False)
    PageReview.objects.create(page_name="withdrawal_symptoms", reviewer=doctor, reviewed_on=date(2026, 10, 1))
    PageReview.objects.create(page_name="withdrawal_symptoms", reviewer=doctor, reviewed_on=date(2026, 11, 24))
    PageReview.objects.create(page_name="withdrawal_symptoms", reviewer=former, reviewed_on=date(2026, 11, 30))
    _, soup = soup_of(PAGES_BY_NAME["withdrawal_symptoms"].url)
    data = json_ld(soup)
    assert data["lastReviewed"] == "2026-11-24"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Test Clinician", "description": "MD"}
    reviewed = soup.find(class_="reviewed")
    assert " ".join(reviewed.get_text().split()) == "Reviewed by Test Clinician, MD on November 24, 2026."
    assert reviewed.find("time")["datetime"] == "2026-11-24"
    # Another article has no review of its own.
    _, other = soup_of(PAGES_BY_NAME["our_approach"].url)
    assert other.find(class_="reviewed") is None


def test_a_medication_page_shows_only_a_review_of_itself(soup_of):
    """Issue 26: a review of the overview was credited on all eight medication pages without the admin saying so."""
    doctor = TeamMember.objects.get(name="Test Clinician")
    PageReview.objects.create(page_name="benzodiazepines", reviewer=doctor, reviewed_on=date(2026, 11, 24))
    PageReview.objects.create(page_name=MEDICATIONS[0].page.name, reviewer=doctor, reviewed_on=date(2026, 11, 25))
    _, soup = soup_of(MEDICATIONS[0].get_absolute_url())
    assert json_ld(soup)["lastReviewed"] == "2026-11-25"
    _, soup = soup_of(MEDICATIONS[1].get_absolute_url())
    assert "lastReviewed" not in json_ld(soup) and soup.find(class_="reviewed") is None


def test_each_page_of_medical_advice_can_be_chosen_for_a_review_by_its_own_name():
    assert "faq" in REVIEWABLE_PAGES_BY_NAME and "for_clinicians" in REVIEWABLE_PAGES_BY_NAME
    assert {medication.page.name for medication in MEDICATIONS} <= set(REVIEWABLE_PAGES_BY_NAME)
    assert not {"privacy", "accessibility", "costs_and_insurance", "language_help"} & set(REVIEWABLE_PAGES_BY_NAME)


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
