from django import template
from django.urls import reverse

from consultations.dashboard import (
    booking_pause_warning,
    notification_health,
    spam_awaiting_confirmation,
    triage_figures,
)

register = template.Library()


@register.inclusion_tag("admin/consultations/dashboard.html", takes_context=True)
def triage_dashboard(context) -> dict:
    """The queue's figures on the admin index, for those who may see requests."""
    if not context["request"].user.has_perm("consultations.view_consultationrequest"):
        return {}
    user = context["request"].user
    return {
        "booking_pause": booking_pause_warning(),
        "release_url": reverse("admin:consultations_consultationrequest_release_bookings")
        if user.has_perm("consultations.release_booking")
        else "",
        "spam_to_confirm": spam_awaiting_confirmation()
        if user.has_perm("consultations.confirm_spam_consultationrequest")
        else 0,
        "figures": triage_figures(),
        "notification_problems": notification_health().problems,
        "changelist_url": reverse("admin:consultations_consultationrequest_changelist"),
    }
