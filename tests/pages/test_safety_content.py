"""The third clinical review's safety and accuracy fixes (issue 26): the person told to stop too fast, the
emergency after a sudden stop, opioids and naloxone, one alcohol message, urgent advice first, the standard
advice as a warning callout, 988 both ways, US spelling and the figures' right source."""

import re

import pytest
from django.urls import reverse

from pages import sources
from pages.faq import QUESTIONS
from pages.registry import PAGES_BY_NAME
from tests.pages.conftest import EDITORIAL_PAGES

page_ids = [page.name for page in EDITORIAL_PAGES]


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


def section(soup, heading_id: str):
    return soup.find(id=heading_id).find_parent("section")


def answer(question_start: str) -> str:
    [question] = [q for q in QUESTIONS if q.question.startswith(question_start)]
    return question.answer_text


# --- Tapered too fast ----------------------------------------------------------------------------------------


def test_staying_safe_tells_the_person_told_to_stop_quickly_what_too_fast_is_and_what_to_do(soup_of):
    _, soup = soup_of("/staying-safe/")
    text = text_of(section(soup, "too-fast"))
    assert "6 mg of clonazepam" in text and "1.5 mg of clonazepam" in text  # the example is a high dose
    assert "5–10% of the dose every 2–4 weeks" in text and "25% of the dose every 2 weeks" in text
    assert "slow down or pause" in text
    assert "ask for a slower" in text and "FDA's 2020 warning and the 2025 guideline" in text
    assert "the date your medicine will run out" in text


def test_how_soon_we_can_talk_reads_call_us_to_ask_while_the_clinic_has_not_said(soup_of):
    _, soup = soup_of("/staying-safe/")
    [item] = [li for li in section(soup, "too-fast").find_all("li") if "How soon we can talk" in li.get_text()]
    assert "Call us to ask" in item.get_text() or "Ask us to call you back" in item.get_text()


def test_the_faq_answers_my_doctor_wants_me_to_stop_quickly():
    text = answer("My doctor wants me to stop quickly")
    assert "too fast" in text and "5–10% every 2–4 weeks" in text and "25% every 2 weeks" in text
    assert "run out" in text


STANDARD_ADVICE_GONE = re.compile(r"keep taking (?:your medicine|it|the medicine)", re.IGNORECASE)


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_no_page_tells_people_to_keep_taking_their_medicine_as_prescribed(soup_of, page):
    """For someone whose prescriber plans a two-week stop, "as prescribed" means following the fast plan."""
    _, soup = soup_of(page.url)
    assert not STANDARD_ADVICE_GONE.search(text_of(soup)), page.url


def test_the_check_for_the_old_advice_can_fail():
    assert STANDARD_ADVICE_GONE.search("While you decide, please keep taking your medicine as prescribed.")


# --- Don't stop suddenly, as a warning callout ---------------------------------------------------------------

TELLS_NOT_TO_STOP = re.compile(r"\b(?:don't|do not|don’t) stop\b|\bstop(?:ping)? suddenly\b", re.IGNORECASE)


def warning_callouts(soup) -> list:
    return soup.find("main").select(".callout--warning")


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_where_a_page_says_dont_stop_it_says_so_in_a_warning_callout(soup_of, page):
    _, soup = soup_of(page.url)
    main = soup.find("main")
    if page.audience or not TELLS_NOT_TO_STOP.search(text_of(main)):
        return  # the callout speaks to the person who takes the medicine, not to a referring clinician
    callouts = [text_of(callout) for callout in warning_callouts(soup)]
    assert any(text.startswith("Warning: don't stop suddenly") for text in callouts), page.url
    assert any("If your plan to come off feels too fast, tell your prescriber and tell us" in t for t in callouts)


def test_the_pages_that_advise_on_stopping_all_carry_the_callout(soup_of):
    for name in ("home", "staying_safe", "withdrawal_symptoms", "coming_off_safely", "what_to_expect", "our_approach"):
        _, soup = soup_of(PAGES_BY_NAME[name].url)
        assert warning_callouts(soup), name
    _, soup = soup_of("/benzodiazepines/clonazepam/")
    assert warning_callouts(soup)


