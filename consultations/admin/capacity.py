"""Call capacity (issue 12): the Clinic manager's one page of booking rules and call windows."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join

from clinic.capacity import WindowSpec, booking_rules, window_spec
from clinic.facts import facts_changed
from clinic.models import BookingRules, CallWindow, Weekday
from consultations import booking
from consultations.admin.display import LabelledInputsMixin
from portland_site.admin_mixins import RefusedWritesMixin
from portland_site.clinic import call_time_in_words, format_time

CALL_MINUTES_RANGE = (5, 240)
PLACES_RANGE = (1, 50)
# Any day will do to count the calls that fit in a window (no window spans a change of clock).
_A_DAY = date(2026, 1, 5)


def _window_in_words(window: WindowSpec) -> str:
    return f"{Weekday(window.weekday).label} {format_time(window.starts)}–{format_time(window.ends)}"


def _calls_in(window: WindowSpec) -> int:
    """The calls one window takes in a week: its whole calls times its places."""
    return len(list(window.slot_starts(_A_DAY))) * window.places


def week_in_words(windows: list[WindowSpec]) -> tuple[list[str], int]:
    """Each weekday with call windows, as the manager checks a week ("Mon 10 am–12 pm, 2–4 pm: 16 calls, 2 at
    once"), and the week's total places."""
    days = []
    for weekday in Weekday:
        spans = sorted((window for window in windows if window.weekday == weekday), key=lambda window: window.starts)
        if not spans:
            continue
        times = ", ".join(f"{format_time(window.starts)}–{format_time(window.ends)}" for window in spans)
        calls = sum(_calls_in(window) for window in spans)
        at_once = max(window.places for window in spans)
        days.append(f"{weekday.label[:3]} {times}: {calls} call{'s' if calls != 1 else ''}, {at_once} at once")
    return days, sum(_calls_in(window) for window in windows)


class CallWindowForm(forms.ModelForm):
    class Meta:
        model = CallWindow
        fields = ["weekday", "starts", "ends", "call_minutes", "places"]
        # The browser's own time input, in hours and minutes: no "Now" button, no seconds.
        widgets = {name: forms.TimeInput(format="%H:%M", attrs={"type": "time"}) for name in ("starts", "ends")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (least, most) in (("call_minutes", CALL_MINUTES_RANGE), ("places", PLACES_RANGE)):
            self.fields[name].widget.attrs.update(min=least, max=most)

    def _in_range(self, name: str, bounds: tuple[int, int], what: str) -> int:
        value = self.cleaned_data[name]
        if value is not None and not bounds[0] <= value <= bounds[1]:
            raise ValidationError(f"{what} must be from {bounds[0]} to {bounds[1]}.")
        return value

    def clean_call_minutes(self):
        return self._in_range("call_minutes", CALL_MINUTES_RANGE, "A call's length in minutes")

    def clean_places(self):
        return self._in_range("places", PLACES_RANGE, "The number of calls at once")

    def clean(self):
        cleaned = super().clean()
        starts, ends, minutes = cleaned.get("starts"), cleaned.get("ends"), cleaned.get("call_minutes")
        if starts is None or ends is None:
            return cleaned
        if ends <= starts:
            self.add_error("ends", "A window must end after it starts.")
        elif minutes and self.window_spec() is not None and not any(self.window_spec().slot_starts(_A_DAY)):
            self.add_error("call_minutes", f"Not one whole {minutes}-minute call fits in this window.")
        return cleaned

    def window_spec(self) -> WindowSpec | None:
        """The window this form proposes, once its fields are valid."""
        data = self.cleaned_data
        if any(data.get(name) is None for name in ("weekday", "starts", "ends", "call_minutes", "places")):
            return None
        return WindowSpec(
            weekday=int(data["weekday"]),
            starts=data["starts"],
            ends=data["ends"],
            call_minutes=data["call_minutes"],
            places=data["places"],
        )


class CallWindowFormSet(BaseInlineFormSet):
    """The windows as a whole: none overlapping on one weekday, and none of the calls already booked left out."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # a checkbox in a table column: named for screen readers like the others
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this window"

    def proposed_windows(self) -> list[WindowSpec]:
        specs = []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            specs.append(form.window_spec())
        return specs

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        windows = sorted(self.proposed_windows(), key=lambda window: (window.weekday, window.starts))
        overlaps = [
            f"{_window_in_words(first)} and {_window_in_words(second)}"
            for first, second in zip(windows, windows[1:], strict=False)
            if first.weekday == second.weekday and second.starts < first.ends
        ]
        if overlaps:
            raise ValidationError(
                [f"These windows overlap: {pair}. Make them one window, or move one." for pair in overlaps]
            )
        # Locks the window rows until the admin's transaction saves the change (see clinic/capacity.py).
        misfits = booking.calls_that_would_not_fit(windows=windows)
        if misfits:
            calls = "; ".join(
                f"{misfit.consultation_request.reference_display} "
                f"({call_time_in_words(misfit.starts_at, misfit.ends_at)})"
                for misfit in misfits
            )
            raise ValidationError(
                f"This change leaves no place for {len(misfits)} call(s) already booked: {calls}. "
                "Move those calls to other times first (from each request's page), then make this change."
            )


class CallWindowInline(LabelledInputsMixin, admin.TabularInline):
    model = CallWindow
    form = CallWindowForm
    formset = CallWindowFormSet
    fields = ["weekday", "starts", "ends", "call_minutes", "places"]
    extra = 1


@admin.register(BookingRules)
class BookingRulesAdmin(RefusedWritesMixin, admin.ModelAdmin):
    """One row, never added again or deleted; Django's admin log records who changed what."""

    refused_writes = ("add", "delete")
    inlines = [CallWindowInline]
    fields = ["week", "notice_hours"]
    readonly_fields = ["week"]

    @admin.display(description="the week as saved")
    def week(self, obj: BookingRules) -> str:
        days, total = week_in_words([window_spec(window) for window in obj.windows.all()])
        if not days:
            return "No call windows: the form offers no times to book."
        return format_html(
            '<ul class="capacity-week">{}</ul><p><strong>{} place{} a week</strong></p>',
            format_html_join("", "<li>{}</li>", ((day,) for day in days)),
            total,
            "" if total == 1 else "s",
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "notice_hours":
            field.max_value = 168
            field.validators.append(MaxValueValidator(168, "At most a week: 168 hours."))
            field.widget.attrs["max"] = 168
        return field

    def changelist_view(self, request, extra_context=None):
        """A list of one is a needless step: go straight to the row."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:clinic_bookingrules_change", booking_rules().pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The capacity travels with the clinic's facts (see clinic/capacity.py): every host offers the new times.
        facts_changed()
