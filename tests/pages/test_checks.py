"""`check --deploy` fails while a fact is a placeholder and warns while an article has no recorded review."""

import pytest
from django.core.checks import ERROR, WARNING, run_checks

from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.checks import check_clinic_facts
from pages.models import ContactDetails, Costs, OpeningHours, PageReview, TeamMember
from tests.clinic_facts import record_real_looking_facts


def ids(level=None) -> list[str]:
    return sorted(problem.id for problem in check_clinic_facts() if level is None or problem.level == level)


@pytest.fixture
def real_looking(clinic_facts):
    record_real_looking_facts()


def test_real_looking_facts_pass(real_looking):
    assert ids() == []


def test_the_test_facts_are_refused_as_placeholders():
    assert ids(ERROR) == ["pages.E003", "pages.E005"]  # the 555-0142 phone, the "Example" address


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda: ContactDetails.objects.update(phone="207-555-0199"), "pages.E003", id="fictional-phone"),
        pytest.param(lambda: ContactDetails.objects.all().delete(), "pages.E002", id="no-contact-details"),
        pytest.param(
            lambda: ContactDetails.objects.update(directions="PLACEHOLDER: parking"), "pages.E005", id="placeholder"
        ),
        pytest.param(lambda: Costs.objects.update(insurance_plans="Example Plan"), "pages.E005", id="example-plan"),
        pytest.param(lambda: OpeningHours.objects.all().delete(), "pages.E006", id="no-hours"),
        pytest.param(lambda: TeamMember.objects.update(published=False), "pages.E007", id="no-published-clinician"),
        pytest.param(lambda: TeamMember.objects.update(credentials=""), "pages.E007", id="no-credentials"),
    ],
)
def test_each_placeholder_or_missing_fact_is_an_error(real_looking, change, expected):
    change()
    assert expected in ids(ERROR)


def test_an_article_without_a_review_is_a_warning_not_an_error(real_looking):
    PageReview.objects.filter(page_name="withdrawal_symptoms").delete()
    assert ids(ERROR) == []
    warnings = [problem for problem in check_clinic_facts() if problem.level == WARNING]
    assert [warning.id for warning in warnings] == ["pages.W001"]
    assert REVIEWABLE_PAGES_BY_NAME["withdrawal_symptoms"].nav_label in warnings[0].msg


def test_the_checks_run_only_with_deploy(real_looking):
    ContactDetails.objects.update(phone="207-555-0199")
    assert not [problem for problem in run_checks() if problem.id.startswith("pages.")]
    assert "pages.E003" in [problem.id for problem in run_checks(include_deployment_checks=True)]
