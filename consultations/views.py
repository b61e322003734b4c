import logging
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from clinic.capacity import CallDay, parse_slot_value
from clinic.facts import current_facts, facts_version
from consultations import ratelimit
from consultations.booking import (
    TimeNotOffered,
    booking_for_link,
    call_as_ics,
    current_pause,
    kept_call_days,
    nearest_open_times,
    new_change_link,
    open_call_times,
)
from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD, ConsultationRequestForm
from consultations.models import Booking, ConsultationRequest, grouped_reference
from consultations.services import cancel_booked_call, expected_call_by, move_booked_call, submit_request
from portland_site.breaker import DATABASE
from portland_site.clinic import by_when, call_time_in_words
from portland_site.clinic_time import in_clinic_time
from portland_site.database import RETRY_AFTER_SECONDS, UNAVAILABLE

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


def _see_thanks(consultation_request: ConsultationRequest, change_link: str, *, already_booked: bool) -> HttpResponse:
    thanks_url = reverse("consultations:thanks")
    response = HttpResponseRedirect(thanks_url, status=303)
    sent = {"reference": consultation_request.reference, "at": consultation_request.created_at.isoformat()}
    if change_link:
        sent["link"] = change_link
    if already_booked:
        sent["already_booked"] = True
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


# The blank form page, rendered once for what it depends on (the clinic's facts, whose version is in the key, and the
# call times open) and then given each visitor's own CSRF and form tokens: rendering it was most of its cost, and
# the rest of it is the same for everyone. A form sent back, with errors or unsent, is always rendered afresh.
_BLANK_PAGES: dict[tuple, tuple[str, str, str]] = {}
_BLANK_PAGES_KEPT = 32


def _render_form_page(request: HttpRequest, form: ConsultationRequestForm, *, unsent: bool, csrf_token: str) -> str:
    context = {
        "csrf_token": csrf_token,  # what {% csrf_token %} writes
        "form": form,
        "form_token_field": FORM_TOKEN_FIELD,
        "honeypot_field": HONEYPOT_FIELD,
        "callback_business_hours": settings.CONSULTATION_CALLBACK_BUSINESS_HOURS,
        "unsent": unsent,
    }
    return render_to_string("consultations/request_form.html", context, request=request)


def _blank_form_page(request: HttpRequest, form: ConsultationRequestForm) -> str:
    version = facts_version()
    # Each call of get_token masks the secret anew: the page must hold this very string to swap it later.
    csrf_token = get_token(request)
    if version is None or settings.DEBUG:
        return _render_form_page(request, form, unsent=False, csrf_token=csrf_token)
    key = (version, tuple(slot.value for day in form.call_days for slot in day.slots))
    if key not in _BLANK_PAGES:
        if len(_BLANK_PAGES) >= _BLANK_PAGES_KEPT:
            _BLANK_PAGES.clear()
        # Rendered with this request's tokens, which are remembered so that the next request can swap in its own.
        page = _render_form_page(request, form, unsent=False, csrf_token=csrf_token)
        _BLANK_PAGES[key] = (page, csrf_token, form.page_token)
        return page
    page, first_csrf_token, first_form_token = _BLANK_PAGES[key]
    return page.replace(first_csrf_token, csrf_token).replace(first_form_token, form.page_token)


