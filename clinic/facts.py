"""One snapshot of the clinic's facts, as every page, the call-back clock and the JSON-LD read them.

Another app may keep its own facts in the same snapshot (`add_to_snapshot`: `pages` keeps the articles' clinical
reviews there), so that they are cached and versioned with these without this app knowing them.

The snapshot is built from the database (a handful of queries) and kept in the shared cache under a version
token. A save in the admin replaces the token (`facts_changed`), so on the next request every host builds or
fetches the new snapshot, and the whole-page cache (pages/caching.py), which keys on the same token, stops
serving pages with the old phone number. Each process also keeps the snapshot of the current token for a
minute, and the token itself for a second: most pages served from cache then read nothing from the shared cache
or the database. The process that saved a change uses the new token at once; the others within a second.
"""

import functools
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from clinic import models
from portland_site import phones
from portland_site.breaker import DATABASE
from portland_site.clinic import DAY_NAMES, format_time
from portland_site.process_cache import ProcessCache
from portland_site.redis_cache import or_none

logger = logging.getLogger(__name__)

VERSION_KEY = "clinic-facts:version"
# If a save could not reach the shared cache, hosts still pick up the change within this long.
_SNAPSHOT_SECONDS = settings.PAGE_CACHE_SECONDS
_LOCAL_SECONDS = 60
# How long a process trusts the version token it last read: the delay before other processes see an admin save.
VERSION_SECONDS = 1.0
# Closures this recent still matter to the clock: a request sent before one can still be overdue after it.
_PAST_CLOSURE_DAYS = 60


@dataclass(frozen=True)
class PhotoFact:
    alt: str
    width: int
    height: int
    src: str  # the fallback (JPEG), largest width
    srcset: str  # the fallback at every width
    sources: tuple[tuple[str, str], ...]  # (content type, srcset) of the modern formats, best first


@dataclass(frozen=True)
class PersonFact:
    name: str
    credentials: str
    role: str
    licence_type: str
    licence_number: str
    bio: str
    photo: PhotoFact | None


@dataclass(frozen=True)
class DayHours:
    day_name: str
    text: str  # e.g. "8 am to 5 pm"
    opens: time
    closes: time


@dataclass(frozen=True)
class ClosureFact:
    first_day: date
    last_day: date
    note: str
    closes_at: time | None = None  # closed from this time on the first day; None: all day
    reopens_at: time | None = None  # closed until this time on the last day; None: all day
    yearly: bool = False  # the same dates every year from `first_day`'s year on

    @property
    def closes_at_text(self) -> str:
        return format_time(self.closes_at) if self.closes_at else ""

    @property
    def reopens_at_text(self) -> str:
        return format_time(self.reopens_at) if self.reopens_at else ""

    @property
    def all_days(self) -> bool:
        return not self.closes_at and not self.reopens_at

    def _in_year(self, year: int) -> "ClosureFact | None":
        """This closure as it falls starting in `year` (None before it begins, or for February 29 in other years)."""
        if year == self.first_day.year:
            return self
        if not self.yearly or year < self.first_day.year:
            return None
        try:
            first = self.first_day.replace(year=year)
        except ValueError:
            return None
        return replace(self, first_day=first, last_day=first + (self.last_day - self.first_day))

    def covering(self, day: date) -> "ClosureFact | None":
        """The occurrence of this closure whose days include `day`, if any (a yearly one may span New Year)."""
        if not self.yearly:
            return self if self.first_day <= day <= self.last_day else None
        for year in (day.year, day.year - 1):
            occurrence = self._in_year(year)
            if occurrence and occurrence.first_day <= day <= occurrence.last_day:
                return occurrence
        return None

    def next_from(self, today: date) -> "ClosureFact | None":
        """The occurrence that has not ended by `today`: this one, or this year's or next year's of a yearly one."""
        for year in (today.year - 1, today.year, today.year + 1):
            occurrence = self._in_year(year)
            if occurrence and occurrence.last_day >= today:
                return occurrence
        return None

    def open_part(self, day: date, hours: tuple[time, time]) -> tuple[time, time] | None:
        """What is left of `hours` (opens, closes) on `day` once this closure is taken out; None if nothing is."""
        occurrence = self.covering(day)
        if occurrence is None:
            return hours
        opens, closes = hours
        if day == occurrence.first_day and occurrence.closes_at:
            closes = min(closes, occurrence.closes_at)
        elif day == occurrence.last_day and occurrence.reopens_at:
            opens = max(opens, occurrence.reopens_at)
        else:
            return None
        return (opens, closes) if opens < closes else None


