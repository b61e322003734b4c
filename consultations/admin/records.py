"""Records kept as they happened: the audit trail and the outbox of staff emails (a failed one may be sent again)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from consultations import dashboard, outbox
from consultations.admin.display import moment_field
from consultations.admin.inlines import NOTIFICATION_FIELDS
from consultations.models import AuditEntry, StaffNotification
from portland_site.admin_mixins import RefusedWritesMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(RefusedWritesMixin, admin.ModelAdmin):
    """Read-only for everyone: the trail is appended to by the services and never edited."""

    list_display = ["when", "actor", "action", "row_count", "references_shown", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["references"]
    search_help_text = "A reference, with the dash."
    when = moment_field("at", "when")

    @admin.display(description="requests")
    def references_shown(self, obj: AuditEntry) -> str:
        shown = obj.references.split()
        more = len(shown) - 10
        return " ".join(shown[:10]) + (f" and {more} more" if more > 0 else "")


@admin.register(StaffNotification)
class StaffNotificationAdmin(RefusedWritesMixin, admin.ModelAdmin):
    list_display = ["created", "kind", "request_link", "recipient", "status", "attempts", "sent", "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["consultation_request"]
    fields = ["created_at", "kind", "request_link", *NOTIFICATION_FIELDS[1:], "claimed_until"]
    readonly_fields = fields
    actions = ["resend"]
    created = moment_field("created_at", "created")
    sent = moment_field("sent_at", "sent")

    @admin.display(description="request")
    def request_link(self, obj: StaffNotification) -> str:
        if obj.consultation_request is None:
            return "-"
        url = reverse("admin:consultations_consultationrequest_change", args=[obj.consultation_request_id])
        return format_html('<a href="{}">{}</a>', url, obj.consultation_request)

    @admin.action(description="Send the selected failed emails again", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[StaffNotification]) -> None:
        notifications = list(queryset)
        resent = sum(outbox.resend_notification(notification=notification) for notification in notifications)
        skipped = len(notifications) - resent
        self.message_user(request, f"{resent} email(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} email(s) had not failed and were left alone.", messages.WARNING)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.resend_staffnotification")

    def changelist_view(self, request, extra_context=None):
        for problem in dashboard.notification_health().problems:
            self.message_user(request, problem, messages.WARNING)
        return super().changelist_view(request, extra_context)