def _form_page(request: HttpRequest, form: ConsultationRequestForm, *, unsent: bool = False) -> HttpResponse:
    """The form, with everything typed kept; a 503 when the database did not answer (`unsent`)."""
    if form.is_bound or unsent:
        page = _render_form_page(request, form, unsent=unsent, csrf_token=get_token(request))
    else:
        page = _blank_form_page(request, form)
    response = HttpResponse(page, status=503 if unsent else 200)
    if unsent:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _open_times(*, chosen: str = "") -> list[CallDay]:
    """The times to offer: none while the breaker has paused booking, and none while the database does not answer,
    so that the form still takes a request, but the `chosen` one (a form sent back), so that the page shown again
    keeps it."""
    try:
        if current_pause() is not None:
            return []
        return open_call_times()
    except UNAVAILABLE:
        if not DATABASE.is_open:  # an outage is logged once, by the breaker
            logger.warning("Call times not offered: the database did not answer")
        return kept_call_days(chosen)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def request_call_back(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if ratelimit.is_limited(request):
            return _rate_limited(request)
        return _form_page(request, ConsultationRequestForm(call_days=_open_times()))
    form = ConsultationRequestForm(request.POST, call_days=_open_times(chosen=request.POST.get("call_at", "")))
    if not form.is_valid():
        return _form_page(request, form)
    if not ratelimit.count_submission(request):
        return _rate_limited(request)
    data = form.cleaned_data
    wants_a_time = bool(data["call_at"]) and not form.spam_reason
    if wants_a_time and not ratelimit.count_booking(request):
        ratelimit.uncount_submission(request)
        return _time_refused(request, NETWORK_LIMIT_MESSAGE)
    change_link, change_link_hash = new_change_link() if data["call_at"] else ("", "")
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
            call_at=data["call_at"],
            change_link_hash=change_link_hash,
        )
    except TimeNotOffered as refused:
        # Nothing was stored. The form comes back with the times open now, the nearest named in the message.
        ratelimit.uncount_submission(request)
        if wants_a_time:
            ratelimit.uncount_booking(request)
        days = _open_times()
        return _time_refused(request, _time_refused_message(refused, days, data["call_at"]), days=days)
    except UNAVAILABLE:
        # The page comes back with everything typed and the same one-time token: sending it again is safe even
        # if this attempt was in fact stored, and a try that failed does not count towards the limit.
        logger.warning("Call-back request not stored: the database did not answer; the form was shown again")
        ratelimit.uncount_submission(request)
        if wants_a_time:
            ratelimit.uncount_booking(request)
        return _form_page(request, form, unsent=True)
    # A phone number with a call already booked gets no second one: the request is stored, and the person told.
    already_booked = wants_a_time and not Booking.objects.filter(consultation_request=consultation_request).exists()
    if already_booked:
        ratelimit.uncount_booking(request)
    return _see_thanks(consultation_request, "" if already_booked else change_link, already_booked=already_booked)


NETWORK_LIMIT_MESSAGE = (
    'We can\'t book more call times from your network today. Please choose "As soon as you can" and send the form '
    "again: we will call you."
)


def _time_refused(request: HttpRequest, message: str, *, days: list[CallDay] | None = None) -> HttpResponse:
    """The form again with everything typed, the times open now and `message` on the call time."""
    form = ConsultationRequestForm(request.POST, call_days=_open_times() if days is None else days)
    form.is_valid()
    form.add_error("call_at", message)
    return _form_page(request, form)


def _time_refused_message(refused: TimeNotOffered, days: list[CallDay], asked_for: datetime) -> str:
    nearest = nearest_open_times(days, asked_for)
    if not nearest:
        return f'{refused.message} We have no other times open just now: choose "As soon as you can".'
    times = "; ".join(call_time_in_words(slot.starts_at, slot.ends_at) for slot in nearest)
    return f"{refused.message} The nearest open times: {times}."


def _sent_from_this_browser(request: HttpRequest) -> dict | None:
    """What the signed thanks cookie says was just sent from this browser, or None."""
    try:
        return signing.loads(
            request.COOKIES.get(SUBMITTED_COOKIE, ""), salt=_SUBMITTED_SALT, max_age=SUBMITTED_COOKIE_MAX_AGE
        )
    except signing.BadSignature:
        return None


def _booking_of(reference: str) -> Booking | None:
    return (
        Booking.objects.select_related("consultation_request").filter(consultation_request__reference=reference).first()
    )


