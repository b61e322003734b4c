"""How the staff pages write moments and promises, and label the inputs of a table: one way for every page."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from portland_site.clinic_time import in_clinic_time


def age(moment) -> str:
    """How long ago a moment was, or how soon it is: "just now", "3 days ago", "in 2 hours"."""
    now = timezone.now()
    if abs(now - moment) < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago" if moment <= now else f"in {timeuntil(moment, now, depth=1)}"


def when(moment, *, age_only: bool = False) -> str:
    """A moment as staff read it: in the clinic's time zone, written as Django writes every
    other date and time in the admin (DATETIME_FORMAT in portland_site/formats: "Nov 25, 2026, 11:23 PM"), with
    how long ago it was (or how soon it is) beside it; in a list's narrow column, only how long ago."""
    if not moment:
        return "-"
    if age_only:
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), age(moment))
    local = date_format(in_clinic_time(moment), "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}">{}</time> <span class="triage-age">({})</span>', moment.isoformat(), local, age(moment)
    )


def moment_field(field: str, description: str):
    """A read-only date and time of the record, shown by when."""

    @admin.display(description=description, ordering=field)
    def show(self, obj) -> str:
        return when(getattr(obj, field))

    return show


def best_times_in_words(consultation_request) -> str:
    """ "mornings, evenings": the times of day the person said suit them."""
    return ", ".join(time.label.removeprefix("Weekday ") for time in consultation_request.call_times)


def voicemail_in_words(consultation_request) -> str:
    """Whether a voicemail may be left, as a word that cannot be missed where the answer is no: a message on a
    shared phone can tell others what the person asked us."""
    if consultation_request.voicemail_ok:
        return "OK"
    return format_html('<strong class="no-voicemail">{}</strong>', "No voicemail")


class LabelledInputsMixin:
    """For a tabular inline: each input named by its column, for screen readers."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table's column headings are not labels: name each input, or a screen reader announces it unnamed.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            label = str(field.label).capitalize()
            subwidgets = getattr(field.widget, "widgets", None)
            if subwidgets:  # the date and time inputs of "when"
                for subwidget, part in zip(subwidgets, ["date", "time"], strict=False):
                    subwidget.attrs["aria-label"] = f"{label}: {part}"
            else:
                field.widget.attrs["aria-label"] = label
        return field
