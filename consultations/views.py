import logging
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from consultations import ratelimit
from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD, ConsultationRequestForm
from consultations.models import ConsultationRequest, grouped_reference
from consultations.services import expected_call_by, submit_request
from pages.views import RETRY_AFTER_SECONDS
from portland_site.clinic import by_when
from portland_site.clinic_time import in_clinic_time
from portland_site.database import UNAVAILABLE

logger = logging.getLogger(__name__)

# The thanks page learns the reference code and when it was sent (nothing personal) from a signed cookie that
# only the thanks page receives: no session row to write, and a refresh shows the same page. Ten minutes covers
# the redirect and a refresh; on a shared device the next person should not find the reference.
SUBMITTED_COOKIE = "ptc_request_sent"
SUBMITTED_COOKIE_MAX_AGE = 10 * 60
_SUBMITTED_SALT = "consultations.submitted"


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "consultations/rate_limited.html", status=429)
    response["Retry-After"] = str(ratelimit.PERIOD_SECONDS)
    return response


def _see_thanks(consultation_request: ConsultationRequest) -> HttpResponse:
    thanks_url = reverse("consultations:thanks")
    response = HttpResponseRedirect(thanks_url, status=303)
    sent = {"reference": consultation_request.reference, "at": consultation_request.created_at.isoformat()}
    response.set_cookie(
        SUBMITTED_COOKIE,
        signing.dumps(sent, salt=_SUBMITTED_SALT),
        max_age=SUBMITTED_COOKIE_MAX_AGE,
        path=thanks_url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _form_page(request: HttpRequest, form: ConsultationRequestForm, *, unsent: bool = False) -> HttpResponse:
    context = {
        "form": form,
        "form_token_field": FORM_TOKEN_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "callback_business_hours": settings.CONSULTATION_CALLBACK_BUSINESS_HOURS,
        "unsent": unsent,
    }
    response = render(request, "consultations/request_form.html", context, status=503 if unsent else 200)
    if unsent:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def request_call_back(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if ratelimit.is_limited(request):
            return _rate_limited(request)
        return _form_page(request, ConsultationRequestForm())
    form = ConsultationRequestForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form)
    if not ratelimit.count_submission(request):
        return _rate_limited(request)
    data = form.cleaned_data
    try:
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
    except UNAVAILABLE:
        # The page comes back with everything typed and the same one-time token: sending it again is safe even
        # if this attempt was in fact stored, and a try that failed does not count towards the limit.
        logger.warning("Call-back request not stored: the database did not answer; the form was shown again")
        ratelimit.uncount_submission(request)
        return _form_page(request, form, unsent=True)
    return _see_thanks(consultation_request)


@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The reference and when to expect the call, for whoever just sent the form in this browser; opened any other
    way, a general thank-you with nothing personal."""
    context = {}
    try:
        sent = signing.loads(
            request.COOKIES.get(SUBMITTED_COOKIE, ""), salt=_SUBMITTED_SALT, max_age=SUBMITTED_COOKIE_MAX_AGE
        )
    except signing.BadSignature:
        pass
    else:
        due = expected_call_by(submitted_at=datetime.fromisoformat(sent["at"]))
        context = {
            "reference": grouped_reference(sent["reference"]),
            "expected": by_when(due, in_clinic_time()) if due else "",
        }
    return render(request, "consultations/thanks.html", context)
