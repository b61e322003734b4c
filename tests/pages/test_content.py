"""What the pages say: sources, no promises, the review's corrections, the FAQ's JSON-LD, the clinic's facts."""

import json
import re
from datetime import date
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.template.loader import render_to_string

from pages import sources
from pages.faq import QUESTIONS
from pages.medications import MEDICATIONS, MEDICATIONS_BY_SLUG
from pages.registry import GROUP_ABOUT, GROUP_BENZODIAZEPINES, GROUP_HELP, HOME, PAGES_BY_NAME
from tests.pages.conftest import EDITORIAL_PAGES

page_ids = [page.name for page in EDITORIAL_PAGES]
NEW_PAGES = [
    PAGES_BY_NAME[name]
    for name in ("our_team", "costs_and_insurance", "what_to_expect", "staying_safe", "for_families", "visit_us", "faq")
]
# Pages that make medical claims: each must end with its sources.
ARTICLES = [page for page in EDITORIAL_PAGES if page.schema_type in ("MedicalWebPage", "FAQPage")]


def main_text(soup) -> str:
    return " ".join(soup.find("main").get_text(" ").split())


def page_text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


# --- The new pages -------------------------------------------------------------------------------------------


def test_the_new_pages_are_where_the_design_says_in_their_navigation_groups():
    assert {page.url: page.nav_group for page in NEW_PAGES} == {
        "/our-team/": GROUP_ABOUT,
        "/costs-and-insurance/": GROUP_ABOUT,
        "/what-to-expect/": GROUP_HELP,
        "/staying-safe/": GROUP_BENZODIAZEPINES,
        "/for-families/": GROUP_HELP,
        "/visit-us/": GROUP_ABOUT,
        "/faq/": GROUP_HELP,
    }
    assert PAGES_BY_NAME["our_approach"].nav_group == GROUP_ABOUT
    for name in ("dependence_vs_addiction", "why_not_traditional_rehab", "benzodiazepines", "withdrawal_symptoms"):
        assert PAGES_BY_NAME[name].nav_group == GROUP_BENZODIAZEPINES
    assert (GROUP_ABOUT, GROUP_BENZODIAZEPINES, GROUP_HELP) == ("About us", "Benzodiazepines", "Getting help")


@pytest.mark.django_db
@pytest.mark.parametrize("page", NEW_PAGES, ids=lambda page: page.name)
def test_new_pages_claim_no_review_that_has_not_happened(client, page):
    response = client.get(page.url)
    assert "Reviewed by" not in response.content.decode()
    assert "lastReviewed" not in response.content.decode()


