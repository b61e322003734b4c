"""Staff triage in Django admin: the queue, one request, and the read-only audit trail.

Every write goes through consultations.services, so the timeline and the audit trail see it.
"""

import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from consultations import dashboard, outbox, services
from consultations.models import (
    AuditEntry,
    CallAttempt,
    ConsultationRequest,
    Note,
    StaffNotification,
    Status,
)
from portland_site import phones
from portland_site.clinic_time import in_clinic_time

_REFERENCE = re.compile(r"[0-9A-Z]{8}")


def _clinic_time(moment) -> str:
    """In the clinic's time zone, with the year only when it is not this year."""
    if not moment:
        return "—"
    local = in_clinic_time(moment)
    year = "" if local.year == in_clinic_time().year else f", {local.year}"
    return f"{local:%b %-d}{year}, {local:%-I:%M %p}"


class RefusedWritesMixin:
    """Refuses the writes named in `refused_writes` (all three by default: read-only) whatever a user's
    permissions, for records that must stay as they happened."""

    refused_writes: tuple[str, ...] = ("add", "change", "delete")

    def has_add_permission(self, request, *args):
        return "add" not in self.refused_writes and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return "change" not in self.refused_writes and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return "delete" not in self.refused_writes and super().has_delete_permission(request, obj)


