"""Staff triage in Django admin: the queue, one request, and the read-only audit trail.

Every write goes through consultations.services, so the timeline and the audit trail see it.
"""

import re
import secrets
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import F, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince, timeuntil

from consultations import booking, dashboard, outbox, services
from consultations.models import (
    OPEN_STATUSES,
    AuditAction,
    AuditEntry,
    BookingRules,
    CallAttempt,
    CallWindow,
    ConsultationRequest,
    Note,
    StaffNotification,
    Status,
)
from pages.facts import facts_changed
from pages.models import Weekday
from portland_site import phones
from portland_site.clinic import (
    by_when,
    call_start_time,
    call_time_in_words,
    day_from,
    day_in_words,
    format_time,
    format_time_range,
)
from portland_site.clinic_time import clinic_days, in_clinic_time

_REFERENCE = re.compile(r"[0-9A-Z]{8}")
RECORD_FIELDSET = "The record"


def _when(moment) -> str:
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


def _moment_field(field: str, description: str):
    """A read-only date and time of the record, shown by _when."""

    @admin.display(description=description, ordering=field)
    def show(self, obj) -> str:
        return _when(getattr(obj, field))

    return show


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


def _linked_requests(selected: list[ConsultationRequest]) -> list[ConsultationRequest]:
    """The other requests of the selected ones' duplicate groups (the first request and its duplicates), not yet
    erased: the same phone number, and most likely the same person, who may want those erased too."""
    firsts = {request.duplicate_of_id or request.pk for request in selected}
    return list(
        ConsultationRequest.objects.filter(Q(pk__in=firsts) | Q(duplicate_of__in=firsts), erased_at__isnull=True)
        .exclude(pk__in=[request.pk for request in selected])
        .order_by("created_at")
    )


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


# Search terms are kept in the staff member's session (which ends after 30 idle minutes), and the list's URL
# carries only this parameter: the opaque id of a search. Django's admin would put the term itself in ?q=, and
# from there in preserved filters, proxy logs and the browser's history.
SEARCH_PARAM = "search"
_SEARCH_SESSION_KEY = "consultations_triage_search"
SEARCH_MAX_LENGTH = 100
_SEARCHES_KEPT = 5


class TriageChangeList(ChangeList):
    search_max_length = SEARCH_MAX_LENGTH

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_PARAM, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        self.query = self.model_admin.search_term(request)
        return super().get_queryset(request, exclude_parameters)

    @property
    def filters_query(self) -> str:
        """The list's filters and ordering as a query string, without the search and the page."""
        query = QueryDict(mutable=True)
        for name, values in self.filter_params.items():
            query.setlist(name, values)
        return _without_search(query).urlencode()


def _without_search(query: QueryDict) -> QueryDict:
    for name in (SEARCH_VAR, SEARCH_PARAM, PAGE_VAR):
        query.pop(name, None)
    return query


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
        return f"{timesince(obj.attempted_at, depth=1)} ago" if obj.pk else ""


