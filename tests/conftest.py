import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches: the shared one (rate limits, cached pages) and the per-process one."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
