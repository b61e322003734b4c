import re
from collections import Counter

import pytest
import textstat
from bs4 import BeautifulSoup

from pages.medications import MEDICATIONS
from pages.registry import PAGES
from tests.pages.conftest import EDITORIAL_PAGES

MAX_GRADE = 8
# Medicine names and pharmacology terms are long words a reader already knows from their prescription;
# they are counted as a plain word so that they don't decide the grade.
MEDICAL_TERMS = re.compile(
    r"\b(benzodiazepines?|benzos?|alprazolam|chlordiazepoxide|clonazepam|diazepam|lorazepam|oxazepam|temazepam|"
    r"triazolam|xanax|librium|klonopin|valium|ativan|serax|restoril|halcion|phenobarbital|gaba|anticonvulsant|"
    r"anxiolytic|hypnotic|metabolites?)\b",
    re.IGNORECASE,
)
# Prose is what is graded: lists, tables, definitions and headings are short by design and would pull the
# grade down without saying anything about how the sentences read.
NOT_PROSE = ("li", "table", "dl", "nav", "aside")


def prose_paragraphs(soup) -> list[str]:
    """The page's own paragraphs of running text (the layout's call to action and footer left out)."""
    paragraphs = []
    for paragraph in soup.find("main").find_all("p"):
        if paragraph.find_parent(NOT_PROSE) or {"reviewed", "print-only"} & set(paragraph.get("class", ())):
            continue
        text = " ".join(paragraph.get_text(" ").split()).rstrip(".:;,")
        if text:
            paragraphs.append(text + ".")
    return paragraphs


def main_text(soup) -> str:
    return MEDICAL_TERMS.sub("medicine", " ".join(prose_paragraphs(soup)))


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=[page.name for page in EDITORIAL_PAGES])
def test_prose_reads_at_grade_eight_or_below(soup_of, page):
    _, soup = soup_of(page.url)
    text = main_text(soup)
    assert textstat.lexicon_count(text) > 150, "too little text to grade"
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{page.url} reads at grade {grade}"


def test_the_grade_check_catches_hard_prose():
    """The measure must be able to fail: dense clinical prose scores far above the limit."""
    dense = (
        "Pharmacological discontinuation necessitates individualised, incremental dosage reductions, "
        "considering interindividual pharmacokinetic variability and concomitant psychiatric comorbidities. "
    ) * 20
    assert textstat.flesch_kincaid_grade(dense) > MAX_GRADE


def test_the_grade_is_measured_on_paragraphs_not_lists():
    soup = BeautifulSoup(
        "<main><p>A plain sentence about the taper.</p><ul><li>Pharmacokinetic interindividual variability.</li></ul>"
        "<aside><p>Call-to-action words.</p></aside></main>",
        "html.parser",
    )
    assert prose_paragraphs(soup) == ["A plain sentence about the taper."]


SENTENCE = re.compile(r"[^.!?]+[.!?]")
SHORT_SENTENCE_WORDS = 6
MAX_SHORT_RUN = 3


def _short_runs(paragraph: str) -> list[list[str]]:
    runs, run = [], []
    for sentence in (s.strip() for s in SENTENCE.findall(paragraph)):
        if len(sentence.split()) <= SHORT_SENTENCE_WORDS:
            run.append(sentence)
        else:
            run = []
        if len(run) > MAX_SHORT_RUN:
            runs.append(list(run))
    return runs


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=[page.name for page in EDITORIAL_PAGES])
def test_no_choppy_runs_of_very_short_sentences(soup_of, page):
    _, soup = soup_of(page.url)
    choppy = [run for paragraph in prose_paragraphs(soup) for run in _short_runs(paragraph)]
    assert not choppy, f"{page.url}: {choppy}"


def test_the_choppiness_check_can_fail():
    assert _short_runs("It is hard. It is slow. It takes time. It can pause. That is fine.")


def test_no_stock_line_is_repeated_across_the_articles(client):
    """A sentence may be shared by a few pages, not pasted onto most of them (the frame says it once per page).
    The medication pages share one template, so one of them stands for all eight."""
    pages = [page for page in PAGES if page.name not in ("privacy", "accessibility")] + [MEDICATIONS[0].page]
    seen = Counter()
    for page in pages:
        soup = BeautifulSoup(client.get(page.url).content, "html.parser")
        # The warning callouts (includes/dont_stop.html, includes/overdose_steps.html) are one component, meant to
        # say the same words wherever they stand, like the crisis notice; their words are still graded above.
        for callout in soup.select(".callout"):
            callout.decompose()
        sentences = {s.strip() for paragraph in prose_paragraphs(soup) for s in SENTENCE.findall(paragraph)}
        # "Call us to ask" stands where one of the clinic's facts will go: it is meant to be the same everywhere.
        seen.update(s for s in sentences if len(s.split()) > 4 and not s.startswith("Call us to ask"))
    repeated = {sentence: count for sentence, count in seen.items() if count > 2}
    assert not repeated, repeated