class NoteInline(RefusedWritesMixin, admin.StackedInline):
    refused_writes = ("change", "delete")
    model = Note
    fields = ["text", "author", "written"]
    readonly_fields = ["author", "written"]
    extra = 1
    written = _moment_field("written_at", "written")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Only the form for a new note has an input; its label says so (triage.css hides its empty heading).
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            field.label = "New note"
        return field


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
        "promised",
        "overdue",  # beside the promise it follows from, where it cannot scroll out of sight
        "received",
        "status",
        "assigned_to",
        "best_times",
        "voicemail",
        "call_attempts",
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
        "erase_selected",
    ]
    inlines = [CallAttemptInline, NoteInline, StaffNotificationInline]
    # In the order intake works (change_form.html puts the call attempts and notes before "The record").
    fieldsets = [
        (None, {"fields": ["reference_display", "status", "assigned_to", "linked_requests"]}),
        (
            "Who they are and how to reach them",
            {"fields": ["name", "phone_link", "email", "voicemail_ok", "request_for", "message"]},
        ),
        ("When they expect the call", {"fields": ["promise", "received", "best_times", "overdue"]}),
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
                    "timeline",
                ]
            },
        ),
    ]
    readonly_fields = [
        "reference_display",
        "promise",
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
        "privacy_notice_shown",
        "first_contacted",
        "closed",
        "erased",
        "spam_reason",
        "spam_marked",
        "timeline",
    ]
    privacy_notice_shown = _moment_field("privacy_notice_shown_at", "privacy notice shown")
    first_contacted = _moment_field("first_contacted_at", "first contacted")
    closed = _moment_field("closed_at", "closed")
    erased = _moment_field("erased_at", "personal data erased")
    spam_marked = _moment_field("spam_marked_at", "marked as spam")

    class Media:
        css = {"all": ["consultations/admin/triage.css"]}

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

    def search_term(self, request: HttpRequest) -> str:
        """The term of the search this list's URL names (see search_view); empty when it names none."""
        return request.session.get(_SEARCH_SESSION_KEY, {}).get(request.GET.get(SEARCH_PARAM, ""), "")

    def search_view(self, request: HttpRequest) -> HttpResponse:
        """The search box posts here: the term goes into the session and the list is shown with its id."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.POST.get(SEARCH_VAR, "").strip()[:SEARCH_MAX_LENGTH]
        query = _without_search(QueryDict(request.POST.get("filters", ""), mutable=True))
        if term:
            search_id = secrets.token_urlsafe(6)
            # The latest few, so that a list open in another tab keeps its search.
            kept = list(request.session.get(_SEARCH_SESSION_KEY, {}).items())[-(_SEARCHES_KEPT - 1) :]
            request.session[_SEARCH_SESSION_KEY] = {**dict(kept), search_id: term}
            query[SEARCH_PARAM] = search_id
        url = reverse("admin:consultations_consultationrequest_changelist")
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url, status=303)

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
        return _when(obj.created_at)

    @admin.display(description="promised", ordering=F("promised_at").asc(nulls_last=True))
    def promised(self, obj: ConsultationRequest) -> str:
        return promised_briefly(obj, in_clinic_time())

    @admin.display(description="promised")
    def promise(self, obj: ConsultationRequest) -> str:
        return booking.promise_in_words(obj) or "Nothing: no opening time was recorded when it arrived."

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
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    _when(change.changed_at),
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
        # Every rendering shows the person's details: a first look, and a form sent back with a mistake.
        if obj is not None:
            services.record_view(consultation_request=obj, by=request.user)
        context["record_fieldset"] = RECORD_FIELDSET
        if obj is not None and getattr(obj, "booking", None) is not None and self.has_change_permission(request, obj):
            context["move_call_url"] = reverse("admin:consultations_consultationrequest_move_call", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Actions

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for consultation_request in queryset:
            services.assign_request(consultation_request=consultation_request, assignee=request.user, by=request.user)
        self.message_user(request, f"{len(queryset)} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Erase personal data (at the person’s request)", permissions=["erase"])
    def erase_selected(self, request, queryset):
        selected = list(queryset)
        linked = _linked_requests(selected)
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
        erased = selected + [other for other in linked if str(other.pk) in chosen]
        for consultation_request in erased:
            services.erase_personal_data(consultation_request=consultation_request, by=request.user)
        self.message_user(request, f"Personal data erased from {len(erased)} request(s).", messages.SUCCESS)
        return None

    # Export of the filtered queue

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
                self.admin_site.admin_view(self.today_view),
                name="consultations_consultationrequest_today",
            ),
            path(
                "<int:object_id>/move-call/",
                self.admin_site.admin_view(self.move_call_view),
                name="consultations_consultationrequest_move_call",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if SEARCH_VAR in request.GET:
            # An old link or a hand-typed URL: the list without the term, which must not spread further.
            query = _without_search(request.GET.copy())
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        response = super().changelist_view(request, extra_context=extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.query:
            # Which requests a name or phone number led to, and how many; never what was typed.
            services.record_audit(
                actor=request.user,
                action=AuditAction.SEARCHED,
                consultation_requests=changelist.result_list,
                detail=f"search: {changelist.result_count} result(s)",
            )
        return response

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
                "booked_for": booking.promise_in_words(consultation_request),
                "form": form,
            },
        )

    def today_view(self, request: HttpRequest) -> HttpResponse:
        """The calls promised for today, in time order: booked calls, and "as soon as possible" requests due today
        and still open. References, times, statuses and assignees only, as the queue shows."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        now = in_clinic_time()
        day_starts, day_ends = clinic_days(now.date(), now.date())
        calls = (
            ConsultationRequest.objects.with_triage_figures()
            .filter(
                Q(booking__starts_at__gte=day_starts, booking__starts_at__lt=day_ends)
                | Q(booking__isnull=True, status__in=OPEN_STATUSES, due_by__gte=day_starts, due_by__lt=day_ends)
            )
            .select_related("booking", "assigned_to")
            .order_by("promised_at", "created_at")
        )
        rows = [
            {
                "request": call,
                "url": reverse("admin:consultations_consultationrequest_change", args=[call.pk]),
                "when": _promised_today(call),
            }
            for call in calls
        ]
        return TemplateResponse(
            request,
            "admin/consultations/consultationrequest/today.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Today’s calls: {day_in_words(now)}",
                "opts": self.opts,
                "rows": rows,
                "queue_url": reverse("admin:consultations_consultationrequest_changelist"),
            },
        )


