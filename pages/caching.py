"""Caching of editorial pages, which are the same for everyone.

Browsers and a CDN may keep them (`Cache-Control: public`); ConditionalGetMiddleware gives them an ETag and
answers revalidations with 304. The shared cache keeps the rendered page, so most requests skip rendering.
Only views wrapped in `editorial` (in pages/urls.py) are ever stored: never a form, the admin or anything else.
"""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.views.decorators.cache import cache_control

logger = logging.getLogger(__name__)

# The same for everyone: browsers and a CDN may keep it.
public = cache_control(public=True, max_age=settings.PAGE_CACHE_SECONDS)


def _key(request) -> str:
    # Only the path decides what these pages show, so neither a query string nor the Host header is part of
    # the key (no one can fill the cache with ?1, ?2, ...). The static manifest's hash keeps releases apart:
    # during a rolling deploy a host never serves a page that links to static files it doesn't have.
    release = getattr(staticfiles_storage, "manifest_hash", "")
    return f"page:{release}:{request.path}"


def _shareable(response) -> bool:
    """A 200 that sets no cookie and varies on nothing (no session, no user, no CSRF token) may be shared."""
    return response.status_code == 200 and not response.cookies and not response.has_header("Vary")


def _safely(operation, *args):
    """The cache only saves work: if it is down, pages are rendered as if it were empty."""
    try:
        return operation(*args)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None


def editorial(view):
    public_view = public(view)

    @wraps(view)
    def editorial_view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return public_view(request, *args, **kwargs)
        key = _key(request)
        response = _safely(cache.get, key)
        if response is not None:
            return response
        response = public_view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if _shareable(response):
            _safely(cache.set, key, response, settings.PAGE_CACHE_SECONDS)
        return response

    return editorial_view
