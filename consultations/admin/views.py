"""The queue's own pages beside Django's list and form: the export, moving a booked call and releasing the calls
booked in a time range (the URLs of the call sheet's too, in calls.py)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from clinic.capacity import CallDay, parse_slot_value
from consultations import booking, services
from consultations.admin.calls import call_facts
from consultations.call_sheet import with_call_facts
from consultations.models import ConsultationRequest
from portland_site.clinic import call_time_in_words
from portland_site.clinic_time import in_clinic_time


class TriageViewsMixin:
    """For the queue's ModelAdmin: its extra URLs and their views."""

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="consultations_consultationrequest_export",
            ),
            path(
                "search/",
                self.admin_site.admin_view(self.search_view),
                name="consultations_consultationrequest_search",
            ),
            path(
                "today/",
                self.admin_site.admin_view(self.call_sheet_view),
                name="consultations_consultationrequest_today",
            ),
            path(
                "<int:object_id>/call/",
                self.admin_site.admin_view(self.record_call_view),
                name="consultations_consultationrequest_record_call",
            ),
            path(
                "release-bookings/",
                self.admin_site.admin_view(self.release_bookings_view),
                name="consultations_consultationrequest_release_bookings",
            ),
            path(
                "<int:object_id>/move-call/",
                self.admin_site.admin_view(self.move_call_view),
                name="consultations_consultationrequest_move_call",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The queue as the list shows it (filters and search in the query string), as CSV."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_export_permission(request):
            raise PermissionDenied
        queryset = self.get_changelist_instance(request).get_queryset(request)
        csv_text = services.export_requests(consultation_requests=queryset, by=request.user)
        response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
        filename = f"call-back-requests-{in_clinic_time():%Y-%m-%d-%H%M}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

    # Booked calls: moving one, and the day's calls

    def move_call_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Move a request's booked call to another open time, with the capacity rules the form keeps."""
        consultation_request = get_object_or_404(ConsultationRequest.objects.select_related("booking"), pk=object_id)
        if not self.has_change_permission(request, consultation_request):
            raise PermissionDenied
        change_url = reverse("admin:consultations_consultationrequest_change", args=[consultation_request.pk])
        booked = getattr(consultation_request, "booking", None)
        if booked is None:
            self.message_user(request, f"{consultation_request} has no booked call to move.", messages.WARNING)
            return redirect(change_url)
        form = MoveCallForm(request.POST or None, days=booking.open_call_times(excluding=booked))
        if request.method == "POST" and form.is_valid():
            try:
                moved = services.move_booked_call(
                    booking=booked, starts_at=form.cleaned_data["starts_at"], by=request.user
                )
            except booking.TimeTaken:
                form.add_error("starts_at", "Every place at that time has been taken. Choose another time.")
            except booking.TimeNotOffered:
                form.add_error(
                    "starts_at",
                    "That time is not offered any more (it is past, too soon, closed or outside the call "
                    "windows). Choose another time.",
                )
            else:
                when = call_time_in_words(moved.starts_at, moved.ends_at)
                self.message_user(request, f"The call for {consultation_request} is now {when}.", messages.SUCCESS)
                return redirect(change_url)
            form.offer(booking.open_call_times(excluding=booked))  # the list as it is now, without the refused time
        return TemplateResponse(
            request,
            "admin/consultations/consultationrequest/move_call.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Move the call for {consultation_request}",
                "opts": self.opts,
                "original": consultation_request,
                "change_url": change_url,
                "call": call_facts(
                    with_call_facts(ConsultationRequest.objects.filter(pk=consultation_request.pk))
                    .select_related("booking")
                    .get(),
                    can_record=False,
                    promise_style="full",
                ),
                "form": form,
            },
        )

    def release_bookings_view(self, request: HttpRequest) -> HttpResponse:
        """Free the places of the calls booked in a time range (a flood of bookings by a script): the manager sees
        which calls first, then confirms. The requests stay in the queue."""
        if not request.user.has_perm("consultations.release_booking"):
            raise PermissionDenied
        pause = booking.current_pause()
        initial = {}
        if pause is not None:
            initial = {"booked_from": pause.started_at - timedelta(hours=1), "booked_until": pause.started_at}
        form = ReleaseBookingsForm(request.POST if request.method == "POST" else None, initial=initial)
        found = None
        if request.method == "POST" and form.is_valid():
            booked_from, booked_until = form.cleaned_data["booked_from"], form.cleaned_data["booked_until"]
            if request.POST.get("confirmed") == "yes":
                released = services.release_bookings_made(
                    booked_from=booked_from, booked_until=booked_until, by=request.user
                )
                self.message_user(
                    request,
                    f"{len(released)} booked call(s) released; the requests stay in the queue, due as soon as "
                    "possible.",
                    messages.SUCCESS,
                )
                return redirect("admin:consultations_consultationrequest_changelist")
            found = booking.bookings_made(booked_from=booked_from, booked_until=booked_until)
        return TemplateResponse(
            request,
            "admin/consultations/consultationrequest/release_bookings.html",
            {
                **self.admin_site.each_context(request),
                "title": "Release the calls booked in a time range",
                "opts": self.opts,
                "form": form,
                "found": found,
                "pause": pause,
            },
        )


class ReleaseBookingsForm(forms.Form):
    booked_from = forms.DateTimeField(
        label="Booked from",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    booked_until = forms.DateTimeField(
        label="Booked before",
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean(self):
        cleaned = super().clean()
        booked_from, booked_until = cleaned.get("booked_from"), cleaned.get("booked_until")
        for name in ("booked_from", "booked_until"):
            moment = cleaned.get(name)
            if moment is not None and not 2000 <= moment.year <= 2100:
                self.add_error(name, "Enter a time from the year 2000 to 2100.")
        if booked_from and booked_until and booked_until <= booked_from:
            self.add_error("booked_until", "The end must be after the start.")
        return cleaned


class MoveCallForm(forms.Form):
    starts_at = forms.CharField(label="New time", widget=forms.Select)

    def __init__(self, *args, days: list[CallDay], **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(days)

    def offer(self, days: list[CallDay]) -> None:
        """List the open times, grouped by day. Any posted value is checked by the booking, not against this list,
        so that a time taken meanwhile gets its own message."""
        # Each time names its day too: a closed list shows the chosen option alone.
        self.fields["starts_at"].widget.choices = [("", "Choose a time")] + [
            (day.label, [(slot.value, f"{slot.starts_at:%a %b} {day.day.day}, {slot.label}") for slot in day.slots])
            for day in days
        ]

    def clean_starts_at(self):
        starts_at = parse_slot_value(self.cleaned_data["starts_at"])
        if starts_at is None:
            raise ValidationError("Choose a time from the list.")
        return starts_at
