"""What a beacon may say, checked strictly. Anything unexpected is simply not counted."""

import re
from functools import cache

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from insights.counters import Field
from insights.models import Kind
from pages.medications import MEDICATIONS
from pages.registry import PAGES

# Larger bodies are not beacons of ours: the script sends a path, a domain and two short tags.
MAX_BODY_BYTES = 1024
_DOMAIN = re.compile(r"(?=.{4,100}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}")
# Campaign tags as people write them; anything else (an email address, a long id) is not counted.
_TAG = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# Crawlers, link previews, monitors, scripts and automated browsers that announce themselves.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|preview|scan|monitor|lighthouse|pagespeed|headless|phantom|"
    r"selenium|puppeteer|playwright|python|curl|wget|httpclient|java/|go-http|node|axios|okhttp|ruby|perl|php",
    re.IGNORECASE,
)


@cache
def editorial_paths() -> frozenset[str]:
    return frozenset(page.url for page in PAGES) | frozenset(medication.page.url for medication in MEDICATIONS)


@cache
def form_paths() -> tuple[str, str]:
    return reverse("consultations:request"), reverse("consultations:thanks")


def is_countable(request: HttpRequest) -> bool:
    """Not a bot, not signed-in staff, not a browser sending Global Privacy Control, not too large."""
    if request.headers.get("Sec-GPC") == "1":
        return False
    agent = request.headers.get("User-Agent", "")
    if not agent or _BOT.search(agent):
        return False
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY_BYTES:
        return False
    # Only staff have sessions: only they cost a session lookup here.
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff)


def _domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".").removeprefix("www.")
    return domain if _DOMAIN.fullmatch(domain) else ""


def _tag(value: str) -> str:
    tag = value.strip().lower()
    return tag if _TAG.fullmatch(tag) else ""


def counted_fields(data: QueryDict) -> list[Field]:
    """The counters one beacon raises; none for a path that is not one of our pages."""
    path, event = data.get("p", ""), data.get("e", "")
    form, thanks = form_paths()
    if path == thanks:
        return [(Kind.REQUEST_SENT, "")] if event == "sent" else []
    if path == form:
        if event == "error":
            return [(Kind.FORM_ERROR, "")]
        fields = [(Kind.FORM_OPENED, "")]
        if data.get("from", "") in editorial_paths():
            fields.append((Kind.FORM_FROM, data["from"]))
    elif path in editorial_paths():
        fields = [(Kind.VIEW, path)]
    else:
        return []
    if domain := _domain(data.get("ref", "")):
        fields.append((Kind.REFERRER, domain))
    for parameter, kind in (("utm_source", Kind.SOURCE), ("utm_campaign", Kind.CAMPAIGN)):
        if tag := _tag(data.get(parameter, "")):
            fields.append((kind, tag))
    return fields
