import functools

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm

from staff.forms import TwoFactorAuthenticationForm


class StaffAdminSite(AdminSite):
    login_template = "admin/staff_login.html"

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
