from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from consultations import ratelimit
from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD, ConsultationRequestForm
from consultations.models import grouped_reference
from consultations.services import expected_call_by, submit_request
from portland_site.clinic import by_when

# What the thanks page may show: the reference code and when it was sent, nothing personal.
SUBMITTED_SESSION_KEY = "consultations.submitted"


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "consultations/rate_limited.html", status=429)
    response["Retry-After"] = str(ratelimit.PERIOD_SECONDS)
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def request_call_back(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ConsultationRequestForm(request.POST)
        if form.is_valid():
            if not ratelimit.count_submission(request):
                return _rate_limited(request)
            data = form.cleaned_data
            consultation_request = submit_request(
                name=data["name"],
                phone=data["phone"],
                call_times=data["call_times"],
                voicemail_ok=data["voicemail_ok"],
                email=data["email"],
                request_for=data["request_for"],
                message=data["message"],
                submission_token=form.token.value,
                spam_reason=form.spam_reason,
            )
            request.session[SUBMITTED_SESSION_KEY] = {
                "reference": consultation_request.reference,
                "created_at": consultation_request.created_at.isoformat(),
            }
            return HttpResponseRedirect(reverse("consultations:thanks"), status=303)
    elif ratelimit.is_limited(request):
        return _rate_limited(request)
    else:
        form = ConsultationRequestForm()
    context = {
        "form": form,
        "form_token_field": FORM_TOKEN_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "callback_business_hours": settings.CONSULTATION_CALLBACK_BUSINESS_HOURS,
    }
    return render(request, "consultations/request_form.html", context)


@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The reference and when to expect the call, for whoever just sent the form in this browser; opened any other
    way, a general thank-you with nothing personal."""
    submitted = request.session.get(SUBMITTED_SESSION_KEY)
    context = {}
    if submitted:
        due = expected_call_by(submitted_at=datetime.fromisoformat(submitted["created_at"]))
        context = {
            "reference": grouped_reference(submitted["reference"]),
            "expected": by_when(due, timezone.localtime(timezone.now(), due.tzinfo)),
        }
    return render(request, "consultations/thanks.html", context)
