import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from consultations.management.commands.load_demo_data import DEMO_PASSWORD, DEMO_REQUESTS, DEMO_USERNAME
from consultations.models import ConsultationRequest, Status


def snapshot():
    return sorted(ConsultationRequest.objects.values_list("reference", "status", "first_contacted_at", "closed_at"))


@pytest.mark.django_db
def test_demo_data_loads_twice_without_change(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    first = snapshot()
    call_command("load_demo_data")
    assert snapshot() == first
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert user.is_staff and user.check_password(DEMO_PASSWORD)
    assert get_user_model().objects.count() == 1
    out = capsys.readouterr().out
    assert "already there" in out
    assert "Demo call-back requests: 0 created" in out


@pytest.mark.django_db
def test_demo_queue_has_every_status_a_duplicate_and_spam(settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    requests = ConsultationRequest.objects.all()
    assert requests.count() == len(DEMO_REQUESTS) == 12
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
