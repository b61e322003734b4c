import pytest
from django.db import connection
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import STAFF_PASSWORD, staff_member

PASSWORD = STAFF_PASSWORD
# PostgreSQL's logging as docs/deploy.md sets it: nothing a person typed reaches its log.
QUIET = {
    "log_min_error_statement": "panic",
    "log_error_verbosity": "terse",
    "log_parameter_max_length_on_error": "0",
    "log_statement": "none",
    "log_min_duration_statement": "-1",
    "log_parameter_max_length": "-1",
}


@pytest.fixture
def staff_user(db):
    return staff_member("alice", is_superuser=True)


@pytest.fixture
def device(staff_user):
    return TOTPDevice.objects.create(user=staff_user, name="Alice's phone", confirmed=True)


def current_code(device) -> str:
    """The code the staff member's authenticator app shows right now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


@pytest.fixture
def sign_in(client):
    """POST the admin sign-in form; returns the response."""

    def post(username="alice", password=PASSWORD, code=None, csrfmiddlewaretoken=None, **extra):
        data = {"username": username, "password": password, "next": reverse("admin:index")}
        if code is not None:
            data["otp_token"] = code
        if csrfmiddlewaretoken is not None:
            data["csrfmiddlewaretoken"] = csrfmiddlewaretoken
        return client.post(reverse("admin:login"), data, **extra)

    return post


@pytest.fixture
def postgres_database_settings():
    """Set PostgreSQL settings for the test database (as an operator would with ALTER DATABASE), undone after;
    nothing on SQLite."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    changed = []

    def set_for_database(values: dict[str, str]) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for setting, value in values.items():
                cursor.execute(f"ALTER DATABASE {name} SET {setting} = '{value}'")
                changed.append(setting)

    yield set_for_database
    if not changed:
        return
    with connection.cursor() as cursor:
        for setting in changed:
            cursor.execute(f"ALTER DATABASE {name} RESET {setting}")


@pytest.fixture
def quiet_postgres_log(postgres_database_settings):
    """PostgreSQL's logging for the test database as docs/deploy.md sets it, for a clean `check --deploy`."""
    postgres_database_settings(QUIET)
