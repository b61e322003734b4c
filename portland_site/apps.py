from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, served by our staff admin site (two-factor sign-in, idle timeout)."""

    default = False
    default_site = "portland_site.staff_admin.StaffAdminSite"

    def ready(self):
        super().ready()
        from portland_site import checks  # noqa: F401 (registers the deployment checks)


class PortlandSiteConfig(AppConfig):
    """The project's own app: its management commands, and the staff roles synced after every migrate."""

    name = "portland_site"
    default = True

    def ready(self):
        from portland_site.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portland_site.roles")
