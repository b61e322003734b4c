from django.contrib import admin

from consultations.models import ConsultationRequest


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    """Read-only for now, so that staff can see requests (spam included); triage comes with its own admin."""

    list_display = ["reference_display", "created_at", "status", "name", "phone_display", "duplicate_of"]
    list_filter = ["status"]
    list_select_related = ["duplicate_of"]
    fields = [
        "reference_display",
        "created_at",
        "status",
        "spam_reason",
        "duplicate_of",
        "name",
        "phone_display",
        "best_times",
        "voicemail_ok",
        "email",
        "request_for",
        "message",
        "privacy_notice_agreed_at",
        "assigned_to",
        "first_contacted_at",
        "closed_at",
    ]
    readonly_fields = fields

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, obj: ConsultationRequest) -> str:
        return obj.reference_display

    @admin.display(description="phone")
    def phone_display(self, obj: ConsultationRequest) -> str:
        return obj.phone_display

    @admin.display(description="best times to call")
    def best_times(self, obj: ConsultationRequest) -> str:
        return ", ".join(time.label for time in obj.call_times)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
