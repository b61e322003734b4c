"""The deployment checks of portland_site/checks.py, in this process (test_settings.py runs `check --deploy`)."""

import pytest

from portland_site import checks


@pytest.mark.parametrize(
    ("backend", "debug", "refused"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", False, True),
        ("django.core.cache.backends.filebased.FileBasedCache", False, True),
        ("django.core.cache.backends.redis.RedisCache", False, False),
        ("django.core.cache.backends.locmem.LocMemCache", True, False),  # make run: one process, one machine
    ],
)
def test_only_a_shared_cache_passes_the_deploy_check(settings, tmp_path, backend, debug, refused):
    settings.DEBUG = debug
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}
    errors = checks.check_shared_cache(None)
    assert [error.id for error in errors] == (["portland_site.E020"] if refused else [])
