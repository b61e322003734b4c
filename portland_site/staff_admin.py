"""Staff sign-in to Django admin: two-factor (TOTP) sign-in, an idle timeout, and the address lockouts count."""

import functools

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

from portland_site.client import client_ip


class TwoFactorAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin sign-in form: username, password and the current code from the staff member's authenticator."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the 6-digit code from your authenticator app.",
        "invalid_token": "That code is not right or has expired. Enter the code your authenticator app shows now.",
        "no_device": (
            "This account has no authenticator app set up yet, so it cannot sign in. "
            "Ask the clinic manager to set one up for you."
        ),
    }

    otp_token = forms.CharField(
        required=False,
        label="Code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if self.get_user() is not None and self.cleaned_data.get("otp_token"):
                # The password was right but the code was wrong (or came too soon after a wrong one). That counts
                # towards the lockout (django-axes) like a wrong password, which authenticate() already reports.
                user_login_failed.send(
                    sender=type(self), credentials={"username": self.get_user().get_username()}, request=self.request
                )
            raise

    def _chosen_device(self, user):
        # django-otp asks the user to pick a device; with a single authenticator app that is a pointless step.
        if self.cleaned_data.get("otp_device"):
            return super()._chosen_device(user)
        devices = list(devices_for_user(user, for_verify=True))
        if not devices:
            raise forms.ValidationError(self.otp_error_messages["no_device"], code="no_device")
        return devices[0] if len(devices) == 1 else None


class StaffAdminSite(AdminSite):
    login_template = "admin/staff_login.html"
    site_header = f"{settings.CLINIC_NAME}: staff"
    site_title = f"{settings.CLINIC_NAME} staff"
    index_title = "Call-back requests and staff tools"

    # Read per request rather than at import so that tests can switch two-factor on and off.
    @property
    def login_form(self):
        return TwoFactorAuthenticationForm if settings.ADMIN_TWO_FACTOR else AdminAuthenticationForm

    def has_permission(self, request):
        # OTPMiddleware sets is_verified(): true only once a device has accepted a code in this session.
        verified = not settings.ADMIN_TWO_FACTOR or request.user.is_verified()
        return super().has_permission(request) and verified

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
    """The address django-axes counts failed sign-ins against: the one the call-back form's rate limit uses (the
    trusted proxy header when TRUSTED_PROXY_IP_HEADER is set, else the connection's address)."""
    address = client_ip(request)
    return str(address) if address else None