def _promised_today(consultation_request: ConsultationRequest) -> str:
    booked = getattr(consultation_request, "booking", None)
    if booked is not None:
        return format_time_range(in_clinic_time(booked.starts_at), in_clinic_time(booked.ends_at))
    return f"as soon as possible, by {format_time(in_clinic_time(consultation_request.due_by).time())}"


class MoveCallForm(forms.Form):
    starts_at = forms.CharField(label="New time", widget=forms.Select)

    def __init__(self, *args, days: list[booking.CallDay], **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(days)

    def offer(self, days: list[booking.CallDay]) -> None:
        """List the open times, grouped by day. Any posted value is checked by the booking, not against this list,
        so that a time taken meanwhile gets its own message."""
        self.fields["starts_at"].widget.choices = [("", "Choose a time")] + [
            (day.label, [(slot.value, slot.label) for slot in day.slots]) for day in days
        ]

    def clean_starts_at(self):
        starts_at = booking.parse_slot_value(self.cleaned_data["starts_at"])
        if starts_at is None:
            raise ValidationError("Choose a time from the list.")
        return starts_at


@admin.register(AuditEntry)
class AuditEntryAdmin(RefusedWritesMixin, admin.ModelAdmin):
    """Read-only for everyone: the trail is appended to by the services and never edited."""

    list_display = ["when", "actor", "action", "row_count", "references_shown", "detail"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["references"]
    search_help_text = "A reference, with the dash."
    when = _moment_field("at", "when")

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
    fields = ["created_at", "kind", "request_link", *_NOTIFICATION_FIELDS[1:], "claimed_until"]
    readonly_fields = fields
    actions = ["resend"]
    created = _moment_field("created_at", "created")
    sent = _moment_field("sent_at", "sent")

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


# Call capacity (issue 12): the Clinic manager's one page of booking rules and call windows.

CALL_MINUTES_RANGE = (5, 240)
PLACES_RANGE = (1, 50)
# Any day will do to count the calls that fit in a window (no window spans a change of clock).
_A_DAY = date(2026, 1, 5)


def _window_in_words(window: booking.WindowSpec) -> str:
    return f"{Weekday(window.weekday).label} {format_time(window.starts)}–{format_time(window.ends)}"


class CallWindowForm(forms.ModelForm):
    class Meta:
        model = CallWindow
        fields = ["weekday", "starts", "ends", "call_minutes", "places"]

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

    def window_spec(self) -> booking.WindowSpec | None:
        """The window this form proposes, once its fields are valid."""
        data = self.cleaned_data
        if any(data.get(name) is None for name in ("weekday", "starts", "ends", "call_minutes", "places")):
            return None
        return booking.WindowSpec(
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

    def proposed_windows(self) -> list[booking.WindowSpec]:
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
        # Locks the window rows until the admin's transaction saves the change (see booking.py).
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
    fields = ["notice_hours"]

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
        return redirect("admin:consultations_bookingrules_change", booking.booking_rules().pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The capacity travels with the clinic's facts (see booking.py): every host offers the new times.
        facts_changed()