def test_the_footer_warning_is_a_callout_in_the_new_words(soup_of):
    _, soup = soup_of("/privacy/")
    notice = soup.find(id="crisis-heading").find_parent("section")
    [callout] = notice.select(".callout--warning")
    assert "don't stop a benzodiazepine suddenly or cut down on your own" in text_of(callout)
    assert "too fast, tell your prescriber and tell us" in text_of(callout)


# --- After a sudden stop -------------------------------------------------------------------------------------


def test_after_a_sudden_stop_the_site_says_when_to_go_to_the_emergency_department(soup_of):
    _, soup = soup_of("/staying-safe/")
    text = text_of(section(soup, "already-stopped"))
    assert "Go to the emergency department now" in text
    for when in ("high daily dose in the last few days", "withdrawal seizure before", "no sleep|can't sleep at all"):
        assert re.search(when, text), when
    assert "short- or intermediate-acting" in text and "Call 911 for a seizure" in text
    assert "go to an urgent care" not in text.lower() and "call your pharmacist" not in text.lower()
    faq = answer("I have already stopped")
    assert "emergency department" in faq and "withdrawal seizure" in faq and "urgent care clinic today" not in faq


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_no_page_sends_a_sudden_stop_to_urgent_care_or_a_pharmacist(soup_of, page):
    _, soup = soup_of(page.url)
    text = text_of(soup.find("main")).lower()
    assert "go to an urgent care" not in text and "urgent care clinic today" not in text
    assert "call your pharmacist for advice" not in text


# --- Opioids and naloxone ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["staying_safe", "for_families"])
def test_opioids_naloxone_and_what_to_do_in_an_overdose(soup_of, name):
    page = PAGES_BY_NAME[name]
    _, soup = soup_of(page.url)
    text = text_of(section(soup, "opioids"))
    assert "methadone" in text and "buprenorphine" in text and "2017 the FDA" in text
    assert "naloxone (Narcan)" in text and "without a prescription" in text and "since 2023" in text
    assert "CDC's 2022 opioid guideline" in text
    steps = [text_of(li) for li in section(soup, "opioids").select(".callout--warning ol li")]
    assert len(steps) == 3
    assert "naloxone" in steps[0] and "911" in steps[1] and "Stay with the person" in steps[2]
    assert "recovery position" in steps[2]
    assert {sources.FDA_2017_OPIOID_TREATMENT, sources.FDA_2023_NALOXONE, sources.CDC_2022_OPIOIDS} <= set(page.sources)


def test_staying_safe_tells_people_on_methadone_or_buprenorphine_not_to_stop_it(soup_of):
    _, soup = soup_of("/staying-safe/")
    assert "If you take methadone or buprenorphine, don't stop it on your own" in text_of(section(soup, "opioids"))


# --- One alcohol message -------------------------------------------------------------------------------------

ALCOHOL_MESSAGE = "don't drink alcohol while you take a benzodiazepine"
DRINKING = re.compile(r"\b(?:drink|drinking)\b[^.]*\balcohol\b|\balcohol\b(?! (?:withdrawal|use disorder))", re.I)


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_every_page_that_speaks_of_drinking_says_the_one_alcohol_message(soup_of, page):
    _, soup = soup_of(page.url)
    text = text_of(soup.find("main"))
    for other in ("best not to", "cut down on caffeine and alcohol", "drink less"):
        assert other not in text, (page.url, other)
    if re.search(r"\bdrink\b[^.]*alcohol|alcohol[^.]*\bdrink\b", text, re.I):
        assert ALCOHOL_MESSAGE in text.lower(), page.url


def test_the_faq_and_staying_safe_say_the_alcohol_message(soup_of):
    assert ALCOHOL_MESSAGE in answer("Can I drink alcohol").lower()
    assert answer("Can I drink alcohol").startswith("No.")
    _, soup = soup_of("/staying-safe/")
    assert ALCOHOL_MESSAGE in text_of(section(soup, "mixing")).lower()


