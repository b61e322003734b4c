"""What the people who run the site learn about an error, with nothing personal in it.

Two ways out, both optional: Django's ADMINS, emailed through the staff-email outbox (consultations/error_reports.py
builds and records the report from `report_text` here), and an error tracker (sentry-sdk) when SENTRY_DSN is set,
whose every event passes `scrub_event` first. Either way no request body, cookie, query string, header or local
variable leaves the server, and what is left (messages, paths) is scrubbed of email addresses, phone numbers,
private-link tokens and the values PostgreSQL quotes in its errors (where a name would be).
"""

import re
import traceback
from types import TracebackType

from portland_site.log_filters import PRIVATE_LINK

_EMAIL = re.compile(r"[^\s@<>()\"']+@[^\s@<>()\"']+\.[a-z]{2,}", re.IGNORECASE)
# Seven or more digits, however they are spaced or punctuated, with an optional + (any phone number, any format).
_PHONE = re.compile(r"\+?\d(?:[\s().-]*\d){6,}")
# PostgreSQL's DETAIL: "Key (phone)=(+1 207 555 0142) already exists", "Failing row contains (…values…)".
_KEY_VALUES = re.compile(r"(\([^)]*\)=)\((?:[^()]|\([^)]*\))*\)")
_FAILING_ROW = re.compile(r"(Failing row contains ).*", re.DOTALL)
REDACTED = "[removed]"


def scrub(text: str) -> str:
    """`text` without email addresses, phone numbers, private-link tokens or the values a database error quotes."""
    text = _FAILING_ROW.sub(rf"\1{REDACTED}", text)
    text = _KEY_VALUES.sub(rf"\1({REDACTED})", text)
    text = PRIVATE_LINK.sub(rf"\1{REDACTED}", text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


# What an event may keep of a request: how it was asked for, not what was sent.
_REQUEST_KEPT = ("method", "url")


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's `before_send`: drop whatever could hold what a person typed or who they are (request body,
    cookies, query string, headers, environment, local variables, user, extra data, breadcrumbs' data), then
    scrub every string left."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: request[key] for key in _REQUEST_KEPT if key in request}
        if "url" in event["request"]:
            event["request"]["url"] = event["request"]["url"].split("?", 1)[0]
    for key in ("user", "extra", "server_name"):
        event.pop(key, None)
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)
    return _scrubbed(event)


def report_text(*, method: str, path: str, error: BaseException | None, tb: TracebackType | None) -> str:
    """An error report for ADMINS: the request's method and path, the exception's type and where it was raised
    (file, line, function, code), without its message or any variable; scrubbed all the same."""
    lines = [f"{method} {path.split('?', 1)[0]}", ""]
    if error is not None:
        lines.append(f"{type(error).__module__}.{type(error).__qualname__} (its message is in the server's log)")
        lines.append("")
        for frame in traceback.extract_tb(tb):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
    return scrub("\n".join(lines))


def start_error_tracker(dsn: str, **options) -> None:
    """Send errors to the tracker at `dsn` (sentry-sdk), scrubbed by `scrub_event`; `options` for tests."""
    import sentry_sdk  # noqa: PLC0415 (only when an error tracker is configured)

    sentry_sdk.init(
        dsn=dsn,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub_event,
        **options,
    )
