"""The clinic's closures in the admin, as clinic/admin.py has them, and a warning when a closure covers calls
already booked: the booking form stops offering those days at once, but those calls need a person to move them.

It replaces clinic's registration of Closure because the calls are this app's (`clinic` knows nothing of them).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from clinic.admin import ClosureAdmin
from clinic.models import Closure
from consultations import booking
from portland_site.clinic import call_time_in_words

admin.site.unregister(Closure)


@admin.register(Closure)
class ClosureWithBookedCallsAdmin(ClosureAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        booked = booking.calls_booked_on(first_day=obj.first_day, last_day=obj.last_day)
        if not booked:
            return
        calls = format_html_join(
            "; ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:consultations_consultationrequest_move_call", args=[call.consultation_request_id]),
                    call.consultation_request.reference_display,
                    call_time_in_words(call.starts_at, call.ends_at),
                )
                for call in booked
            ),
        )
        count = "1 call is" if len(booked) == 1 else f"{len(booked)} calls are"
        message = format_html(
            "{} booked on the days of this closure: {}. Move each one to a day the clinic is open; the person's "
            "private link then shows the new time.",
            count,
            calls,
        )
        self.message_user(request, message, messages.WARNING)
