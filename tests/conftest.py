import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty shared cache (rate limits, cached pages)."""
    cache.clear()
    yield
    cache.clear()


def sign_in_staff(client, user):
    """Sign a client in as a user, verified by an authenticator app as two-factor sign-in requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, but past two-factor sign-in as in production."""
    return sign_in_staff(client, admin_user)
