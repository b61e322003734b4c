"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot see."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _is_local(bind_host: str) -> bool:
    if bind_host.startswith("unix:") or bind_host == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind_host.strip("[]")).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def check_proxy_and_bind(app_configs, **kwargs):
    """The client address the rate limit and the lockout count comes from the trusted header only when nothing
    but our proxy can reach gunicorn; and a proxy in front of gunicorn must pass it."""
    local = _is_local(settings.WEB_BIND_HOST)
    if settings.TRUSTED_PROXY_IP_HEADER and not local and not settings.PROXY_IS_ONLY_WAY_IN:
        return [
            Warning(
                f"TRUSTED_PROXY_IP_HEADER is set while gunicorn binds to {settings.WEB_BIND_HOST} (HOST): a client "
                "reaching gunicorn directly could choose the address its sign-in and call-back limits count.",
                hint="Bind gunicorn to 127.0.0.1 behind a proxy on the same host, or, when a firewall lets only "
                "the proxy reach gunicorn, set PROXY_IS_ONLY_WAY_IN=1.",
                id="portland_site.W001",
            )
        ]
    if not settings.TRUSTED_PROXY_IP_HEADER and local:
        return [
            Warning(
                f"gunicorn binds to {settings.WEB_BIND_HOST} (HOST), so clients come through a proxy, but "
                "TRUSTED_PROXY_IP_HEADER is empty: every client would share the proxy's address, and one limit.",
                hint="Set TRUSTED_PROXY_IP_HEADER to the header your proxy appends the client's address to, "
                "e.g. X-Forwarded-For.",
                id="portland_site.W002",
            )
        ]
    return []


# Backends whose entries only this process (local memory) or this host (files) can see.
_UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "each process's own memory",
    "django.core.cache.backends.filebased.FileBasedCache": "this host's files",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """The shared cache carries the clinic's facts' version, the rate limits and the page cache from process to
    process: kept in one process's memory, an admin change to the phone would reach the other processes only when
    their copies expire, and each process would keep its own count of a client's requests."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in _UNSHARED_CACHES:
        return []
    return [
        Error(
            f"The shared cache (CACHES['default']) is kept in {_UNSHARED_CACHES[backend]}, which the site's other "
            "processes and hosts cannot see: a change in the admin would reach them only minutes later, and each "
            "would count rate limits on its own.",
            hint="Set REDIS_URL to the Redis every web process and worker uses.",
            id="portland_site.E001",
        )
    ]
