import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clinic.checks import check_clinic_facts
from clinic.facts import build_facts
from clinic.models import PhotoVariant, TeamMember
from consultations.models import (
    AuditEntry,
    CallAttempt,
    ConsultationRequest,
    Note,
    NotificationStatus,
    StaffNotification,
    Status,
    StatusChange,
)
from insights.management.commands.load_demo_data import DEMO_BOOKED, DEMO_LOGINS, DEMO_PASSWORD, DEMO_REQUESTS
from insights.models import DailyCount
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from portland_site.clinic_time import in_clinic_time
from tests.clinic_facts import clear_facts


def snapshot():
    return (
        sorted(ConsultationRequest.objects.values_list("reference", "status", "first_contacted_at", "closed_at")),
        CallAttempt.objects.count(),
        Note.objects.count(),
        StatusChange.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
def test_demo_data_loads_twice_without_change(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    first = snapshot()
    call_command("load_demo_data")
    assert snapshot() == first
    for username, role in DEMO_LOGINS.items():
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and not user.is_superuser and user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert get_user_model().objects.count() == 2
    out = capsys.readouterr().out
    assert "already there" in out
    assert "Demo call-back requests: 0 created" in out
    # The logins come last, where the console's later output does not scroll them away, and no demo staff
    # email waits to be printed there.
    logins = [
        f"Demo staff login, {role} (already there): {name} / {DEMO_PASSWORD}" for name, role in DEMO_LOGINS.items()
    ]
    assert out.strip().splitlines()[-len(DEMO_LOGINS) :] == logins
    assert not StaffNotification.objects.filter(status=NotificationStatus.PENDING).exists()


@pytest.mark.django_db
def test_demo_calls_are_booked_for_the_first_open_times_with_some_attempts(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    booked = ConsultationRequest.objects.filter(booking__isnull=False).order_by("booking__starts_at")
    assert booked.count() == len(DEMO_BOOKED)
    days = {in_clinic_time(request.booking.starts_at).date() for request in booked}
    assert len(days) == 3  # the first three open days: the call sheet shows them one click apart
    assert CallAttempt.objects.filter(consultation_request__in=booked).exists()
    assert booked.filter(voicemail_ok=False).exists()


@pytest.mark.django_db
def test_twelve_weeks_of_demo_visit_counts_once(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    days = DailyCount.objects.values_list("day", flat=True).distinct()
    assert len(days) == 12 * 7
    rows = DailyCount.objects.count()
    call_command("load_demo_data")
    assert DailyCount.objects.count() == rows


@pytest.mark.django_db
def test_demo_queue_has_every_status_a_duplicate_and_spam(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    requests = ConsultationRequest.objects.filter(booking__isnull=True)
    assert requests.count() == len(DEMO_REQUESTS) == 14
    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    duplicate = requests.get(duplicate_of__isnull=False)
    assert duplicate.phone == duplicate.duplicate_of.phone
    assert duplicate.created_at > duplicate.duplicate_of.created_at
    assert requests.get(status=Status.SPAM).spam_reason
    closed = requests.filter(status=Status.CLOSED)
    assert all(request.closed_at and request.first_contacted_at for request in closed)
    ages = sorted(requests.values_list("created_at", flat=True))
    assert (ages[-1] - ages[0]).days > 30, "recent and old requests"


@pytest.mark.django_db
def test_demo_data_refuses_production():
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo_data")
    assert not get_user_model().objects.exists()
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_demo_queue_shows_triage_at_work(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    requests = ConsultationRequest.objects.all()
    assert requests.overdue().count() >= 2
    assert requests.filter(assigned_to__username="demo-intake").exists()
    assert requests.filter(assigned_to__username="demo-manager").exists()
    assert CallAttempt.objects.filter(made_by__isnull=False).count() >= 8
    assert Note.objects.exists()
    contacted = requests.exclude(status__in=[Status.NEW, Status.SPAM])
    assert all(request.status_changes.filter(changed_by__isnull=False).exists() for request in contacted)
    assert requests.get(status=Status.SPAM).status_changes.count() == 0


@pytest.mark.django_db
def test_demo_facts_fill_every_fact_with_values_a_release_refuses(settings, capsys):
    clear_facts()
    settings.DEBUG = True
    call_command("load_demo_data")
    facts = build_facts()
    clinic = facts.clinic
    assert all([clinic.phone, clinic.address, clinic.directions, clinic.telehealth, clinic.hours_text])
    assert clinic.upcoming_closures
    costs = clinic.costs
    assert all([costs.first_call, costs.assessment, costs.self_pay, costs.note, costs.insurance_plans])
    assert [person.name for person in clinic.team] == ["Dr. Demo Example", "Alex Example"]
    assert clinic.team[0].photo is not None and clinic.team[0].photo.alt
    assert set(facts.more["reviews"]) == set(REVIEWABLE_PAGES_BY_NAME)
    errors = {problem.id for problem in check_clinic_facts()}
    assert {"clinic.E003", "clinic.E005"} <= errors
    # Loading again changes nothing.
    counts = TeamMember.objects.count(), PhotoVariant.objects.count()
    call_command("load_demo_data")
    assert (TeamMember.objects.count(), PhotoVariant.objects.count()) == counts
    assert "Demo clinic facts (made up, and shown as such): already there" in capsys.readouterr().out
