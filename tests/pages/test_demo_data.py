import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from pages.management.commands.load_demo_data import DEMO_PASSWORD, DEMO_USERNAME


@pytest.mark.django_db
def test_demo_data_loads_twice_without_change(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    call_command("load_demo_data")
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert user.is_staff and user.check_password(DEMO_PASSWORD)
    assert get_user_model().objects.count() == 1
    assert "already there" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_data_refuses_production():
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo_data")
    assert not get_user_model().objects.exists()
