import pytest
from django.core.cache import caches
from django.db import connection

from tests.faults import DatabaseProxy, Gunicorn, PrivateRedis
from tests.servers import database_url


def clear_caches() -> None:
    """Empty this run's keys only: FLUSHDB would also empty the cache of anything else sharing that Redis.

    The process's copies of the facts' version and snapshot go too, and of the call times kept with them: a test
    must not see the last one's facts.
    """
    from clinic import capacity, facts
    from portland_site import breaker

    # What one test taught the process about Redis or PostgreSQL being away is not the next test's.
    breaker.REDIS.succeeded()
    breaker.DATABASE.succeeded()
    facts._local = facts._local_version = None
    capacity._held = None
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
    from clinic.facts import current_facts

    current_facts()


@pytest.fixture
def private_redis(settings):
    """This test's own redis-server as the shared cache (the machine's stays untouched); `stop()` it mid-test."""
    redis = PrivateRedis()
    redis.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "portland_site.redis_cache.BreakerRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    yield redis
    redis.close()


@pytest.fixture
def database_proxy():
    """A proxy in front of the test database that can `refuse()` or `freeze()`; needs PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL behind the fault-injecting proxy: set DATABASE_URL (CI does)")
    proxy = DatabaseProxy(
        (connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432))
    )
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def site_through_proxy(database_proxy, transactional_db):
    """Start gunicorn (`start(workers=2)`, and any more environment) whose database is the test database reached
    through the proxy."""
    started: list[Gunicorn] = []

    def start(workers: int = 2, **environment: str) -> Gunicorn:
        site = Gunicorn(
            environment={"DATABASE_URL": database_url(port=database_proxy.port), **environment},
            workers=workers,
        )
        started.append(site)
        site.start()
        return site

    yield start
    database_proxy.restore()  # so that gunicorn's workers can finish what they hold
    for site in started:
        site.stop()