@pytest.mark.parametrize("page", NEW_PAGES, ids=[page.name for page in NEW_PAGES])
def test_new_pages_make_no_query_once_cached(client, db, django_assert_num_queries, page):
    first = client.get(page.url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(page.url)
    assert again.status_code == 200
    assert again.content == first.content


# --- Sources -------------------------------------------------------------------------------------------------

ALL_SOURCES = [value for value in vars(sources).values() if isinstance(value, sources.Source)]


@pytest.mark.parametrize("source", ALL_SOURCES, ids=[source.title[:40] for source in ALL_SOURCES])
def test_every_source_has_author_title_year_and_a_link(source):
    assert source.author and source.title
    assert re.fullmatch(r"(19|20)\d\d|n\.d\.", source.year)
    assert source.url.startswith("https://")


def test_the_sources_the_issue_names_are_kept_exactly():
    assert sources.PARR_2009.detail == "Addiction 104(1): 13–24" and sources.PARR_2009.year == "2009"
    assert "September 23, 2020" in sources.FDA_2020_BOXED_WARNING.detail
    assert sources.ASHTON_MANUAL.year == "2002" and sources.ASHTON_EQUIVALENCE_TABLE.year == "2007"
    assert (
        "Benzodiazepine Tapering" in sources.JOINT_GUIDELINE_2025.title and sources.JOINT_GUIDELINE_2025.year == "2025"
    )
    assert sources.BEERS_2023.year == "2023" and sources.VA_DOD_2021.year == "2021"
    assert "UK" in sources.LADER_1999.detail


@pytest.mark.parametrize("page", ARTICLES, ids=[page.name for page in ARTICLES])
def test_every_article_ends_with_its_sources_as_links(soup_of, page):
    assert page.sources, f"{page.url} cites nothing"
    _, soup = soup_of(page.url)
    article = soup.find("main").find("article")
    section = article.find_all("section")[-1]
    assert section.find("h2").get_text(strip=True) == "Sources"
    items = section.find_all("li")
    assert len(items) == len(page.sources)
    for item, source in zip(items, page.sources, strict=True):
        text = " ".join(item.get_text(" ").split())
        assert item.find("a")["href"] == source.url
        assert source.author in text and source.title in text and f"({source.year})" in text


@pytest.mark.parametrize("page", ARTICLES, ids=[page.name for page in ARTICLES])
def test_an_article_names_each_of_its_sources_where_it_relies_on_it(soup_of, page):
    _, soup = soup_of(page.url)
    article = soup.find("main").find("article")
    article.find(id="sources-heading").find_parent("section").decompose()
    text = " ".join(article.get_text(" ").split())
    for source in page.sources:
        assert all(words in text for words in source.named_as), (page.url, source.title, source.named_as)


def test_every_article_of_the_first_wave_has_sources():
    names = {page.name for page in ARTICLES}
    assert {
        "dependence_vs_addiction",
        "why_not_traditional_rehab",
        "benzodiazepines",
        "withdrawal_symptoms",
        "our_approach",
        "coming_off_safely",
        "staying_safe",
        "what_to_expect",
        "for_families",
        "faq",
    } <= names
    assert {f"medication_{m.slug}" for m in MEDICATIONS} <= names


def test_pages_cite_what_they_quote():
    assert sources.VA_DOD_2021 in PAGES_BY_NAME["benzodiazepines"].sources
    assert sources.LADER_1999 in PAGES_BY_NAME["why_not_traditional_rehab"].sources
    assert sources.PARR_2009 in PAGES_BY_NAME["why_not_traditional_rehab"].sources
    staying_safe = PAGES_BY_NAME["staying_safe"].sources
    assert {sources.FDA_2020_BOXED_WARNING, sources.FDA_2016_OPIOIDS, sources.BEERS_2023} <= set(staying_safe)
    assert {sources.LIFELINE_988, sources.POISON_HELP} <= set(staying_safe)
    for medication in MEDICATIONS:
        assert (sources.VA_DOD_2021 in medication.page.sources) == bool(
            medication.va_dod_equivalent_mg or medication.slug == "chlordiazepoxide"
        )


def test_the_sources_are_in_the_json_ld_too(soup_of):
    _, soup = soup_of("/staying-safe/")
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert [citation["url"] for citation in data["citation"]] == [s.url for s in PAGES_BY_NAME["staying_safe"].sources]


# --- No promises ---------------------------------------------------------------------------------------------

# Words that promise safety or an outcome, or that the review asked to go.
PROMISES = re.compile(
    r"\b(guarantee\w*|risk[- ]free|no risk|completely safe|perfectly safe|100% safe|totally safe|safe taper|"
    r"taper safely|come off (?:it |them )?safely|you will (?:feel better|recover|be fine|be safe)|cures?|cured|"
    r"we will never|never make you|for as long as you need|fewer relapses|studies support this|"
    r"based on evidence|evidence-based|proven to|always works|success rate|did not chase a high)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_no_page_promises_safety_or_an_outcome(soup_of, page):
    _, soup = soup_of(page.url)
    text = page_text(soup)
    assert not PROMISES.findall(text), f"{page.url}: {PROMISES.findall(text)}"


def test_the_promise_check_can_fail():
    assert PROMISES.search("Our safe taper is guaranteed, with fewer relapses.")
    assert not PROMISES.search("We help you come off as safely as possible, with a secure form.")


def test_home_title_and_call_to_action_promise_no_safety(soup_of):
    assert "safely" not in HOME.title and "safely" not in HOME.heading
    _, soup = soup_of("/benzodiazepines/")
    assert "safe" not in soup.find(id="cta-heading").get_text().lower()


# --- The corrections -----------------------------------------------------------------------------------------


def test_rehab_page_softens_and_sources_its_claims(soup_of):
    _, soup = soup_of("/why-not-traditional-rehab/")
    text = main_text(soup)
    for gone in ("$15,000", "six figures", "between 7 and 90 days", "Most live-in rehab", "fewer relapses"):
        assert gone not in text
    assert "Many live-in rehab programs" in text
    assert "about services in the UK" in text and "1999" in text and "Lader" in text
    assert "street" not in text  # the remark is paraphrased without setting patients against people who use drugs
    assert "Parr" in text and "could not show whether people stayed off the medicine in the long run" in text
    assert "months or more than a year" in text  # the programme-length point rests on the 2025 guideline


def test_approach_page_drops_its_overclaims(soup_of):
    _, soup = soup_of("/our-approach/")
    text = main_text(soup)
    assert "Support based on evidence" not in text and "never" not in text.lower()
    assert "not as proven treatments" in text  # yoga and art therapy are offered for comfort
    assert "Parr" in text  # CBT's support is the one with research behind it


def test_home_page_promises_no_endless_aftercare(soup_of):
    _, soup = soup_of("/")
    assert "for as long as you need" not in main_text(soup)


def test_withdrawal_page_lists_the_symptoms_people_search_for_and_their_timing(soup_of):
    _, soup = soup_of("/withdrawal-symptoms/")
    text = main_text(soup)
    for symptom in ("too bright", "too loud", "pins and needles", "feeling unreal", "tinnitus", "poor concentration"):
        assert symptom in text, symptom
    assert "can take a few days to show" in text
    assert "protracted withdrawal" in text and "more than 12 months" in text


def test_no_page_sets_patients_against_people_who_use_drugs(soup_of):
    for page in EDITORIAL_PAGES:
        _, soup = soup_of(page.url)
        assert "chase a high" not in main_text(soup), page.url


def notes(soup) -> str:
    return " ".join(soup.find(id="about-medicine").find_parent("section").get_text(" ").split())


def test_each_medication_page_says_something_of_its_own(soup_of):
    own = {}
    for medication in MEDICATIONS:
        _, soup = soup_of(medication.get_absolute_url())
        own[medication.slug] = re.sub(medication.generic_name, "X", notes(soup), flags=re.IGNORECASE)
    assert len(set(own.values())) == len(MEDICATIONS), "the notes are one text with the name swapped"


@pytest.mark.parametrize("medication", MEDICATIONS, ids=[m.slug for m in MEDICATIONS])
def test_medication_page_names_how_long_it_acts_and_drops_the_unsourced_claim(soup_of, medication):
    _, soup = soup_of(medication.get_absolute_url())
    text = main_text(soup)
    assert f"{medication.generic_name} is {medication.acting}" in text
    assert "may also last longer" not in text


def test_the_diazepam_switch_is_told_true_for_each_medicine(soup_of):
    def text_of(slug):
        return notes(soup_of(MEDICATIONS_BY_SLUG[slug].get_absolute_url())[1])

    clonazepam = text_of("clonazepam")
    assert "already long-acting" in clonazepam and "not its half-life" in clonazepam and "strength" in clonazepam
    chlordiazepoxide = text_of("chlordiazepoxide")
    assert "already long-acting" in chlordiazepoxide and "often not needed" in chlordiazepoxide
    assert "in the US today it is mostly used" in chlordiazepoxide and "alcohol withdrawal" in chlordiazepoxide
    assert "the Ashton Manual uses diazepam for tapering" in text_of("diazepam")
    for slug in ("alprazolam", "lorazepam", "oxazepam", "temazepam", "triazolam"):
        assert "diazepam" in text_of(slug) and "switch" in text_of(slug), slug


def test_lorazepam_and_temazepam_are_intermediate_acting(soup_of):
    for slug in ("lorazepam", "temazepam"):
        _, soup = soup_of(MEDICATIONS_BY_SLUG[slug].get_absolute_url())
        assert "is intermediate-acting" in main_text(soup)
        assert "short-acting" not in soup.find("dl").get_text()


def test_medication_pages_quote_the_va_dod_figure_where_it_has_one(soup_of):
    _, soup = soup_of("/benzodiazepines/lorazepam/")
    assert "the 2021 VA/DoD substance use guideline gives 2 mg of lorazepam" in main_text(soup)
    _, soup = soup_of("/benzodiazepines/diazepam/")
    assert "VA/DoD substance use guideline gives" not in main_text(soup)


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_crisis_notice_on_every_page(soup_of, page):
    _, soup = soup_of(page.url)
    notice = soup.find(id="crisis-heading").find_parent("section")
    links = {a["href"] for a in notice.find_all("a")}
    assert {"tel:988", "sms:988", "tel:911"} <= links
    text = " ".join(notice.get_text(" ").split())
    assert "call 988 or text 988" in text and "thinking about suicide" in text
    assert "911 for immediate danger: a seizure, someone who has taken too much" in text
    assert "Already in our care" in text and "when we open" in text


def test_the_urgent_help_on_the_withdrawal_page_sends_suicide_to_988(soup_of):
    _, soup = soup_of("/withdrawal-symptoms/")
    urgent = soup.find(id="urgent-help").find_parent("section")
    item_911 = urgent.find("a", href="tel:911").find_parent("li").get_text(" ")
    assert "suicide" not in item_911 and "seizure" in item_911 and "taken too much" in item_911
    item_988 = urgent.find("a", href="tel:988").find_parent("li")
    assert item_988.find("a", href="sms:988") and "suicide" in item_988.get_text()


def test_staying_safe_gives_the_three_numbers(soup_of):
    _, soup = soup_of("/staying-safe/")
    links = {a["href"] for a in soup.find("main").find_all("a", href=True)}
    assert {"tel:911", "tel:988", "sms:988", "tel:+18002221222"} <= links
    text = main_text(soup)
    assert "1-800-222-1222" in text and "Beers Criteria (2023)" in text and "In 2016 the FDA" in text
    assert "more than 12 months" in text and "even when you take them exactly as prescribed" in text


# --- The FAQ and its JSON-LD ---------------------------------------------------------------------------------


def faq_json_ld(soup) -> dict:
    scripts = [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]
    [faq] = [data for data in scripts if data["@type"] == "FAQPage"]
    return faq


def test_faq_json_ld_parses_and_says_what_the_page_shows(soup_of):
    _, soup = soup_of("/faq/")
    faq = faq_json_ld(soup)
    assert 15 <= len(faq["mainEntity"]) <= 25
    shown = soup.find("main").find_all(class_="faq__item")
    assert len(shown) == len(faq["mainEntity"])
    for item, entity in zip(shown, faq["mainEntity"], strict=True):
        assert entity["@type"] == "Question"
        assert entity["name"] == item.find("h3").get_text(strip=True)
        answer = item.find("h3").find_next_sibling("div")
        visible = " ".join(" ".join(p.get_text(" ").split()) for p in answer.find_all("p"))
        assert entity["acceptedAnswer"] == {"@type": "Answer", "text": visible}


def test_faq_covers_the_questions_people_ask():
    asked = " ".join(question.question for question in QUESTIONS).lower()
    for topic in (
        "how long",
        "feel worse",
        "working",
        "drive",
        "not on your list",
        "already stopped",
        "addiction",
        "referral",
        "prescription",
        "pause",
        "private",
        "miss your call",
        "can't you help",
    ):
        assert topic in asked, topic


# --- The clinic's facts --------------------------------------------------------------------------------------


def fake_clinic(**facts):
    empty_costs = SimpleNamespace(first_call="", assessment="", self_pay="", note="", insurance_plans=[])
    details = {
        "name": "Portland Treatment Center",
        "phone": "(207) 555-0199",
        "phone_e164": "+12075550199",
        "address": "1 Test Street, Portland, ME 04101",
        "hours_text": "Monday to Friday, 8 am to 5 pm",
        "directions": "",
        "telehealth": "",
        "hours": [],
        "upcoming_closures": [],
        "team": [],
        "costs": empty_costs,
    }
    details.update(facts)
    return SimpleNamespace(**details)


def render(rf, name: str, clinic) -> BeautifulSoup:
    page = PAGES_BY_NAME[name]
    html = render_to_string(page.template_name, {"page": page, "clinic": clinic}, request=rf.get(page.url))
    return BeautifulSoup(html, "html.parser")


def asks_to_call(soup, section_id: str) -> bool:
    section = soup.find(id=section_id).find_parent("section")
    return "Call us to ask" in section.get_text() and bool(section.find("a", href="tel:+12075550199"))


def test_costs_page_shows_the_clinics_costs_and_plans(rf):
    costs = SimpleNamespace(
        first_call="The first call is free.",
        assessment="$250 for the first assessment (demo figure)",
        self_pay="$120 a visit (demo figure)",
        note="We can set up a payment plan (demo note).",
        insurance_plans=["Demo Health Plan"],
        mainecare="yes",
        medicare="no",
    )
    soup = render(rf, "costs_and_insurance", fake_clinic(costs=costs))
    text = main_text(soup)
    for fact in (costs.first_call, costs.assessment, costs.self_pay, costs.note, *costs.insurance_plans):
        assert fact in text
    assert "Call us to ask" not in text
    assert "Do you take MaineCare? Yes." in text and "Do you take Medicare? No, we don't take it" in text


def test_costs_page_asks_people_to_call_while_the_costs_are_empty(rf):
    soup = render(rf, "costs_and_insurance", fake_clinic())
    for section_id in ("first-call", "costs", "insurance"):
        assert asks_to_call(soup, section_id), section_id
    answers = [" ".join(dd.get_text(" ").split()) for dd in soup.select(".insurance-answers dd")]
    assert len(answers) == 2 and all(answer.startswith("Ask us. Call us to ask") for answer in answers)
    assert "$" not in main_text(soup)


def test_costs_are_one_table_of_item_price_and_what_is_included(rf):
    costs = SimpleNamespace(first_call="Free", assessment="$250", self_pay="$120 a visit", note="", insurance_plans=[])
    soup = render(rf, "costs_and_insurance", fake_clinic(costs=costs))
    [table] = soup.find("main").find_all("table")
    assert [th.get_text(strip=True) for th in table.find("thead").find_all("th")] == [
        "Item",
        "Price",
        "What is included",
    ]
    rows = {
        row.find("th").get_text(strip=True): [td.get_text(" ", strip=True) for td in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    }
    assert rows["The first call"][0] == "Free" and rows["The assessment"][0] == "$250"
    assert rows["Ongoing care, paying for yourself (self-pay)"][0] == "$120 a visit"
    assert all(len(cells) == 2 and cells[1] for cells in rows.values())


def test_team_page_shows_the_published_team_in_order(rf):
    team = [
        SimpleNamespace(
            name="Dr. Demo Example",
            credentials="MD",
            role="Prescribing physician",
            licence_type="Maine physician licence",
            licence_number="MD-00000",
            bio="Plans each taper with the patient (demo bio).",
            photo=None,
        ),
        SimpleNamespace(
            name="Sam Sample",
            credentials="LCSW",
            role="Therapist",
            licence_type="",
            licence_number="",
            bio="",
            photo=None,
        ),
    ]
    soup = render(rf, "our_team", fake_clinic(team=team))
    people = soup.find(id="team-heading").find_parent("section").find_all("li")
    assert [person.find("h3").get_text(strip=True) for person in people] == ["Dr. Demo Example, MD", "Sam Sample, LCSW"]
    first = " ".join(people[0].get_text(" ").split())
    assert "Prescribing physician" in first and "MD-00000" in first and "demo bio" in first
    assert not asks_to_call(soup, "team-heading")


def test_team_page_invents_no_one_while_the_team_is_empty(rf):
    soup = render(rf, "our_team", fake_clinic())
    assert asks_to_call(soup, "team-heading")
    assert not soup.find(id="team-heading").find_parent("section").find("h3")


def test_visit_page_shows_directions_hours_closures_and_telehealth(rf):
    clinic = fake_clinic(
        directions="Parking behind the building (demo directions).",
        telehealth="Follow-up visits by video for patients in Maine (demo).",
        hours=[
            SimpleNamespace(day_name="Monday", text="8 am to 5 pm"),
            SimpleNamespace(day_name="Friday", text="8 am to noon"),
        ],
        upcoming_closures=[
            SimpleNamespace(first_day=date(2026, 12, 24), last_day=date(2026, 12, 26), note="Holidays"),
            SimpleNamespace(first_day=date(2027, 1, 1), last_day=date(2027, 1, 1), note=""),
        ],
    )
    soup = render(rf, "visit_us", clinic)
    text = main_text(soup)
    assert "1 Test Street" in text and "demo directions" in text and "Maine (demo)" in text
    assert "Monday : 8 am to 5 pm" in text and "Friday : 8 am to noon" in text
    assert "Thursday, December 24 to Saturday, December 26, 2026 : Holidays" in text
    assert "Friday, January 1, 2027" in text
    assert not asks_to_call(soup, "telehealth")


def test_visit_page_asks_people_to_call_while_facts_are_empty(rf):
    soup = render(rf, "visit_us", fake_clinic())
    assert asks_to_call(soup, "directions") and asks_to_call(soup, "telehealth")
    assert not soup.find(id="closures")
    assert "Monday to Friday, 8 am to 5 pm" in main_text(soup)


def test_the_map_is_a_link_out_not_an_embed(soup_of):
    _, soup = soup_of("/visit-us/")
    link = soup.find("a", href=re.compile(r"^https://www\.openstreetmap\.org/search\?query="))
    assert link and not soup.find("iframe")
