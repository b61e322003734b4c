"""Writes to the clinic's facts that are more than saving a form: each tells every host that the facts changed."""

from django.db import transaction

from clinic.clock import ClinicClock
from clinic.facts import closure_fact, facts_changed
from clinic.holidays import federal_holidays
from clinic.models import Closure, Photo, PhotoVariant, TeamMember
from clinic.photos import ProcessedPhoto


def _stored_photo(processed: ProcessedPhoto) -> Photo:
    """The photo with these pixels, stored once (the same picture uploaded again reuses it)."""
    photo, created = Photo.objects.get_or_create(
        digest=processed.digest, defaults={"width": processed.width, "height": processed.height}
    )
    if created:
        PhotoVariant.objects.bulk_create(
            PhotoVariant(
                photo=photo,
                name=variant.name,
                content_type=variant.content_type,
                width=variant.width,
                height=variant.height,
                data=variant.data,
            )
            for variant in processed.variants
        )
    return photo


@transaction.atomic
def save_team_member(*, member: TeamMember, new_photo: ProcessedPhoto | None, remove_photo: bool) -> None:
    """Save a team member, with a newly uploaded photo or without their photo; a photo no one shows is deleted."""
    previous_id = TeamMember.objects.filter(pk=member.pk).values_list("photo_id", flat=True).first()
    if new_photo is not None:
        member.photo = _stored_photo(new_photo)
    elif remove_photo:
        member.photo = None
        member.photo_alt = ""
    member.save()
    if previous_id and previous_id != member.photo_id:
        Photo.objects.filter(pk=previous_id).exclude(
            pk__in=TeamMember.objects.exclude(photo=None).values("photo_id")
        ).delete()
    facts_changed()


@transaction.atomic
def add_federal_holidays(*, year: int) -> int:
    """Add a one-day closure for each US federal holiday of `year` not already closed; how many were added."""
    clock = ClinicClock(days={}, closures=tuple(closure_fact(row) for row in Closure.objects.all()))
    added = [
        Closure(first_day=day, last_day=day, note=name)
        for day, name in federal_holidays(year)
        if not clock.is_closure(day)
    ]
    Closure.objects.bulk_create(added)
    if added:
        facts_changed()
    return len(added)
