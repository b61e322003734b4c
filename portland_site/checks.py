"""Deployment checks (`manage.py check --deploy`) for what Django's own checks cannot see."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connection

from portland_site.database import UNAVAILABLE


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


# PostgreSQL's message levels, least severe first: a failed statement is logged when its error's level (ERROR) is
# at or above log_min_error_statement.
_LEVELS = (
    "debug5",
    "debug4",
    "debug3",
    "debug2",
    "debug1",
    "info",
    "notice",
    "warning",
    "error",
    "log",
    "fatal",
    "panic",
)
_LOG_SETTINGS = (
    "log_min_error_statement",
    "log_error_verbosity",
    "log_parameter_max_length_on_error",
    "log_statement",
    "log_min_duration_statement",
    "log_parameter_max_length",
)
_FIX = 'Set it as docs/deploy.md says ("Keeping personal data out of PostgreSQL\'s log"), then reload PostgreSQL.'


def _server_log_settings() -> dict[str, str]:
    """The logging settings in force for this site's sessions (the server's, the database's and the role's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(_LOG_SETTINGS)])
        return dict(cursor.fetchall())


def postgres_log_problems(log: dict[str, str], *, server_side_binding: bool) -> list[Error]:
    """What in PostgreSQL's logging settings would write a person's details to its log."""
    problems = []
    if log.get("log_error_verbosity") != "terse":
        problems.append(
            Error(
                f"PostgreSQL's log_error_verbosity is {log.get('log_error_verbosity')}: an error's DETAIL line, which "
                "holds a failing row's values (a name, a phone number), goes to the server's log.",
                hint=f"Set log_error_verbosity = terse. {_FIX}",
                id="portland_site.E010",
            )
        )
    logs_failed_statements = _LEVELS.index(log.get("log_min_error_statement", "error")) <= _LEVELS.index("error")
    parameters_on_error = log.get("log_parameter_max_length_on_error", "0") != "0"
    if logs_failed_statements and (parameters_on_error or not server_side_binding):
        carried = "its bound values" if server_side_binding else "the values written into it"
        problems.append(
            Error(
                f"PostgreSQL's log_min_error_statement is {log.get('log_min_error_statement')}: a statement that "
                f"fails is written to the server's log with {carried}.",
                hint=f"Set log_min_error_statement = panic and log_parameter_max_length_on_error = 0. {_FIX}",
                id="portland_site.E011",
            )
        )
    logs_statements = log.get("log_statement") in ("mod", "all") or log.get("log_min_duration_statement") != "-1"
    if logs_statements and (log.get("log_parameter_max_length") != "0" or not server_side_binding):
        problems.append(
            Error(
                f"PostgreSQL logs statements that succeed (log_statement is {log.get('log_statement')}, "
                f"log_min_duration_statement is {log.get('log_min_duration_statement')}), with their values.",
                hint=f"Set log_statement = none and log_min_duration_statement = -1. {_FIX}",
                id="portland_site.E012",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_postgres_log(app_configs, **kwargs):
    """PostgreSQL must not write what people typed to its log when a statement fails (issue 22)."""
    if connection.vendor != "postgresql":
        return []
    try:
        log = _server_log_settings()
    except UNAVAILABLE as error:
        return [
            Warning(
                f"Could not read PostgreSQL's logging settings ({type(error).__name__}).",
                hint="Run check --deploy again with the database up.",
                id="portland_site.W003",
            )
        ]
    server_side_binding = connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    return postgres_log_problems(log, server_side_binding=server_side_binding)


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
