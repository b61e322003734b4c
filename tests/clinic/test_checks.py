"""`check --deploy` fails while a fact is a placeholder or missing."""

import pytest
from django.core.checks import ERROR, run_checks

from clinic.checks import check_clinic_facts
from clinic.models import ContactDetails, Costs, OpeningHours, TeamMember
from tests.clinic_facts import record_real_looking_facts


def ids(level=None) -> list[str]:
    return sorted(problem.id for problem in check_clinic_facts() if level is None or problem.level == level)


@pytest.fixture
def real_looking(clinic_facts):
    record_real_looking_facts()


def test_real_looking_facts_pass(real_looking):
    assert ids() == []


def test_the_test_facts_are_refused_as_placeholders():
    assert ids(ERROR) == ["clinic.E003", "clinic.E005"]  # the 555-0142 phone, the "Example" address


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda: ContactDetails.objects.update(phone="207-555-0199"), "clinic.E003", id="fictional-phone"),
        pytest.param(lambda: ContactDetails.objects.all().delete(), "clinic.E002", id="no-contact-details"),
        pytest.param(
            lambda: ContactDetails.objects.update(directions="PLACEHOLDER: parking"), "clinic.E005", id="placeholder"
        ),
        pytest.param(lambda: Costs.objects.update(insurance_plans="Example Plan"), "clinic.E005", id="example-plan"),
        pytest.param(lambda: OpeningHours.objects.all().delete(), "clinic.E006", id="no-hours"),
        pytest.param(lambda: TeamMember.objects.update(published=False), "clinic.E007", id="no-published-clinician"),
        pytest.param(lambda: TeamMember.objects.update(credentials=""), "clinic.E007", id="no-credentials"),
        # Issue 26: demo rows edited instead of deleted, and demo-style values, are refused too.
        pytest.param(
            lambda: Costs.objects.update(assessment="$000 (not a real price)"), "clinic.E005", id="zero-price"
        ),
        pytest.param(lambda: Costs.objects.update(self_pay="$0.00 a visit"), "clinic.E005", id="zero-cents"),
        pytest.param(lambda: Costs.objects.update(first_call="Free (demo figure)"), "clinic.E005", id="demo-word"),
        pytest.param(
            lambda: TeamMember.objects.update(licence_type="Maine medical license", licence_number="DEMO-0000"),
            "clinic.E005",
            id="demo-license",
        ),
        pytest.param(lambda: TeamMember.objects.update(demo=True), "clinic.E008", id="edited-demo-member"),
        pytest.param(
            lambda: ContactDetails.objects.update(first_talk="Placeholder: within a day"),
            "clinic.E005",
            id="first-talk",
        ),
    ],
)
def test_each_placeholder_or_missing_fact_is_an_error(real_looking, change, expected):
    change()
    assert expected in ids(ERROR)


def test_the_checks_run_only_with_deploy(real_looking):
    ContactDetails.objects.update(phone="207-555-0199")
    assert not [problem for problem in run_checks() if problem.id.startswith("clinic.")]
    assert "clinic.E003" in [problem.id for problem in run_checks(include_deployment_checks=True)]


@pytest.mark.parametrize("price", ["$10", "$250 for the assessment", "$120 a visit", "$0.50 a page", "Free"])
def test_a_real_price_is_not_taken_for_a_zero_placeholder(real_looking, price):
    Costs.objects.update(assessment=price)
    assert ids() == []


def test_demo_data_edited_into_real_looking_facts_is_still_refused():
    """Editing the demo doctor into a real-looking one leaves the reviews it was credited with: still an error."""
    from clinic.demo import load_demo_facts
    from pages.checks import check_page_reviews
    from pages.demo import load_demo_reviews
    from pages.models import PageReview
    from tests.clinic_facts import clear_facts

    clear_facts()
    load_demo_facts()
    load_demo_reviews()
    TeamMember.objects.filter(demo=True).update(
        name="Dr. Real Person", credentials="MD", role="Medical director", licence_type="", licence_number="", bio=""
    )
    assert "clinic.E008" in ids(ERROR)
    assert PageReview.objects.filter(reviewer__demo=True).exists()
    assert "pages.E001" in [problem.id for problem in check_page_reviews() if problem.level == ERROR]
