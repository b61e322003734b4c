from django import template
from django.urls import reverse

from consultations.dashboard import notification_health, triage_figures

register = template.Library()


@register.inclusion_tag("admin/consultations/dashboard.html", takes_context=True)
def triage_dashboard(context) -> dict:
    """The queue's figures on the admin index, for those who may see requests."""
    if not context["request"].user.has_perm("consultations.view_consultationrequest"):
        return {}
    return {
        "figures": triage_figures(),
        "notification_problems": notification_health().problems,
        "changelist_url": reverse("admin:consultations_consultationrequest_changelist"),
    }
