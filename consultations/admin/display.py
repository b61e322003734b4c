"""How the staff pages write moments and promises, and label the inputs of a table: one way for every page."""

from datetime import datetime, timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from consultations.models import ConsultationRequest
from portland_site.clinic import by_when, call_start_time, day_from, format_time, format_time_range
from portland_site.clinic_time import in_clinic_time


def when(moment) -> str:
    """A moment as staff read it: in the clinic's time zone, written as Django writes every
    other date and time in the admin (DATETIME_FORMAT in portland_site/formats: "Nov 25, 2026, 11:23 PM"), with
    how long ago it was (or how soon it is) beside it."""
    if not moment:
        return "-"
    now = timezone.now()
    if abs(now - moment) < timedelta(minutes=1):
        age = "just now"
    else:
        age = f"{timesince(moment, now, depth=1)} ago" if moment <= now else f"in {timeuntil(moment, now, depth=1)}"
    local = date_format(in_clinic_time(moment), "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}">{}</time> <span class="triage-age">({})</span>', moment.isoformat(), local, age
    )


def moment_field(field: str, description: str):
    """A read-only date and time of the record, shown by when."""

    @admin.display(description=description, ordering=field)
    def show(self, obj) -> str:
        return when(getattr(obj, field))

    return show


def promised_briefly(consultation_request: ConsultationRequest, now: datetime) -> str:
    """The request's promise as the queue says it: "call at 10:00 am today", "as soon as possible, due by 12 pm
    today"; "-" when it was promised nothing. `now` is in the clinic's time."""
    booked = getattr(consultation_request, "booking", None)
    if booked is not None:
        starts = in_clinic_time(booked.starts_at)
        return f"call at {call_start_time(starts)} {day_from(starts, now)}"
    if consultation_request.due_by is not None:
        return f"as soon as possible, due {by_when(in_clinic_time(consultation_request.due_by), now)}"
    return "-"


def promised_today(consultation_request: ConsultationRequest) -> str:
    booked = getattr(consultation_request, "booking", None)
    if booked is not None:
        return format_time_range(in_clinic_time(booked.starts_at), in_clinic_time(booked.ends_at))
    return f"as soon as possible, by {format_time(in_clinic_time(consultation_request.due_by).time())}"


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
