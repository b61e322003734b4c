import re

import pytest
import textstat

from tests.pages.conftest import EDITORIAL_PAGES

MAX_GRADE = 10
# Medicine names and pharmacology terms are long words a reader already knows from their prescription;
# they are counted as a plain word so that they don't decide the grade.
MEDICAL_TERMS = re.compile(
    r"\b(benzodiazepines?|benzos?|alprazolam|chlordiazepoxide|clonazepam|diazepam|lorazepam|oxazepam|temazepam|"
    r"triazolam|xanax|librium|klonopin|valium|ativan|serax|restoril|halcion|phenobarbital|gaba|anticonvulsant|"
    r"anxiolytic|hypnotic|metabolites?)\b",
    re.IGNORECASE,
)
BLOCKS = ("p", "li", "h2", "h3", "dt", "dd", "td", "th", "caption")


def main_text(soup) -> str:
    """The page's own words: each block ends as a sentence, the layout's call to action is left out."""
    main = soup.find("main")
    for aside in main.find_all("aside"):
        aside.decompose()
    sentences = []
    for block in main.find_all(BLOCKS):
        if block.find(BLOCKS):
            continue  # its inner blocks are counted on their own
        text = " ".join(block.get_text(" ").split()).rstrip(".:;,")
        if text:
            sentences.append(text + ".")
    return MEDICAL_TERMS.sub("medicine", " ".join(sentences))


@pytest.mark.parametrize("page", EDITORIAL_PAGES, ids=[page.name for page in EDITORIAL_PAGES])
def test_main_text_reads_at_grade_ten_or_below(soup_of, page):
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
