"""Load the demo data that `make run` shows a newcomer. Safe to run again: it changes nothing the second time."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consultations.models import CallTime, ConsultationRequest, RequestFor, SpamReason, Status
from consultations.services import INTAKE_STAFF_GROUP, change_status, submit_request

DEMO_USERNAME = "demo-manager"
DEMO_PASSWORD = "demo-password-only-for-make-run"  # noqa: S105 (printed by make run; refused without DEBUG)
DEMO_EMAIL = "demo-manager@example.org"


@dataclass(frozen=True)
class DemoRequest:
    token: str  # its one-time form token, which is what makes loading twice a no-op
    age: timedelta
    name: str
    phone: str
    call_times: tuple[CallTime, ...]
    voicemail_ok: bool
    request_for: RequestFor = RequestFor.MYSELF
    email: str = ""
    message: str = ""
    status: Status = Status.NEW
    spam_reason: SpamReason | str = ""


# Fictional people; 555-01xx numbers are reserved for fiction. Oldest first, so that duplicates find the original.
DEMO_REQUESTS = (
    DemoRequest("demo-01", timedelta(days=60), "Priya", "+12075550109", (CallTime.MORNINGS,), True,
                status=Status.CLOSED),
    DemoRequest("demo-02", timedelta(days=40), "Tom", "+12075550108", (CallTime.AFTERNOONS,), False,
                status=Status.CLOSED, message="Please call after 2 pm if you can."),
    DemoRequest("demo-03", timedelta(days=20), "Dee", "+12075550107", (CallTime.EVENINGS,), True,
                status=Status.NOT_A_FIT),
    DemoRequest("demo-04", timedelta(days=9), "Zoë", "+12075550106", (CallTime.MORNINGS, CallTime.AFTERNOONS), True,
                email="zoe@example.org", status=Status.CONSULTATION_SCHEDULED),
    DemoRequest("demo-05", timedelta(days=3), "Sam O'Brien", "+12075550105", (CallTime.AFTERNOONS,), False,
                status=Status.CONSULTATION_SCHEDULED),
    DemoRequest("demo-06", timedelta(days=2), "Nguyễn", "+12075550104", (CallTime.EVENINGS,), False,
                status=Status.ATTEMPTING_CONTACT),
    DemoRequest("demo-07", timedelta(days=1), "Anne-Marie", "+12075550103", (CallTime.MORNINGS,), True,
                request_for=RequestFor.SOMEONE_I_CARE_ABOUT, email="annemarie@example.org",
                message="I am asking for my mother. She knows I am doing this.", status=Status.ATTEMPTING_CONTACT),
    # The same phone as demo-07 while that one is still open: stored, and linked to it as a duplicate.
    DemoRequest("demo-08", timedelta(hours=20), "Anne-Marie", "+12075550103", (CallTime.AFTERNOONS,), True,
                request_for=RequestFor.SOMEONE_I_CARE_ABOUT),
    DemoRequest("demo-09", timedelta(hours=6), "Lee", "+12075550102", (CallTime.EVENINGS,), False,
                request_for=RequestFor.SOMEONE_I_CARE_ABOUT),
    DemoRequest("demo-10", timedelta(hours=5), "José", "+442079460958", (CallTime.AFTERNOONS, CallTime.EVENINGS),
                False, message="I live in London for now, so evenings your time are best."),
    DemoRequest("demo-11", timedelta(hours=3), "Best Offer", "+18005550199", (CallTime.MORNINGS,), True,
                message="Cheap followers, visit our website!", spam_reason=SpamReason.HONEYPOT),
    DemoRequest("demo-12", timedelta(hours=2), "Maria", "+12075550101", (CallTime.MORNINGS,), True),
)
# When staff moved each request on, after it arrived.
_HANDLED_AFTER = timedelta(hours=3)


class Command(BaseCommand):
    help = "Create the demo staff login and a queue of demo call-back requests (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local development only: it needs DJANGO_DEBUG=1.")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True, "email": DEMO_EMAIL}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # An intake recipient, so that `make run` prints the staff email of each new request to its console.
        user.groups.add(Group.objects.get_or_create(name=INTAKE_STAFF_GROUP)[0])
        self.stdout.write(
            f"Demo staff login ({'created' if created else 'already there'}): "
            f"{DEMO_USERNAME} / {DEMO_PASSWORD}"
        )
        self.stdout.write(f"Demo call-back requests: {self._load_requests()} created")

    def _load_requests(self) -> int:
        now = timezone.now()
        existing = set(
            ConsultationRequest.objects.filter(
                submission_token__in=[demo.token for demo in DEMO_REQUESTS]
            ).values_list("submission_token", flat=True)
        )
        created = 0
        for demo in DEMO_REQUESTS:
            if demo.token in existing:
                continue
            arrived = now - demo.age
            consultation_request = submit_request(
                name=demo.name,
                phone=demo.phone,
                call_times=demo.call_times,
                voicemail_ok=demo.voicemail_ok,
                email=demo.email,
                request_for=demo.request_for,
                message=demo.message,
                submission_token=demo.token,
                spam_reason=demo.spam_reason,
                now=arrived,
            )
            if demo.status != Status.NEW:
                change_status(
                    consultation_request=consultation_request, status=demo.status, now=arrived + _HANDLED_AFTER
                )
            created += 1
        return created
