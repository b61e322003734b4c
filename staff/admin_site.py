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

