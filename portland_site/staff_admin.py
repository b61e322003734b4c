"""Staff sign-in to Django admin: two-factor (TOTP) sign-in, limits on attempts per address, per account and for
the whole site, an idle timeout, and the address lockouts count."""

import functools
import logging

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

from portland_site.client import client_network
from portland_site.ratelimit import ClientCounter, KeyedCounter, Slots

logger = logging.getLogger(__name__)

# An IPv6 client counts as its /48: a subscriber is often given one, and counting per /64 would let a single one
# try from 65,536 networks.
SIGN_IN_IPV6_PREFIX = 48
# A password check may take no longer than a request may (gunicorn's timeout): then its slot is free again.
PASSWORD_CHECK_LEASE_SECONDS = 30
_SITE_PERIOD_SECONDS = 60
_BUSY_RETRY_SECONDS = 5  # a password check takes well under a second

_sign_in_attempts = ClientCounter(
    key_prefix="portland_site:sign_in",
    salt="portland_site.sign_in_limit",
    label="Staff sign-in limit",
    ipv6_prefix=SIGN_IN_IPV6_PREFIX,
)
_account_attempts = KeyedCounter(
    key_prefix="portland_site:sign_in_account",
    salt="portland_site.sign_in_account_limit",
    label="Staff sign-in limit per account",
)
_site_attempts = KeyedCounter(
    key_prefix="portland_site:sign_in_site", salt="portland_site.sign_in_site_limit", label="Staff sign-in site limit"
)
password_checks = Slots(
    key_prefix="portland_site:password_checks",
    label="Staff sign-in password checks",
    lease_seconds=PASSWORD_CHECK_LEASE_SECONDS,
)


def count_sign_in_attempt(request: HttpRequest) -> bool:
    """Count one sign-in attempt from this client; False once it is over the period's limit.

    Checked before the form runs, so that an attempt over the limit costs no password hash. django-axes locks a
    username at an address; this holds back an address that tries many usernames (or random ones)."""
    limit = settings.ADMIN_SIGN_IN_LIMIT
    count = _sign_in_attempts.count(request, period_seconds=settings.ADMIN_SIGN_IN_LIMIT_SECONDS)
    _log_going_over(count, limit, "a client went over the limit of %s attempts per period")
    return count <= limit


def sign_in_refusal(request: HttpRequest) -> str | None:
    """Which limit this sign-in attempt is over (`network`, `account` or `site`), or None; counted before any
    password is hashed. An account is held back whoever tries it, so many addresses cannot share out its guesses;
    the site checks at most so many passwords a minute, so that hashing never starves the public pages."""
    if not count_sign_in_attempt(request):
        return "network"
    account = request.POST.get("username", "").strip().casefold()[:150]
    count = _account_attempts.count_for(account, period_seconds=settings.ADMIN_SIGN_IN_LIMIT_SECONDS)
    _log_going_over(count, settings.ADMIN_SIGN_IN_ACCOUNT_LIMIT, "an account went over the limit of %s attempts")
    if count > settings.ADMIN_SIGN_IN_ACCOUNT_LIMIT:
        return "account"
    count = _site_attempts.count_for("", period_seconds=_SITE_PERIOD_SECONDS)
    _log_going_over(count, settings.ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE, "the site went over %s attempts a minute")
    return "site" if count > settings.ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE else None


def _log_going_over(count: int, limit: int, what: str) -> None:
    if count == limit + 1:  # once per period, not once per refused POST: a flood must not flood the log
        logger.warning("Staff sign-in: " + what, limit)


def _sign_in_limited(request: HttpRequest, limit: str) -> HttpResponse:
    period = {"site": _SITE_PERIOD_SECONDS, "busy": _BUSY_RETRY_SECONDS}.get(
        limit, settings.ADMIN_SIGN_IN_LIMIT_SECONDS
    )
    context = {"limit": limit, "period_minutes": max(1, round(period / 60))}
    response = render(request, "admin/sign_in_limited.html", context, status=429)
    # A count's period began at the first attempt it counted, so it ends at most this long from now.
    response["Retry-After"] = str(period)
    add_never_cache_headers(response)
    return response


class TwoFactorAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin sign-in form: username, password and the current code from the staff member's authenticator."""

    # One answer for any failed factor: telling a wrong code from a wrong password would confirm the password.
    failed_message = (
        "That did not work: the username, the password or the code from your authenticator app is not right. "
        "Check all three and enter the code your app shows now. An account without an authenticator app cannot "
        "sign in: ask the clinic manager to set one up."
    )

    otp_token = forms.CharField(
        required=False,
        label="Code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's form sets the username's max_length after building the field, so no validator checks it: a
        # longer one would reach django-axes, whose attempt row holds 255 characters (a 500).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if self.get_user() is not None:
                # The password was right but the code was missing, wrong or too soon after a wrong one, or the
                # account has no authenticator. That counts towards the lockout (django-axes) like a wrong
                # password, which authenticate() already reports.
                user_login_failed.send(
                    sender=type(self), credentials={"username": self.get_user().get_username()}, request=self.request
                )
            raise forms.ValidationError(self.failed_message, code="invalid_login") from error

    def _chosen_device(self, user):
        # Every confirmed authenticator of the account, whatever the request names: _verify_token tries each.
        devices = list(devices_for_user(user, for_verify=True))
        if not devices:
            raise forms.ValidationError(self.failed_message, code="no_device")
        return devices

    def _verify_token(self, user, token, devices=None):
        # With several authenticator apps, the code is tried against each rather than asking which one: a list
        # of the account's devices shown after a right password would tell a right password from a wrong one.
        # A device that does not match records a failed attempt (django-otp's throttle), as a wrong code would.
        for device in devices:
            try:
                return super()._verify_token(user, token, device)
            except forms.ValidationError as error:
                refused = error
        raise refused

    def _update_form(self, user):
        """Leave the form as it was: django-otp re-renders the password (and lists the account's devices) after a
        right password, which would answer a right password and a wrong one differently."""


class DeclaredAutocompleteView(AutocompleteJsonView):
    """Answers only for the fields an admin offers autocomplete on (its `autocomplete_fields`).

    Django's own view answers a search of any registered model that some foreign key points to, whether or not
    any admin asked for it: for call-back requests, a name search outside the audited list.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        source_admin = self.admin_site._registry.get(source_field.model)
        if source_admin is None or source_field.name not in source_admin.get_autocomplete_fields(request):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


class StaffAdminSite(AdminSite):
    login_template = "admin/staff_login.html"
    logout_template = "admin/signed_out.html"  # Django's own says thanks for "quality time" with the site
    site_header = f"{settings.CLINIC_NAME}: staff"
    site_title = f"{settings.CLINIC_NAME} staff"
    index_title = "Call-back requests and staff tools"
    # The working pages (the queue, the call sheet) need the width on a laptop; the index and the breadcrumbs lead
    # everywhere the sidebar did.
    enable_nav_sidebar = False

    # Read per request rather than at import so that tests can switch two-factor on and off.
    @property
    def login_form(self):
        return TwoFactorAuthenticationForm if settings.ADMIN_TWO_FACTOR else AdminAuthenticationForm

    def has_permission(self, request):
        # OTPMiddleware sets is_verified(): true only once a device has accepted a code in this session.
        verified = not settings.ADMIN_TWO_FACTOR or request.user.is_verified()
        return super().has_permission(request) and verified

    def login(self, request, extra_context=None):
        if request.method != "POST":
            return super().login(request, extra_context)
        refusal = sign_in_refusal(request)
        if refusal:
            return _sign_in_limited(request, refusal)
        with password_checks.held(settings.ADMIN_SIGN_IN_CONCURRENT) as held:
            # Otherwise all the password checks the site allows at once are running: the CPU they take is all the
            # hashing the public pages can spare.
            return super().login(request, extra_context) if held else _sign_in_limited(request, "busy")

    def logout(self, request, extra_context=None):
        return super().logout(request, {"title": "Signed out", **(extra_context or {})})

    def autocomplete_view(self, request):
        return DeclaredAutocompleteView.as_view(admin_site=self)(request)

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def renewing_session(request, *args, **kwargs):
            # Saving the session moves its expiry SESSION_COOKIE_AGE ahead: staff are signed out after that long
            # idle. Only staff pages do this (not SESSION_SAVE_EVERY_REQUEST): cacheable public pages must never
            # send a staff member's session cookie.
            request.session.modified = True
            return checked(request, *args, **kwargs)

        return renewing_session


def client_ip_address(request: HttpRequest) -> str | None:
    """The address django-axes counts failed sign-ins against: the client the sign-in limit counts (an IPv4
    address, or the first address of an IPv6 /48)."""
    return client_network(request, ipv6_prefix=SIGN_IN_IPV6_PREFIX)
