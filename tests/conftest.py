import pytest
from django.core.cache import caches

from tests.faults import PrivateRedis


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
def private_redis(settings):
    """This test's own redis-server as the shared cache (the machine's stays untouched); `stop()` it mid-test."""
    redis = PrivateRedis()
    redis.start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    yield redis
    redis.close()