@dataclass(frozen=True)
class CostsFact:
    first_call: str = ""
    assessment: str = ""
    self_pay: str = ""
    note: str = ""
    insurance_plans: tuple[str, ...] = ()
    mainecare: str = ""  # "yes", "no", or "" while the clinic has not said
    medicare: str = ""


@dataclass(frozen=True)
class ReferralFact:
    phone: str = ""
    phone_e164: str = ""
    fax: str = ""
    email: str = ""


@dataclass(frozen=True)
class LanguageNoticeFact:
    language: str
    lang: str
    text: str
    direction: str  # "rtl" or "ltr"


@dataclass(frozen=True)
class Clinic:
    """The `clinic` every template gets. Empty texts mean the clinic has not said: pages then say "call us"."""

    name: str
    phone: str = ""
    phone_e164: str = ""
    address: str = ""
    directions: str = ""
    telehealth: str = ""
    calls_come_from: str = ""  # the number intake calls from, as pages show it
    email_sender_name: str = models.DISCREET_SENDER_NAME
    hours: tuple[DayHours, ...] = ()
    hours_text: str = ""
    closures: tuple[ClosureFact, ...] = ()  # from a while ago on; pages show `upcoming_closures`
    team: tuple[PersonFact, ...] = ()
    costs: CostsFact = field(default_factory=CostsFact)
    first_talk: str = ""
    referral: ReferralFact = field(default_factory=ReferralFact)
    language_notices: tuple[LanguageNoticeFact, ...] = ()

    @property
    def upcoming_closures(self) -> list[ClosureFact]:
        """The closures not yet over, a yearly one as its next occurrence, in date order."""
        today = timezone.localdate()
        upcoming = (closure.next_from(today) for closure in self.closures)
        return sorted((closure for closure in upcoming if closure), key=lambda closure: closure.first_day)


@dataclass(frozen=True)
class Facts:
    clinic: Clinic
    opening_days: dict[int, tuple[time, time]]  # weekday (0 = Monday) -> opens, closes
    closures: tuple[ClosureFact, ...]
    more: dict[str, object] = field(default_factory=dict)  # other apps' facts, by the name they were added with