@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The reference and when to expect the call, for whoever just sent the form in this browser; opened any other
    way, a general thank-you with nothing personal. A booked call is read from the database, so a call moved
    since shows its new time."""
    context = {}
    sent = _sent_from_this_browser(request)
    if sent is not None:
        booking = _booking_of(sent["reference"])
        already_booked = sent.get("already_booked", False)
        due = None if booking or already_booked else expected_call_by(submitted_at=datetime.fromisoformat(sent["at"]))
        context = {
            "reference": grouped_reference(sent["reference"]),
            "already_booked": already_booked,
            "expected": by_when(due, in_clinic_time()) if due else "",
            "booked": call_time_in_words(booking.starts_at, booking.ends_at) if booking else "",
            "change_link": request.build_absolute_uri(reverse("consultations:your_call", args=[sent["link"]]))
            if booking and sent.get("link")
            else "",
        }
    return render(request, "consultations/thanks.html", context)


@never_cache
@require_GET
def calendar_file(request: HttpRequest) -> HttpResponse:
    """The booked call as an .ics file for the person's calendar, from the thanks cookie (never a reference in the
    URL). Its title and description say nothing of what the clinic does."""
    sent = _sent_from_this_browser(request)
    booking = _booking_of(sent["reference"]) if sent else None
    if booking is None:
        return render(request, "consultations/link_not_working.html", {"about": "calendar"}, status=404)
    response = HttpResponse(
        call_as_ics(booking=booking, phone=current_facts().clinic.phone),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="phone-call.ics"'
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def your_call(request: HttpRequest, token: str) -> HttpResponse:
    """The person's private link: see their booked call, move it to another open time, or cancel it."""
    booking = booking_for_link(token)
    if booking is None:
        return render(request, "consultations/link_not_working.html", {"about": "link"}, status=404)
    context = {
        "booked": call_time_in_words(booking.starts_at, booking.ends_at),
        "reference": booking.consultation_request.reference_display,
        "moved": "moved" in request.GET,
    }
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        return render(request, "consultations/your_call_cancel.html", context)
    starts_at = parse_slot_value(request.POST.get("call_at", "")) if action != "confirm_cancel" else None
    writes = action == "confirm_cancel" or (request.method == "POST" and starts_at is not None)
    if writes and not ratelimit.count_call_change(request, link_hash=booking.change_link_hash):
        return _too_many_changes(request, booking, context)
    if action == "confirm_cancel":
        cancel_booked_call(booking=booking)
        return HttpResponseRedirect(reverse("consultations:call_cancelled"), status=303)
    error, refusal = "", None
    if request.method == "POST":
        if starts_at is None:
            error = "Choose a new time from the list."
        else:
            try:
                move_booked_call(booking=booking, starts_at=starts_at, by=None)
            except TimeNotOffered as refused:
                refusal = refused
                ratelimit.uncount_call_change(request, link_hash=booking.change_link_hash)
            else:
                return HttpResponseRedirect(f"{request.path}?moved", status=303)
    # Read after any refusal, so the list is as it is now, without the time just refused.
    days = open_call_times(excluding=booking)
    if refusal is not None:
        error = _time_refused_message(refusal, days, starts_at)
    context |= {"call_days": days, "error": error, "chosen": request.POST.get("call_at", "")}
    return render(request, "consultations/your_call.html", context)


TOO_MANY_CHANGES_MESSAGE = (
    "You have changed this call many times in a short while, so we can't change it here just now. Your call stays "
    "as it is. To change it, please call us, or try again tomorrow."
)


def _too_many_changes(request: HttpRequest, booking: Booking, context: dict) -> HttpResponse:
    """The private link's page with the call as it is and a plain answer; nothing is changed or written."""
    context |= {
        "call_days": open_call_times(excluding=booking),
        "error": TOO_MANY_CHANGES_MESSAGE,
        "chosen": request.POST.get("call_at", ""),
    }
    response = render(request, "consultations/your_call.html", context, status=429)
    response["Retry-After"] = str(ratelimit.CHANGE_PERIOD_SECONDS)
    return response


@never_cache
@require_GET
def call_cancelled(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/call_cancelled.html")
