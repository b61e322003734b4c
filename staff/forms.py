from django import forms
from django.contrib.auth.signals import user_login_failed
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm


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