def hours_in_words(days: dict[int, tuple[time, time]]) -> str:
    """The weekly hours in words, e.g. "Monday to Friday, 8 am to 5 pm"; empty when none are recorded."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1 and days[runs[-1][0]] == days[day]:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        opens, closes = days[run[0]]
        named = DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]} to {DAY_NAMES[run[-1]]}"
        parts.append(f"{named}, {format_time(opens)} to {format_time(closes)}")
    return "; ".join(parts)


def _photo(member: models.TeamMember) -> PhotoFact | None:
    if member.photo is None:
        return None
    by_type: dict[str, list[models.PhotoVariant]] = {}
    for variant in member.photo.variants.all():  # prefetched, in width order
        by_type.setdefault(variant.content_type, []).append(variant)

    def srcset(variants):
        return ", ".join(f"{reverse('pages:photo', args=[v.name])} {v.width}w" for v in variants)

    fallback = by_type.get(models.PhotoFormat.JPEG, [])
    if not fallback:
        return None
    modern = [models.PhotoFormat.AVIF, models.PhotoFormat.WEBP]
    return PhotoFact(
        alt=member.photo_alt,
        width=fallback[-1].width,
        height=fallback[-1].height,
        src=reverse("pages:photo", args=[fallback[-1].name]),
        srcset=srcset(fallback),
        sources=tuple((kind.value, srcset(by_type[kind])) for kind in modern if kind in by_type),
    )


# Other apps' parts of the snapshot: name -> (what builds it, the dataclasses it is made of).
_more: dict[str, tuple[Callable[[], object], tuple[type, ...]]] = {}


def add_to_snapshot(name: str, build: Callable[[], object], *, classes: tuple[type, ...] = ()) -> None:
    """Keep another app's facts in the snapshot as `Facts.more[name]`: `build` reads them from the database,
    `classes` are the dataclasses they are made of (their fields are part of the snapshot's shape). Called from the
    app's `ready()`."""
    _more[name] = (build, classes)
    _shape.cache_clear()


def closure_fact(row: models.Closure) -> ClosureFact:
    return ClosureFact(
        first_day=row.first_day,
        last_day=row.last_day,
        note=row.note,
        closes_at=row.closes_at,
        reopens_at=row.reopens_at,
        yearly=row.yearly,
    )


def build_facts() -> Facts:
    """The facts as the database has them now."""
    contact = models.ContactDetails.objects.first()
    opening_days = {row.weekday: (row.opens, row.closes) for row in models.OpeningHours.objects.all()}
    since = timezone.localdate() - timedelta(days=_PAST_CLOSURE_DAYS)
    closures = tuple(
        closure_fact(row)
        for row in models.Closure.objects.filter(Q(last_day__gte=since) | Q(yearly=True)).order_by("first_day")
    )
    variants = Prefetch("photo__variants", queryset=models.PhotoVariant.objects.defer("data").order_by("width"))
    team = tuple(
        PersonFact(
            name=member.name,
            credentials=member.credentials,
            role=member.role,
            licence_type=member.licence_type,
            licence_number=member.licence_number,
            bio=member.bio,
            photo=_photo(member),
        )
        for member in models.TeamMember.objects.filter(published=True)
        .select_related("photo")
        .prefetch_related(variants)
    )
    costs = models.Costs.objects.first()
    phone_e164 = (phones.possible_e164(contact.phone) or "") if contact else ""
    calls_from_e164 = (phones.possible_e164(contact.calls_come_from) or "") if contact else ""
    referral_e164 = (phones.possible_e164(contact.referral_phone) or "") if contact and contact.referral_phone else ""
    clinic = Clinic(
        name=settings.CLINIC_NAME,
        phone=phones.for_display(phone_e164) if phone_e164 else "",
        phone_e164=phone_e164,
        address=contact.address if contact else "",
        directions=contact.directions if contact else "",
        telehealth=contact.telehealth if contact else "",
        calls_come_from=phones.for_display(calls_from_e164) if calls_from_e164 else "",
        email_sender_name=(contact.email_sender_name if contact else "") or models.DISCREET_SENDER_NAME,
        hours=tuple(
            DayHours(
                day_name=DAY_NAMES[day],
                text=f"{format_time(opens)} to {format_time(closes)}",
                opens=opens,
                closes=closes,
            )
            for day, (opens, closes) in sorted(opening_days.items())
        ),
        hours_text=hours_in_words(opening_days),
        closures=closures,
        team=team,
        costs=CostsFact(
            first_call=costs.first_call,
            assessment=costs.assessment,
            self_pay=costs.self_pay,
            note=costs.note,
            insurance_plans=tuple(filter(None, (line.strip() for line in costs.insurance_plans.splitlines()))),
            mainecare=costs.mainecare,
            medicare=costs.medicare,
        )
        if costs
        else CostsFact(),
        first_talk=contact.first_talk if contact else "",
        referral=ReferralFact(
            phone=phones.for_display(referral_e164) if referral_e164 else "",
            phone_e164=referral_e164,
            fax=contact.referral_fax if contact else "",
            email=contact.referral_email if contact else "",
        ),
        language_notices=tuple(
            LanguageNoticeFact(
                language=notice.language,
                lang=notice.lang,
                text=notice.text,
                direction="rtl" if notice.right_to_left else "ltr",
            )
            for notice in models.LanguageNotice.objects.all()
        ),
    )
    return Facts(
        clinic=clinic,
        opening_days=opening_days,
        closures=closures,
        more={name: build() for name, (build, _) in _more.items()},
    )


def _fields(classes: tuple[type, ...]) -> list:
    return [(cls.__name__, [item.name for item in fields(cls)]) for cls in classes]


@functools.cache
def _shape() -> str:
    """A digest of the snapshot's classes and fields: a release that changes them never reads an older pickle."""
    own = _fields(
        (PhotoFact, PersonFact, DayHours, ClosureFact, CostsFact, ReferralFact, LanguageNoticeFact, Clinic, Facts)
    )
    more = [(name, _fields(classes)) for name, (_, classes) in sorted(_more.items())]
    return hashlib.sha256(repr([own, more]).encode()).hexdigest()[:12]


# The version token this process last read from the shared cache, and the snapshot of it it last used.
_version_read: ProcessCache[str] = ProcessCache(seconds=VERSION_SECONDS)
_snapshot: ProcessCache[Facts] = ProcessCache(seconds=_LOCAL_SECONDS)


def facts_version() -> str | None:
    """The current version token, made on first use; None while the shared cache has not answered this process.

    Read from the shared cache at most once every VERSION_SECONDS: on a busy site that read was most of the cost
    of a page served from cache. While the shared cache is away, the process goes on with the token it last read
    (no other host could tell it of a change meanwhile anyway), so that the pages and facts it keeps are still
    used: no database query per page.
    """
    held = _version_read.get(VERSION_KEY)
    if held is not None:
        return held
    try:
        version = cache.get(VERSION_KEY)
        if version is None and cache.add(VERSION_KEY, uuid.uuid4().hex, None) is not None:
            version = cache.get(VERSION_KEY)
    except Exception:  # whatever the cache's client raises; an outage is logged by its breaker
        return _version_read.get(VERSION_KEY, any_age=True)
    if version is not None:
        _version_read.set(VERSION_KEY, version)
    return version


def facts_changed() -> None:
    """Call after a change to any fact: once the transaction commits, every host uses the new facts."""
    transaction.on_commit(_new_version)


def _new_version() -> None:
    _snapshot.clear()
    _version_read.clear()
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, None)
        # This process (which handled the save) shows the change at once; the others once their copy expires.
        _version_read.set(VERSION_KEY, version)
    except Exception:
        logger.exception(
            "the clinic's facts changed but the shared cache could not be told; hosts catch up within %s seconds",
            _SNAPSHOT_SECONDS + _LOCAL_SECONDS + VERSION_SECONDS,
        )


