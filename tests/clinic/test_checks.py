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
    ],
)
def test_each_placeholder_or_missing_fact_is_an_error(real_looking, change, expected):
    change()
    assert expected in ids(ERROR)


def test_the_checks_run_only_with_deploy(real_looking):
    ContactDetails.objects.update(phone="207-555-0199")
    assert not [problem for problem in run_checks() if problem.id.startswith("clinic.")]
    assert "clinic.E003" in [problem.id for problem in run_checks(include_deployment_checks=True)]
