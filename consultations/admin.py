from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from consultations.models import ConsultationRequest, StaffNotification
from consultations.services import notification_health, resend_notification


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


# Staff notifications (the outbox of staff emails): read-only; a manager may send a failed one again.

_NOTIFICATION_FIELDS = ["kind", "recipient", "status", "attempts", "next_attempt_at", "last_error", "sent_at"]


class StaffNotificationInline(admin.TabularInline):
    model = StaffNotification
    fields = _NOTIFICATION_FIELDS
    readonly_fields = _NOTIFICATION_FIELDS
    extra = 0
    can_delete = False
    verbose_name_plural = "staff emails about this request"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StaffNotification)
class StaffNotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "request_link", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["consultation_request"]
    fields = ["created_at", "kind", "request_link", *_NOTIFICATION_FIELDS[1:], "claimed_until"]
    readonly_fields = fields
    actions = ["resend"]

    @admin.display(description="request")
    def request_link(self, obj: StaffNotification) -> str:
        if obj.consultation_request is None:
            return "-"
        url = reverse("admin:consultations_consultationrequest_change", args=[obj.consultation_request_id])
        return format_html('<a href="{}">{}</a>', url, obj.consultation_request)

    @admin.action(description="Send the selected failed emails again", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[StaffNotification]) -> None:
        notifications = list(queryset)
        resent = sum(resend_notification(notification=notification) for notification in notifications)
        skipped = len(notifications) - resent
        self.message_user(request, f"{resent} email(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} email(s) had not failed and were left alone.", messages.WARNING)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.resend_staffnotification")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        for problem in notification_health().problems:
            self.message_user(request, problem, messages.WARNING)
        return super().changelist_view(request, extra_context)


# The request's page lists its emails. Attached here, not in ConsultationRequestAdmin, which the triage work owns.
ConsultationRequestAdmin.inlines = [*ConsultationRequestAdmin.inlines, StaffNotificationInline]
