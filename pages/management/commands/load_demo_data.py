"""Load the demo data that `make run` shows a newcomer. Safe to run again: it changes nothing the second time."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo-manager"
DEMO_PASSWORD = "demo-password-only-for-make-run"  # noqa: S105 (printed by make run; refused without DEBUG)


class Command(BaseCommand):
    help = "Create the demo staff login (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local development only: it needs DJANGO_DEBUG=1.")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        self.stdout.write(
            f"Demo staff login ({'created' if created else 'already there'}): "
            f"{DEMO_USERNAME} / {DEMO_PASSWORD}"
        )
