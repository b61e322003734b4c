"""The third review's new pages and parts (issue 26): for clinicians, language help, the home page's signposts,
the FAQ's "On this page", the numbered steps of /what-to-expect/. Each new page's share image, sitemap entry and
JSON-LD are checked for every registry page in test_pages.py and test_site_files.py."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction

from clinic.facts import facts_changed
from clinic.models import ContactDetails, Costs, LanguageNotice, PlanAnswer
from pages import sources
from pages.faq import FAQ_GROUPS
from pages.registry import FOOTER_NAV, GROUP_HELP, PAGES_BY_NAME


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def json_ld(soup) -> dict:
    return json.loads(soup.find("script", type="application/ld+json").string)


def section(soup, heading_id: str):
    return soup.find(id=heading_id).find_parent("section")


# --- For clinicians ------------------------------------------------------------------------------------------


def test_for_clinicians_is_a_page_with_its_share_image_sitemap_entry_and_json_ld(client, soup_of):
    page = PAGES_BY_NAME["for_clinicians"]
    assert page.url == "/for-clinicians/" and page.nav_group == GROUP_HELP
    assert finders.find(f"img/share/{page.name}.png")
    assert "/for-clinicians/</loc>" in client.get("/sitemap.xml").content.decode()
    _, soup = soup_of(page.url)
    data = json_ld(soup)
    assert data["@type"] == "MedicalWebPage" and data["audience"] == {
        "@type": "MedicalAudience",
        "audienceType": "Clinician",
    }
    assert [citation["url"] for citation in data["citation"]] == [source.url for source in page.sources]


def test_for_clinicians_says_how_to_refer_what_to_send_who_we_help_and_the_pace(soup_of):
    _, soup = soup_of("/for-clinicians/")
    refer = section(soup, "how-to-refer")
    assert refer.find("a", href="/request-a-call-back/")
    assert "Phone for referrals" in text_of(refer) and "Secure fax" in text_of(refer)
    assert "Call us to ask" in text_of(refer)  # referral contact details are clinic facts, none recorded here
    send = text_of(section(soup, "what-to-send"))
    for needed in ("current daily dose", "other medicines", "other conditions", "run out"):
        assert needed in send, needed
    who = text_of(section(soup, "who-we-help"))
    assert "not an emergency service" in who and "severe or complicated withdrawal" in who
    assert "alcohol use disorder" in who
    prescriber = text_of(section(soup, "prescriber"))
    assert "keep their current prescriber" in prescriber and "consent" in prescriber
    pace = text_of(section(soup, "pace"))
    assert "5–10% of the dose every 2–4 weeks" in pace and "25% every 2 weeks" in pace
    assert "We never ask anyone to stop suddenly" in pace
    assert sources.JOINT_GUIDELINE_2025 in PAGES_BY_NAME["for_clinicians"].sources


# --- Language help -------------------------------------------------------------------------------------------


def test_language_help_is_linked_from_every_footer(soup_of):
    assert PAGES_BY_NAME["language_help"] in FOOTER_NAV
    for path in ("/", "/faq/", "/benzodiazepines/alprazolam/", "/request-a-call-back/"):
        _, soup = soup_of(path)
        assert soup.find("footer").find("a", href="/language-help/"), path


def test_language_help_says_the_interpreter_is_free_and_how_to_ask(soup_of):
    _, soup = soup_of("/language-help/")
    text = text_of(soup.find("main"))
    assert "It costs you nothing" in text and "interpreter" in text
    assert "say the name of your language in English" in text
    assert finders.find("img/share/language_help.png")


# --- Signposts, "On this page", numbered steps ---------------------------------------------------------------


def test_the_home_page_signposts_the_people_who_come(soup_of):
    _, soup = soup_of("/")
    signposts = soup.find(id="signposts-heading").find_parent("nav")
    links = {text_of(a): a["href"] for a in signposts.find_all("a")}
    assert links["I take Xanax, Klonopin, Ativan, Valium or another benzodiazepine"] == "/benzodiazepines/"
    assert links["I'm worried about someone"] == "/for-families/"
    assert links["What does it cost?"] == "/costs-and-insurance/"
    assert links["Meet the team"] == "/our-team/"
    assert links["My prescriber wants me to stop quickly"] == "/staying-safe/#too-fast"
    assert links["I'm a clinician referring a patient"] == "/for-clinicians/"
    hero = soup.find(class_="hero")
    assert hero.find_next("nav") is signposts  # straight after the hero, before the prose


def test_the_faq_has_an_on_this_page_list_of_its_groups(soup_of):
    _, soup = soup_of("/faq/")
    nav = soup.find(id="on-this-page-heading").find_parent("nav")
    targets = [a["href"] for a in nav.find_all("a")]
    assert len(targets) == len(FAQ_GROUPS)
    for target, group in zip(targets, FAQ_GROUPS, strict=True):
        heading = soup.find(id=target.removeprefix("#"))
        assert heading.name == "h2" and heading.get_text(strip=True) == group.heading
    assert [group.heading for group in FAQ_GROUPS] == [
        "Tapering",
        "Daily life during a taper",
        "Who we can help",
        "Contacting us and costs",
    ]


def test_what_to_expect_shows_its_steps_as_numbered_steps(soup_of):
    _, soup = soup_of("/what-to-expect/")
    steps = soup.find("main").select(".steps > .steps__step")
    headings = [text_of(step.find("h2")) for step in steps]
    assert headings == ["Step 1: The first call", "Step 2: The assessment", "Step 3: During the taper"]


# --- The new clinic facts, as the admin keeps them -----------------------------------------------------------


def test_how_soon_we_can_talk_and_the_referral_details_come_from_the_clinics_facts(soup_of):
    ContactDetails.objects.update(
        first_talk="Usually within one working day of your call.",
        referral_phone="(207) 555-0170",
        referral_fax="(207) 555-0171",
        referral_email="referrals@clinic.test",
    )
    facts_changed()
    _, soup = soup_of("/staying-safe/")
    assert "How soon we can talk: Usually within one working day of your call." in text_of(section(soup, "too-fast"))
    _, soup = soup_of("/for-clinicians/")
    refer = section(soup, "how-to-refer")
    assert refer.find("a", href="tel:+12075550170") and refer.find("a", href="mailto:referrals@clinic.test")
    assert "(207) 555-0171" in text_of(refer) and "Call us to ask" not in text_of(refer)


def test_mainecare_and_medicare_are_answered_from_the_clinics_facts(soup_of):
    Costs.objects.update_or_create(pk=1, defaults={"mainecare": PlanAnswer.YES, "medicare": PlanAnswer.NO})
    facts_changed()
    _, soup = soup_of("/costs-and-insurance/")
    answers = [text_of(dd) for dd in soup.select(".insurance-answers dd")]
    assert answers[0] == "Yes." and answers[1].startswith("No, we don't take it")


def test_a_plan_answer_other_than_yes_no_or_not_said_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Costs.objects.update_or_create(pk=1, defaults={"mainecare": "yup"})


def test_the_language_notices_are_data_each_marked_with_its_language(soup_of, django_capture_on_commit_callbacks):
    assert LanguageNotice.objects.count() >= 10  # the migration's notices, in the languages most spoken in Maine
    _, soup = soup_of("/language-help/")
    notices = soup.select(".language-notices li")
    assert len(notices) == LanguageNotice.objects.count()
    by_lang = {span["lang"]: span for span in soup.select(".language-notices [lang]")}
    assert {"es", "fr", "ar", "so", "pt", "zh-Hans", "vi", "km", "ln", "rw"} <= set(by_lang)
    assert by_lang["ar"]["dir"] == "rtl" and by_lang["es"]["dir"] == "ltr"
    with django_capture_on_commit_callbacks(execute=True):
        LanguageNotice.objects.filter(lang="es").update(text="Corrected by the clinic.")
        facts_changed()
    _, soup = soup_of("/language-help/")
    assert soup.select_one('.language-notices [lang="es"]').get_text() == "Corrected by the clinic."
