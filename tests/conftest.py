import pytest
from django.core.cache import caches


def clear_caches() -> None:
    """Empty this run's keys only: FLUSHDB would also empty the cache of anything else sharing that Redis."""
    for cache in caches.all():
        redis = getattr(cache, "_cache", None)
        if hasattr(redis, "get_client"):
            client = redis.get_client(write=True)
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches: the shared one (rate limits, cached pages) and the per-process one."""
    clear_caches()
    yield
    clear_caches()


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every page shows the clinic's facts, which live in the database: every test may use it.

    Marked before pytest-django sorts the tests and decides which databases to set up.
    """
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=_transactional(item)))


@pytest.fixture(autouse=True)
def clinic_facts(request, _clear_cache):
    """Each test starts with the clinic's facts recorded, as a live site has them."""
    from tests.clinic_facts import record_test_facts

    request.getfixturevalue("transactional_db" if _transactional(request.node) else "db")
    record_test_facts()


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


@pytest.fixture
def facts_cached(clinic_facts):
    """The clinic's facts already read once, as on a site that has served a page: they then cost no query."""
    from pages.facts import current_facts

    current_facts()
