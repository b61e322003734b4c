"""The clinic's facts in the admin: the Clinic manager edits them, Intake staff may read them.

Every save tells all hosts that the facts changed (clinic.facts.facts_changed), and Django's admin records who
changed what (LogEntry: field names, never values); "Changes to the clinic's facts" lists those records.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from clinic import models, services
from clinic.facts import facts_changed
from clinic.photos import MAX_UPLOAD_BYTES, process_upload


class FactAdmin(admin.ModelAdmin):
    """A change to any fact is seen by every host on its next request."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        facts_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        facts_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        facts_changed()


class SingleRowAdmin(FactAdmin):
    """Facts of which the clinic has one set: added once, never deleted."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """A list of one is a needless step: go straight to the row (or to adding it)."""
        opts = self.model._meta
        if self.model.objects.exists():
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", models.SINGLETON_ID)
        if self.has_add_permission(request):
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_add")
        return super().changelist_view(request, extra_context)


@admin.register(models.ContactDetails)
class ContactDetailsAdmin(SingleRowAdmin):
    list_display = ["__str__", "phone", "address"]


@admin.register(models.OpeningHours)
class OpeningHoursAdmin(FactAdmin):
    list_display = ["weekday", "opens", "closes"]
    list_editable = ["opens", "closes"]


class UpcomingClosuresFilter(admin.SimpleListFilter):
    """The list opens on the closures still to come (yearly ones always are); past ones are a click away."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("all", "All, past ones too")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Upcoming (from today on)",
        }
        yield {
            "selected": self.value() == "all",
            "query_string": changelist.get_query_string({self.parameter_name: "all"}),
            "display": "All, past ones too",
        }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(Q(last_day__gte=timezone.localdate()) | Q(yearly=True))


class FederalHolidaysForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)


@admin.register(models.Closure)
class ClosureAdmin(FactAdmin):
    list_display = ["first_day", "last_day", "note", "closes_at", "reopens_at", "yearly"]
    list_filter = [UpcomingClosuresFilter, "yearly"]
    fields = ["first_day", "last_day", "note", "closes_at", "reopens_at", "yearly"]
    change_list_template = "admin/clinic/closure/change_list.html"

    def get_urls(self):
        return [
            path(
                "federal-holidays/",
                self.admin_site.admin_view(self.federal_holidays_view),
                name="clinic_closure_federal_holidays",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        year = timezone.localdate().year + 1
        extra_context = {"federal_holidays_form": FederalHolidaysForm(initial={"year": year}), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def federal_holidays_view(self, request: HttpRequest) -> HttpResponse:
        """Adds the US federal holidays of the year asked for as closures, each then editable like any other."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FederalHolidaysForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Give a year from 2000 to 2100.", messages.ERROR)
        else:
            year = form.cleaned_data["year"]
            added = services.add_federal_holidays(year=year)
            self.message_user(
                request,
                f"Added {added} federal holiday{'' if added == 1 else 's'} of {year} as closures "
                "(days already closed were left as they are).",
                messages.SUCCESS,
            )
        return redirect("admin:clinic_closure_changelist")


class TeamMemberForm(forms.ModelForm):
    upload = forms.FileField(
        label="New photo",
        required=False,
        help_text=(
            f"A JPEG, PNG or WebP image, at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB. Its location and camera "
            "details are removed; the site shows resized copies, never this file."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_photo = forms.BooleanField(label="Remove the photo", required=False)

    class Meta:
        model = models.TeamMember
        fields = [
            "name",
            "credentials",
            "role",
            "licence_type",
            "licence_number",
            "bio",
            "photo_alt",
            "display_order",
            "published",
        ]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        return process_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        has_photo = cleaned.get("upload") or (self.instance.photo_id and not cleaned.get("remove_photo"))
        if has_photo and not cleaned.get("photo_alt") and "upload" not in self.errors:
            self.add_error("photo_alt", "Describe the photo, for people who cannot see it.")
        return cleaned


@admin.register(models.TeamMember)
class TeamMemberAdmin(FactAdmin):
    form = TeamMemberForm
    list_display = ["name", "role", "credentials", "published", "display_order"]
    list_filter = ["published"]
    readonly_fields = ["current_photo"]
    fieldsets = [
        (None, {"fields": ["name", "credentials", "role", "licence_type", "licence_number", "bio"]}),
        ("Photo", {"fields": ["current_photo", "upload", "photo_alt", "remove_photo"]}),
        ("On the site", {"fields": ["display_order", "published"]}),
    ]

    @admin.display(description="current photo")
    def current_photo(self, obj: models.TeamMember) -> str:
        smallest = obj.photo and obj.photo.variants.filter(content_type=models.PhotoFormat.JPEG).order_by("width")
        variant = smallest.only("name", "width", "height").first() if smallest else None
        if variant is None:
            return "None"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            reverse("pages:photo", args=[variant.name]),
            variant.width,
            variant.height,
            obj.photo_alt,
        )

    def save_model(self, request, obj, form, change):
        services.save_team_member(
            member=obj, new_photo=form.cleaned_data.get("upload"), remove_photo=form.cleaned_data.get("remove_photo")
        )


@admin.register(models.Costs)
class CostsAdmin(SingleRowAdmin):
    list_display = ["__str__", "first_call", "assessment"]


@admin.register(models.LanguageNotice)
class LanguageNoticeAdmin(FactAdmin):
    list_display = ["language", "lang", "text", "display_order"]
    list_editable = ["display_order"]


@admin.register(models.FactChange)
class FactChangeAdmin(admin.ModelAdmin):
    """Who changed which fact when, from Django's own admin log; read-only for everyone."""

    list_display = ["action_time", "user", "what", "action", "change_message_shown"]
    list_filter = [("action_time", admin.DateFieldListFilter)]
    list_select_related = ["user", "content_type"]

    def get_queryset(self, request: HttpRequest):
        # The facts with the call capacity (its windows are logged on it), and the articles' reviews (`pages`).
        return super().get_queryset(request).filter(content_type__app_label__in=["clinic", "pages"])

    @admin.display(description="what")
    def what(self, obj: LogEntry) -> str:
        return f"{obj.content_type.name}: {obj.object_repr}"

    @admin.display(description="action")
    def action(self, obj: LogEntry) -> str:
        return {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}.get(obj.action_flag, "")

    @admin.display(description="details")
    def change_message_shown(self, obj: LogEntry) -> str:
        return obj.get_change_message()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