# --- Urgent advice first -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staying-safe/", "/withdrawal-symptoms/"])
def test_the_urgent_advice_box_comes_before_the_prose(soup_of, path):
    _, soup = soup_of(path)
    article = soup.find("main").find("article")
    first = next(
        child
        for child in article.find_all(recursive=False)
        if child.name not in ("h1",) and not {"print-only", "reviewed"} & set(child.get("class", ()))
    )
    assert "urgent" in first.get("class", ()), first
    links = {a["href"] for a in first.find_all("a", href=True)}
    assert {"tel:911", "tel:988", "sms:988", "tel:+18002221222"} <= links
    assert "emergency department" in text_of(first) and "988lifeline.org" in text_of(first)
    assert first.find("a", href="https://988lifeline.org/")


# --- 988 both ways -------------------------------------------------------------------------------------------


def check_988_both_ways(soup, where: str):
    for link in soup.find_all("a", href="tel:988"):
        block = link.find_parent(["p", "li"])
        assert block.find("a", href="sms:988"), (where, text_of(block))
    assert "call or text 988" not in text_of(soup).lower() or soup.find("a", href="sms:988")


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_every_call_988_link_has_its_text_988_link(soup_of, page):
    _, soup = soup_of(page.url)
    check_988_both_ways(soup, page.url)


@pytest.mark.django_db
def test_the_call_back_form_links_988_both_ways(soup_of):
    _, soup = soup_of(reverse("consultations:request"))
    check_988_both_ways(soup, "form")
    assert soup.find("main").find("a", href="sms:988")


# --- US spelling, the figures' source, inpatient care --------------------------------------------------------


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_pages_use_us_spelling(soup_of, page):
    _, soup = soup_of(page.url)
    text = text_of(soup)
    assert not re.search(r"\blicence|judgement\b", text, re.IGNORECASE), page.url


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=page_ids)
def test_the_patient_guides_figures_are_credited_to_it(soup_of, page):
    _, soup = soup_of(page.url)
    text = text_of(soup.find("main"))
    if "nearly everyone" in text or "fewer than 2 in 100" in text:
        assert sources.ASAM_PATIENT_GUIDE_2025 in page.sources, page.url
    for sentence in re.findall(r"[^.]*(?:nearly everyone|fewer than 2 in 100)[^.]*\.", text):
        assert "guideline" not in sentence or "patient guide" in sentence, sentence


def test_the_faq_credits_the_month_figure_to_the_patient_guide():
    text = answer("I have only taken it for a few weeks")
    assert "patient guide" in text and "within weeks" in text
    assert sources.ASAM_PATIENT_GUIDE_2025 in PAGES_BY_NAME["faq"].sources


def test_the_rehab_page_says_when_inpatient_care_is_the_right_choice(soup_of):
    _, soup = soup_of("/why-not-traditional-rehab/")
    text = text_of(section(soup, "inpatient"))
    assert "2025 guideline" in text
    assert "serious harm right now" in text and "alcohol use disorder" in text
    assert "severe or complicated withdrawal" in text
    assert "inpatient care" in answer("Who can't you help").lower() or "inpatient unit" in answer("Who can't you")


def test_staying_safe_lists_at_least_two_sources_and_withdrawal_lists_low_mood(soup_of):
    assert len(PAGES_BY_NAME["staying_safe"].sources) >= 2
    _, soup = soup_of("/withdrawal-symptoms/")
    assert "low mood or depression" in text_of(section(soup, "common-symptoms"))


def test_the_faq_answers_z_drugs_and_breastfeeding():
    asked = " ".join(q.question for q in QUESTIONS)
    assert "zolpidem" in asked and "breastfeeding" in asked
    assert "zopiclone" in answer("Do you help with sleeping pills") and "eszopiclone" in answer("Do you help with")
