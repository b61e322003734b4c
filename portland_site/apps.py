from django.contrib.admin import apps as admin_apps


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, served by our staff admin site (two-factor sign-in, idle timeout)."""

    default = False
    default_site = "portland_site.staff_admin.StaffAdminSite"

    def ready(self):
        super().ready()
        from portland_site import checks  # noqa: F401 (registers the deployment checks)
