"""The queue of call-back requests and one request's page. Every write goes through consultations.services, so
the timeline and the audit trail see it."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from consultations import services
from consultations.admin.calls import CallSheetMixin, call_facts
from consultations.admin.display import best_times_in_words, moment_field, voicemail_in_words, when
from consultations.admin.filters import AssignedFilter, OverdueFilter, ReceivedFilter, StatusFilter
from consultations.admin.inlines import CallAttemptInline, NoteInline, StaffNotificationInline
from consultations.admin.search import TriageChangeList, TriageSearchMixin
from consultations.admin.views import TriageViewsMixin
from consultations.call_sheet import with_call_facts
from consultations.models import CallAttempt, ConsultationRequest, Status
from consultations.promises import promise_in_words
from portland_site.admin_mixins import RefusedWritesMixin

RECORD_FIELDSET = "The record"


def _status_action(status: Status):
    def move(modeladmin: "ConsultationRequestAdmin", request: HttpRequest, queryset: QuerySet) -> None:
        for consultation_request in queryset:
            services.change_status(consultation_request=consultation_request, status=status, by=request.user)
        modeladmin.message_user(request, f"{len(queryset)} request(s) now {status.label.lower()}.", messages.SUCCESS)

    move.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark as {status.label.lower()}", permissions=["change"])(move)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(
    TriageSearchMixin, TriageViewsMixin, CallSheetMixin, RefusedWritesMixin, admin.ModelAdmin
):
    refused_writes = ("add",)  # requests come from the form only
    # One line a request, so that a laptop's first screen shows ten or more of them.
    list_display = [
        "reference_display",
        "name_shown",
        "promised",
        "overdue",  # beside the promise it follows from, where it cannot scroll out of sight
        "voicemail",
        "status",
        "assigned_to",
        "call_attempts",
        "received",
    ]
    list_filter = [StatusFilter, AssignedFilter, OverdueFilter, ("created_at", ReceivedFilter)]
    list_select_related = ["assigned_to", "booking"]
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
        "confirm_spam",
        "erase_selected",
    ]
    inlines = [CallAttemptInline, NoteInline, StaffNotificationInline]
    # In the order intake works (change_form.html puts the call attempts and notes before "The record").
    fieldsets = [
        (None, {"fields": ["reference_display", "status", "assigned_to", "linked_requests"]}),
        (
            "Who they are and how to reach them",
            {"fields": ["name", "phone_link", "email", "voicemail_allowed", "request_for", "message"]},
        ),
        ("When they expect the call", {"fields": ["promise", "arrived", "best_times", "overdue"]}),
        (
            RECORD_FIELDSET,
            {
                "fields": [
                    "privacy_notice_shown",
                    "first_contacted",
                    "closed",
                    "erased",
                    "spam_reason",
                    "spam_marked",
                    "spam_confirmed",
                    "timeline",
                ]
            },
        ),
    ]
    readonly_fields = [
        "reference_display",
        "promise",
        "arrived",
        "overdue",
        "linked_requests",
        "name",
        "phone_link",
        "email",
        "best_times",
        "voicemail_allowed",
        "request_for",
        "message",
        "privacy_notice_shown",
        "first_contacted",
        "closed",
        "erased",
        "spam_reason",
        "spam_marked",
        "spam_confirmed",
        "timeline",
    ]
    privacy_notice_shown = moment_field("privacy_notice_shown_at", "privacy notice shown")
    first_contacted = moment_field("first_contacted_at", "first contacted")
    arrived = moment_field("created_at", "received")
    closed = moment_field("closed_at", "closed")
    erased = moment_field("erased_at", "personal data erased")
    spam_marked = moment_field("spam_marked_at", "marked as spam")
    spam_confirmed = moment_field("spam_confirmed_at", "spam confirmed (deleted sooner)")

    class Media:
        css = {"all": ["consultations/admin/triage.css"]}
        js = ["consultations/admin/call_sheet.js"]  # the copy buttons beside the phone number

    def get_queryset(self, request):
        return super().get_queryset(request).with_triage_figures()

    def get_ordering(self, request):
        # The soonest promise first; requests promised nothing (no opening hours were recorded) after them.
        return [F("promised_at").asc(nulls_last=True), "created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    # Columns and fields

    @admin.display(description="reference", ordering="reference")
    def reference_display(self, obj: ConsultationRequest) -> str:
        return obj.reference_display

    @admin.display(description="name", ordering="name")
    def name_shown(self, obj: ConsultationRequest) -> str:
        return obj.name or "(erased)"

    @admin.display(description="received", ordering="created_at")
    def received(self, obj: ConsultationRequest) -> str:
        return when(obj.created_at, age_only=True)

    @admin.display(description="promised", ordering=F("promised_at").asc(nulls_last=True))
    def promised(self, obj: ConsultationRequest) -> str:
        return promise_in_words(obj, style="short")

    @admin.display(description="promised")
    def promise(self, obj: ConsultationRequest) -> str:
        return promise_in_words(obj) or "Nothing: no opening time was recorded when it arrived."

    @admin.display(description="best times")
    def best_times(self, obj: ConsultationRequest) -> str:
        return best_times_in_words(obj)

    @admin.display(description="voicemail", ordering="voicemail_ok")
    def voicemail(self, obj: ConsultationRequest) -> str:
        return voicemail_in_words(obj)

    @admin.display(description="may leave a voicemail")
    def voicemail_allowed(self, obj: ConsultationRequest) -> str:
        return voicemail_in_words(obj)

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
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    when(change.changed_at),
                    change.changed_by.get_username() if change.changed_by else "the website",
                    change.get_from_status_display(),
                    change.get_to_status_display(),
                    change.reason or "-",
                )
                for change in changes
            ),
        )
        return format_html(
            '<table class="triage-timeline"><thead><tr><th scope="col">When</th><th scope="col">Who</th>'
            '<th scope="col">From</th><th scope="col">To</th><th scope="col">Why</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )

    # Permissions

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.export_consultationrequest")

    def has_confirm_spam_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.confirm_spam_consultationrequest")

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("consultations.erase_consultationrequest")

    # Reads of personal data: only through the filters the list offers, and always audited

    # The query-string lookups the list's own filters use. Django's admin would take any other field lookup too
    # (?message__icontains=...), a way to read what people wrote one guess at a time, with no audit entry.
    offered_lookups = {"status", "assigned", "overdue", "created_at__gte", "created_at__lt"}

    def lookup_allowed(self, lookup, value, request):
        return lookup in self.offered_lookups and super().lookup_allowed(lookup, value, request)

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
                stored = services.record_call_attempt(
                    consultation_request=form.instance,
                    by=request.user,
                    outcome=instance.outcome,
                    note=instance.note,
                    attempted_at=instance.attempted_at,
                )
            else:
                stored = services.add_note(consultation_request=form.instance, by=request.user, text=instance.text)
            instance.pk = stored.pk  # the History entry Django writes next names the stored row, not "#None"

    def delete_model(self, request, obj):
        services.delete_requests(consultation_requests=ConsultationRequest.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_requests(consultation_requests=queryset, by=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Every rendering shows the person's details: a first look, and a form sent back with a mistake.
        if obj is not None:
            services.record_view(consultation_request=obj, by=request.user)
        context["record_fieldset"] = RECORD_FIELDSET
        if obj is not None:
            context["title"] = "Call-back request"  # its reference follows as the subtitle; not "Change …"
            call = with_call_facts(ConsultationRequest.objects.filter(pk=obj.pk)).select_related("booking").get()
            context["call"] = call_facts(call, can_record=self.can_record_calls(request), promise_style="full")
        if obj is not None and getattr(obj, "booking", None) is not None and self.has_change_permission(request, obj):
            context["move_call_url"] = reverse("admin:consultations_consultationrequest_move_call", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Actions

    def response_action(self, request, queryset):
        # Django's admin filters the queryset by the posted ids as they come: a made-up one ("x") was a 500.
        if not all(value.isdecimal() for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            raise BadRequest("a selected request that is not a request")
        return super().response_action(request, queryset)

    @admin.action(description="Confirm as spam (then deleted after the spam period)", permissions=["confirm_spam"])
    def confirm_spam(self, request, queryset):
        confirmed = services.confirm_spam(consultation_requests=list(queryset), by=request.user)
        skipped = len(queryset) - len(confirmed)
        message = f"{len(confirmed)} request(s) confirmed as spam."
        if skipped:
            message += f" {skipped} not marked spam, or already confirmed, left as they were."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for consultation_request in queryset:
            services.assign_request(consultation_request=consultation_request, assignee=request.user, by=request.user)
        self.message_user(request, f"{len(queryset)} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Erase personal data (at the person’s request)", permissions=["erase"])
    def erase_selected(self, request, queryset):
        selected = list(queryset)
        linked = services.requests_of_the_same_person(consultation_requests=selected)
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/consultations/consultationrequest/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase personal data?",
                    "opts": self.opts,
                    "consultation_requests": selected,
                    "linked_requests": linked,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        # Only requests the page offered: a posted id of any other request is ignored.
        chosen = set(request.POST.getlist("also_erase"))
        erased = selected + [
            same.consultation_request for same in linked if str(same.consultation_request.pk) in chosen
        ]
        for consultation_request in erased:
            services.erase_personal_data(consultation_request=consultation_request, by=request.user)
        self.message_user(request, f"Personal data erased from {len(erased)} request(s).", messages.SUCCESS)
        return None

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "Call-back requests",  # not Django's "Select call-back request to change"
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)