class StatusFilter(admin.SimpleListFilter):
    """Open requests (new and attempting contact) unless staff ask for another status or all of them."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "All")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Open (new and attempting contact)",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.open()
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class ReceivedFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "received"


class CallAttemptInline(RefusedWritesMixin, admin.TabularInline):
    """Attempts are added, never rewritten: the record of who called when stays as it happened."""

    refused_writes = ("change", "delete")
    model = CallAttempt
    fields = ["attempted_at", "made_by", "outcome", "note"]
    readonly_fields = ["made_by"]
    extra = 1

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


class NoteInline(RefusedWritesMixin, admin.StackedInline):
    refused_writes = ("change", "delete")
    model = Note
    fields = ["text", "author", "written_at"]
    readonly_fields = ["author", "written_at"]
    extra = 1


# Staff notifications (the outbox of staff emails): read-only; a manager may send a failed one again.
_NOTIFICATION_FIELDS = ["kind", "recipient", "status", "attempts", "next_attempt_at", "last_error", "sent_at"]


class StaffNotificationInline(RefusedWritesMixin, admin.TabularInline):
    model = StaffNotification
    fields = _NOTIFICATION_FIELDS
    readonly_fields = _NOTIFICATION_FIELDS
    extra = 0
    can_delete = False
    verbose_name_plural = "staff emails about this request"


def _status_action(status: Status):
    def move(modeladmin: "ConsultationRequestAdmin", request: HttpRequest, queryset: QuerySet) -> None:
        for consultation_request in queryset:
            services.change_status(consultation_request=consultation_request, status=status, by=request.user)
        modeladmin.message_user(request, f"{len(queryset)} request(s) now {status.label.lower()}.", messages.SUCCESS)

    move.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark as {status.label.lower()}", permissions=["change"])(move)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(RefusedWritesMixin, admin.ModelAdmin):
    refused_writes = ("add",)  # requests come from the form only
    list_display = [
        "reference_display",
        "received",
        "overdue",  # beside the age it follows from, where it cannot scroll out of sight
        "status",
        "assigned_to",
        "best_times",
        "voicemail",
        "call_attempts",
    ]
    list_filter = [StatusFilter, AssignedFilter, OverdueFilter, ("created_at", ReceivedFilter)]
    list_select_related = ["assigned_to"]
    ordering = ["created_at"]
    # A working page, and no second count of the whole table under every filtered page (see docs/performance.md).
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["name"]  # shows the search box; get_search_results does the matching
    search_help_text = "Reference (with or without the dash), name, or phone number in any format."
    actions = [
        "assign_to_me",
        *(
            _status_action(status)
            for status in (
                Status.ATTEMPTING_CONTACT,
                Status.CONSULTATION_SCHEDULED,
                Status.NOT_A_FIT,
                Status.CLOSED,
                Status.SPAM,
            )
        ),
        "erase_selected",
    ]
    inlines = [CallAttemptInline, NoteInline, StaffNotificationInline]
    fieldsets = [
        (None, {"fields": ["reference_display", "received", "status", "assigned_to", "overdue", "linked_requests"]}),
        (
            "What they sent",
            {"fields": ["name", "phone_link", "email", "best_times", "voicemail_ok", "request_for", "message"]},
        ),
        (
            "Dates",
            {"fields": ["privacy_notice_agreed_at", "first_contacted_at", "closed_at", "erased_at", "spam_reason"]},
        ),
        ("Timeline", {"fields": ["timeline"]}),
    ]
    readonly_fields = [
        "reference_display",
        "received",
        "overdue",
        "linked_requests",
        "name",
        "phone_link",
        "email",
        "best_times",
        "voicemail_ok",
        "request_for",
        "message",
        "privacy_notice_agreed_at",
        "first_contacted_at",
        "closed_at",
        "erased_at",
        "spam_reason",
        "timeline",
    ]

    class Media:
        css = {"all": ["consultations/admin/triage.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_triage_figures()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.filter(name__icontains=term)
        reference = term.replace("-", "").replace(" ", "").upper()
        if _REFERENCE.fullmatch(reference):
            matches |= queryset.filter(reference=reference)
        if phone := phones.possible_e164(term):
            matches |= queryset.filter(phone=phone)
        return matches, False

    # Columns and fields

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, obj: ConsultationRequest) -> str:
        return obj.reference_display

    @admin.display(description="received", ordering="created_at")
    def received(self, obj: ConsultationRequest) -> str:
        return format_html(
            '{}<br><span class="triage-age">{} ago</span>',
            _clinic_time(obj.created_at),
            timesince(obj.created_at, depth=1),
        )

    @admin.display(description="best times")
    def best_times(self, obj: ConsultationRequest) -> str:
        return ", ".join(time.label.removeprefix("Weekday ") for time in obj.call_times)

    @admin.display(description="voicemail OK", boolean=True, ordering="voicemail_ok")
    def voicemail(self, obj: ConsultationRequest) -> bool:
        return obj.voicemail_ok

    @admin.display(description="calls", ordering="call_attempt_count")
    def call_attempts(self, obj: ConsultationRequest) -> int:
        return obj.call_attempt_count

    @admin.display(description="overdue")
    def overdue(self, obj: ConsultationRequest) -> str:
        # Words, not only colour, so that it reads in any display and to a screen reader.
        return format_html('<strong class="triage-overdue">{}</strong>', "Overdue") if obj.is_overdue else ""

    @admin.display(description="phone")
    def phone_link(self, obj: ConsultationRequest) -> str:
        if not obj.phone:
            return "—"
        return format_html('<a href="tel:{}">{}</a>', obj.phone, obj.phone_display)

    @admin.display(description="linked requests")
    def linked_requests(self, obj: ConsultationRequest) -> str:
        linked = [(obj.duplicate_of, "this is a duplicate of it")] if obj.duplicate_of else []
        linked += [(duplicate, "duplicate of this one") for duplicate in obj.duplicates.order_by("created_at")]
        if not linked:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (reverse("admin:consultations_consultationrequest_change", args=[other.pk]), other, relation)
                for other, relation in linked
            ),
        )

    @admin.display(description="status changes")
    def timeline(self, obj: ConsultationRequest) -> str:
        changes = obj.status_changes.select_related("changed_by")
        if not changes:
            return "No status changes yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _clinic_time(change.changed_at),
                    change.changed_by.get_username() if change.changed_by else "the website",
                    change.get_from_status_display(),
                    change.get_to_status_display(),
                )
                for change in changes
            ),
        )
        return format_html(
            '<table class="triage-timeline"><thead><tr><th scope="col">When</th><th scope="col">Who</th>'
            '<th scope="col">From</th><th scope="col">To</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    # Permissions

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.export_consultationrequest")

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.erase_consultationrequest")

    # Writes, all through the services

    def save_model(self, request, obj, form, change):
        if "assigned_to" in form.changed_data:
            services.assign_request(
                consultation_request=obj, assignee=form.cleaned_data["assigned_to"], by=request.user
            )
        if "status" in form.changed_data:
            services.change_status(consultation_request=obj, status=form.cleaned_data["status"], by=request.user)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, CallAttempt):
                services.record_call_attempt(
                    consultation_request=form.instance,
                    by=request.user,
                    outcome=instance.outcome,
                    note=instance.note,
                    attempted_at=instance.attempted_at,
                )
            else:
                services.add_note(consultation_request=form.instance, by=request.user, text=instance.text)

    def delete_model(self, request, obj):
        services.delete_requests(consultation_requests=ConsultationRequest.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_requests(consultation_requests=queryset, by=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            services.record_view(consultation_request=obj, by=request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Actions

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for consultation_request in queryset:
            services.assign_request(consultation_request=consultation_request, assignee=request.user, by=request.user)
        self.message_user(request, f"{len(queryset)} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Erase personal data (at the person’s request)", permissions=["erase"])
    def erase_selected(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/consultations/consultationrequest/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase personal data?",
                    "opts": self.opts,
                    "consultation_requests": queryset,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for consultation_request in queryset:
            services.erase_personal_data(consultation_request=consultation_request, by=request.user)
        self.message_user(request, f"Personal data erased from {len(queryset)} request(s).", messages.SUCCESS)
        return None

    # Export of the filtered queue

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="consultations_consultationrequest_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

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


@admin.register(AuditEntry)
class AuditEntryAdmin(RefusedWritesMixin, admin.ModelAdmin):
    """Read-only for everyone: the trail is appended to by the services and never edited."""

    list_display = ["at", "actor", "action", "row_count", "references_shown", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["references"]
    search_help_text = "A reference, with the dash."

    @admin.display(description="requests")
    def references_shown(self, obj: AuditEntry) -> str:
        shown = obj.references.split()
        more = len(shown) - 10
        return " ".join(shown[:10]) + (f" and {more} more" if more > 0 else "")


@admin.register(StaffNotification)
class StaffNotificationAdmin(RefusedWritesMixin, admin.ModelAdmin):
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
