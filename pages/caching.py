"""Caching of editorial pages, which are the same for everyone.

Browsers and a CDN may keep them (`Cache-Control: public`), and revalidate them with their ETag (answered by
ConditionalGetMiddleware with 304). On the server each page is kept as it is sent (rendered, with its ETag,
and compressed for clients that accept gzip), in this process's memory (the `pages` cache) and in the shared
cache: a page is rendered about once every PAGE_CACHE_SECONDS for all processes together. Keys carry the
version of the clinic's facts (pages/facts.py), which each process reads from the shared cache at most once a
second, so most requests take the page from local memory without a network round trip (docs/performance.md).
Only views wrapped in `editorial` (pages/urls.py) are ever stored: never a form or the admin.
"""

from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers, set_response_etag
from django.views.decorators.cache import cache_control

from clinic.facts import facts_version
from portland_site.redis_cache import or_none

# The same for everyone: browsers and a CDN may keep it.
public = cache_control(public=True, max_age=settings.PAGE_CACHE_SECONDS)

# The site's own GZipMiddleware, applied before a page is stored; on the way out it leaves such a page alone.
_gzip = GZipMiddleware(lambda request: None)


def _key(path: str, gzipped: bool, facts: str) -> str:
    # Only the path decides what these pages show, so neither a query string nor the Host header is part of
    # the key (no one can fill the cache with ?1, ?2, ...). The static manifest's hash keeps releases apart:
    # during a rolling deploy a host never serves a page that links to static files it doesn't have. The facts'
    # version changes with every save in the admin, so no host serves a page with the old phone number.
    release = getattr(staticfiles_storage, "manifest_hash", "")
    return f"page:{release}:{facts}:{'gzip' if gzipped else 'identity'}:{path}"


def _shareable(response) -> bool:
    """A 200 that sets no cookie and varies on nothing (no session, no user, no CSRF token) may be shared."""
    return response.status_code == 200 and not response.cookies and not response.has_header("Vary")


# A process keeps its copy only briefly, so a page is never older than PAGE_CACHE_SECONDS plus this (a fact
# changed in the admin shows at once: the key changes).
_LOCAL_SECONDS = 60


def _lookup(key: str):
    local = caches["pages"]
    response = local.get(key)
    if response is None:
        response = or_none(cache.get, key)
        if response is not None:
            local.set(key, response, _LOCAL_SECONDS)
    return response


def _store(key: str, response) -> None:
    caches["pages"].set(key, response, _LOCAL_SECONDS)
    or_none(cache.set, key, response, settings.PAGE_CACHE_SECONDS)


def editorial(view):
    public_view = public(view)

    @wraps(view)
    def editorial_view(request, *args, **kwargs):
        # While developing (DEBUG), a template edit shows at the next request, as with Django's template cache.
        if settings.DEBUG or request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return public_view(request, *args, **kwargs)
        version = facts_version()
        if version is None:  # the shared cache has been down since this process started: nothing is known current
            return public_view(request, *args, **kwargs)
        gzipped = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        key = _key(request.path, gzipped, version)
        response = _lookup(key)
        if response is not None:
            return response
        response = public_view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        if not _shareable(response):
            return response
        # The ETag hashes the uncompressed page, so it is the same (weak when compressed) for every encoding.
        set_response_etag(response)
        # Set here, not by GZipMiddleware on the way out, so that a 304 made from the stored page carries it too.
        patch_vary_headers(response, ["Accept-Encoding"])
        if gzipped:
            response = _gzip.process_response(request, response)
        _store(key, response)
        return response

    return editorial_view
