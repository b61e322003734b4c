"""The articles' clinical reviews in the admin, kept by the Clinic manager with the clinic's facts (clinic/admin.py)."""

from django import forms
from django.contrib import admin

from clinic.admin import FactAdmin
from clinic.models import TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.models import PageReview


class PageReviewForm(forms.ModelForm):
    page_name = forms.ChoiceField(
        label="Article", choices=[(page.name, page.nav_label) for page in REVIEWABLE_PAGES_BY_NAME.values()]
    )

    class Meta:
        model = PageReview
        fields = ["page_name", "reviewer", "reviewed_on"]


@admin.register(PageReview)
class PageReviewAdmin(FactAdmin):
    form = PageReviewForm
    list_display = ["article", "reviewer", "reviewed_on"]
    list_select_related = ["reviewer"]
    list_filter = ["page_name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":  # a clinical review is by a clinician on the published team
            kwargs["queryset"] = TeamMember.objects.filter(published=True).exclude(credentials="")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
