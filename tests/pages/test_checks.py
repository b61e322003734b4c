"""`check --deploy` warns, and only warns, while an article has no recorded review."""

from django.core.checks import ERROR, WARNING, run_checks

from clinic.models import TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.checks import check_page_reviews
from pages.models import PageReview
from tests.clinic_facts import record_real_looking_facts


def test_an_article_without_a_review_is_a_warning_not_an_error(clinic_facts):
    record_real_looking_facts()
    assert check_page_reviews() == []
    PageReview.objects.filter(page_name="withdrawal_symptoms").delete()
    problems = check_page_reviews()
    assert [(problem.id, problem.level) for problem in problems] == [("pages.W001", WARNING)]
    assert REVIEWABLE_PAGES_BY_NAME["withdrawal_symptoms"].nav_label in problems[0].msg
    deploy = run_checks(include_deployment_checks=True)
    assert "pages.W001" in [problem.id for problem in deploy]
    assert not [problem for problem in deploy if problem.id.startswith("pages.") and problem.level >= ERROR]


def test_a_review_by_an_unpublished_team_member_does_not_count(clinic_facts):
    record_real_looking_facts()
    TeamMember.objects.update(published=False)
    assert len(check_page_reviews()) == len(REVIEWABLE_PAGES_BY_NAME)
    assert not [problem for problem in run_checks() if problem.id.startswith("pages.")]
