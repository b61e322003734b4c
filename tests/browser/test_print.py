"""An article or a medication page printed, or saved as a PDF to take to a prescriber (issue 15).

Chromium prints the page to PDF with its print stylesheet; the PDF's text says what is on paper. The pages are
also saved as PNG-ready PDFs in artifacts/ for a person to look over.
"""

import io
import unicodedata

import pytest
from django.conf import settings
from pypdf import PdfReader

from clinic.models import ContactDetails
from pages.medications import MEDICATIONS, MEDICATIONS_BY_SLUG
from tests.browser.conftest import ARTIFACTS
from tests.clinic_facts import record_real_looking_facts

SCREEN_ONLY = ["Skip to main content", "Menu", "About us", "Request a call-back", "Talk to us about a safe taper"]


def printed_text(page, url: str, name: str) -> str:
    page.goto(url)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(format="Letter")
    (ARTIFACTS / f"print-{name}.pdf").write_bytes(pdf)
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())  # NFKC: "ﬁ" ligatures back to "fi"


@pytest.mark.parametrize("path", ["/benzodiazepines/", MEDICATIONS_BY_SLUG["lorazepam"].get_absolute_url()])
def test_printed_page_has_its_address_and_review_date_and_no_screen_furniture(live_server, page, path):
    record_real_looking_facts()  # every article reviewed by the test clinician on November 24, 2026
    text = printed_text(page, live_server.url + path, path.strip("/").replace("/", "-"))
    assert f"{settings.SITE_URL}{path}" in text
    assert "Reviewed by Test Clinician, MD on November 24, 2026" in text
    assert "Ashton" in text  # the source of the figures
    assert ContactDetails.objects.get().phone in text
    for words in SCREEN_ONLY:
        assert words not in text, words


def test_printed_table_has_every_medication_and_its_equivalent(live_server, page):
    text = printed_text(page, live_server.url + "/benzodiazepines/", "benzodiazepines-table")
    assert "Where these figures come from" in text
    table = text[text.index("About equal to 10 mg diazepam") : text.index("Where these figures come from")]
    starts = [table.index(f"{medication.generic_name} ") for medication in MEDICATIONS]
    for medication, start, end in zip(MEDICATIONS, starts, [*starts[1:], len(table)], strict=True):
        row = table[start:end]
        assert medication.half_life_hours in row and f"{medication.equivalent_mg} mg" in row, row


def test_print_layout_keeps_the_table_whole(live_server, page):
    """In print, the table is not a scrolling box, repeats its headings on each sheet and splits no row."""
    page.goto(live_server.url + "/benzodiazepines/")
    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => {
          const table = document.querySelector(".benzo-table");
          const rows = [...table.querySelectorAll("tr")].map(row => getComputedStyle(row).breakInside);
          return {
            overflow: getComputedStyle(table.parentElement).overflowX,
            fits: table.scrollWidth <= table.parentElement.clientWidth,
            head: getComputedStyle(table.tHead).display,
            rows: [...new Set(rows)],
            shown: [".site-header__actions", ".site-menu", ".cta", ".breadcrumb"]
              .filter(selector => document.querySelector(selector)?.checkVisibility()),
          };
        }"""
    )
    assert layout == {"overflow": "visible", "fits": True, "head": "table-header-group", "rows": ["avoid"], "shown": []}


def test_printed_article_shows_its_sources_addresses_and_says_it_is_not_medical_advice(live_server, page):
    """Issue 26: the prescriber can look the sources up from the paper, and the paper says what it is not."""
    text = printed_text(page, live_server.url + "/staying-safe/", "staying-safe")
    assert "doi.org/10.1007/s11606-025-09499-2" in text  # the 2025 joint guideline's address
    assert "poisonhelp.hrsa.gov" in text
    assert "It is not medical advice for you." in text
    assert "Warning: don't stop suddenly" in text and "Get help now" in text
