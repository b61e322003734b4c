from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, served by our staff admin site (two-factor sign-in, idle timeout)."""

    default = False
    default_site = "staff.admin_site.StaffAdminSite"
