"""What a request's page lists under it: call attempts and notes (added, never rewritten) and the staff emails."""

from django import forms
from django.contrib import admin
from django.utils.timesince import timesince

from consultations import services
from consultations.admin.display import LabelledInputsMixin, moment_field
from consultations.models import CallAttempt, Note, StaffNotification
from portland_site.admin_mixins import RefusedWritesMixin


class CallAttemptForm(forms.ModelForm):
    class Meta:
        model = CallAttempt
        fields = ["attempted_at", "outcome", "note"]

    def clean_attempted_at(self):
        attempted_at = self.cleaned_data["attempted_at"]
        services.check_call_attempt_time(
            consultation_request=self.instance.consultation_request, attempted_at=attempted_at
        )
        return attempted_at


class CallAttemptInline(LabelledInputsMixin, RefusedWritesMixin, admin.TabularInline):
    """Attempts are added, never rewritten: the record of who called when stays as it happened."""

    refused_writes = ("change", "delete")
    model = CallAttempt
    form = CallAttemptForm
    fields = ["attempted_at", "age", "made_by", "outcome", "note"]
    readonly_fields = ["age", "made_by"]
    extra = 1

    @admin.display(description="how long ago")
    def age(self, obj: CallAttempt) -> str:
        if not obj.pk:
            return ""
        age = f"{timesince(obj.attempted_at, depth=1)} ago"
        if obj.recorded_late:
            # The figures count it from an hour before it was entered, not from the time given.
            return f"{age} (recorded {timesince(obj.attempted_at, obj.recorded_at, depth=1)} later)"
        return age


class NoteInline(RefusedWritesMixin, admin.StackedInline):
    refused_writes = ("change", "delete")
    model = Note
    fields = ["text", "author", "written"]
    readonly_fields = ["author", "written"]
    extra = 1
    written = moment_field("written_at", "written")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Only the form for a new note has an input; its label says so (triage.css hides its empty heading).
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            field.label = "New note"
        return field


# Staff notifications (the outbox of staff emails): read-only; a manager may send a failed one again.
NOTIFICATION_FIELDS = ["kind", "recipient", "status", "attempts", "next_attempt_at", "last_error", "sent_at"]


class StaffNotificationInline(RefusedWritesMixin, admin.TabularInline):
    model = StaffNotification
    fields = NOTIFICATION_FIELDS
    readonly_fields = NOTIFICATION_FIELDS
    extra = 0
    can_delete = False
    verbose_name_plural = "staff emails about this request"