def current_facts() -> Facts:
    """The clinic's facts now. Read from the database only when the version changed or the copy expired."""
    if settings.DEBUG:  # while developing, every process sees an edit at once (local memory is not shared)
        return build_facts()
    version = facts_version()
    if version is None:
        return _from_database()
    facts = _snapshot.get(version)
    if facts is not None:
        return facts
    key = f"clinic-facts:{_shape()}:{version}"
    try:
        facts = cache.get(key)
    except Exception:  # the shared cache is away (its breaker logs that): keep this process's copy for the outage
        facts = _snapshot.get(version, any_age=True)
        if facts is not None:
            return facts
    if facts is None:
        facts = _from_database()
        or_none(cache.set, key, facts, _SNAPSHOT_SECONDS)
    _snapshot.set(version, facts)
    return facts


def _from_database() -> Facts:
    try:
        return build_facts()
    except DatabaseError:
        if not DATABASE.is_open:  # an outage is logged once, by the breaker
            logger.exception("could not read the clinic's facts")
        return last_known_facts()


def last_known_facts() -> Facts:
    """For error pages, which must not fail again: the facts this process last used, or the name alone."""
    return _snapshot.newest() or Facts(clinic=Clinic(name=settings.CLINIC_NAME), opening_days={}, closures=())
