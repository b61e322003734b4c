"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot see."""

import ipaddress
from urllib.parse import urlsplit

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


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """SITE_URL is the address printed on every page taken to a prescriber, and in canonical links and emails."""
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, not an https address: printed pages, canonical links and "
                "staff emails would point people to it.",
                hint="Set SITE_URL to the site's public https address, e.g. https://www.example.org.",
                id="portland_site.E001",
            )
        ]
    return []
