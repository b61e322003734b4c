"""Load the demo data that `make run` shows a newcomer. Safe to run again: it changes nothing the second time.

It lives in `insights`, the top layer, because it fills every app: the clinic's facts, the articles' reviews and
the call-back queue."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic.capacity import booking_rules
from clinic.demo import load_demo_facts
from clinic.models import CallWindow
from consultations.booking import new_change_link, open_call_times
from consultations.models import (
    CallOutcome,
    CallTime,
    ConsultationRequest,
    NotificationStatus,
    RequestFor,
    SpamReason,
    StaffNotification,
    Status,
)
from consultations.services import add_note, assign_request, change_status, record_call_attempt, submit_request
from insights.demo import DEMO_WEEKS, load_demo_counts
from pages.demo import load_demo_reviews

# One demo login per staff role (the groups come from a migration); both printed by `make run`.
DEMO_INTAKE = "demo-intake"
DEMO_MANAGER = "demo-manager"
DEMO_LOGINS = {DEMO_INTAKE: "Intake staff", DEMO_MANAGER: "Clinic manager"}
DEMO_PASSWORD = "demo-password-only-for-make-run"  # noqa: S105 (printed by make run; refused without DEBUG)


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
    # How staff worked it: calls made, who has it, an internal note.
    calls: tuple[CallOutcome, ...] = ()
    assigned_to: str = ""
    note: str = ""


# Fictional people; 555-01xx numbers are reserved for fiction. Oldest first, so that duplicates find the original.
DEMO_REQUESTS = (
    DemoRequest(
        "demo-01",
        timedelta(days=60),
        "Priya",
        "+12075550109",
        (CallTime.MORNINGS,),
        True,
        status=Status.CLOSED,
        calls=(CallOutcome.REACHED,),
        assigned_to=DEMO_MANAGER,
        note="Consultation held; closed after it.",
    ),
    DemoRequest(
        "demo-02",
        timedelta(days=40),
        "Tom",
        "+12075550108",
        (CallTime.AFTERNOONS,),
        False,
        status=Status.CLOSED,
        message="Please call after 2 pm if you can.",
        calls=(CallOutcome.NO_ANSWER, CallOutcome.NO_ANSWER, CallOutcome.DECLINED),
    ),
    DemoRequest(
        "demo-03",
        timedelta(days=20),
        "Dee",
        "+12075550107",
        (CallTime.AFTERNOONS,),
        True,
        status=Status.NOT_A_FIT,
        calls=(CallOutcome.REACHED,),
        assigned_to=DEMO_INTAKE,
        note="Looking for a residential programme; gave them the state helpline.",
    ),
    DemoRequest(
        "demo-04",
        timedelta(days=9),
        "Zoë",
        "+12075550106",
        (CallTime.MORNINGS, CallTime.AFTERNOONS),
        True,
        email="zoe@example.org",
        status=Status.CONSULTATION_SCHEDULED,
        calls=(CallOutcome.LEFT_VOICEMAIL, CallOutcome.REACHED),
        assigned_to=DEMO_INTAKE,
        note="Consultation booked for Thursday, 10 am.",
    ),
    # New for days: overdue in the queue, one of them already taken by someone.
    DemoRequest("demo-13", timedelta(days=5), "Chris", "+12075550110", (CallTime.MORNINGS,), True),
    DemoRequest(
        "demo-14", timedelta(days=4), "Robin", "+12075550111", (CallTime.AFTERNOONS,), False, assigned_to=DEMO_INTAKE
    ),
    DemoRequest(
        "demo-05",
        timedelta(days=3),
        "Sam O'Brien",
        "+12075550105",
        (CallTime.AFTERNOONS,),
        False,
        status=Status.CONSULTATION_SCHEDULED,
        calls=(CallOutcome.REACHED,),
        assigned_to=DEMO_MANAGER,
    ),
    DemoRequest(
        "demo-06",
        timedelta(days=2),
        "Nguyễn",
        "+12075550104",
        (CallTime.AFTERNOONS,),
        False,
        status=Status.ATTEMPTING_CONTACT,
        calls=(CallOutcome.NO_ANSWER, CallOutcome.NO_ANSWER),
        assigned_to=DEMO_INTAKE,
        note="No voicemail allowed; try after 6 pm.",
    ),
    DemoRequest(
        "demo-07",
        timedelta(days=1),
        "Anne-Marie",
        "+12075550103",
        (CallTime.MORNINGS,),
        True,
        request_for=RequestFor.SOMEONE_I_CARE_ABOUT,
        email="annemarie@example.org",
        message="I am asking for my mother. She knows I am doing this.",
        status=Status.ATTEMPTING_CONTACT,
        calls=(CallOutcome.LEFT_VOICEMAIL,),
    ),
    # The same phone as demo-07 while that one is still open: stored, and linked to it as a duplicate.
    DemoRequest(
        "demo-08",
        timedelta(hours=20),
        "Anne-Marie",
        "+12075550103",
        (CallTime.AFTERNOONS,),
        True,
        request_for=RequestFor.SOMEONE_I_CARE_ABOUT,
    ),
    DemoRequest(
        "demo-09",
        timedelta(hours=6),
        "Lee",
        "+12075550102",
        (CallTime.AFTERNOONS,),
        False,
        request_for=RequestFor.SOMEONE_I_CARE_ABOUT,
    ),
    DemoRequest(
        "demo-10",
        timedelta(hours=5),
        "José",
        "+442079460958",
        (CallTime.AFTERNOONS,),
        False,
        message="I live in London for now, so afternoons your time are best.",
    ),
    DemoRequest(
        "demo-11",
        timedelta(hours=3),
        "Best Offer",
        "+18005550199",
        (CallTime.MORNINGS,),
        True,
        message="Cheap followers, visit our website!",
        spam_reason=SpamReason.HONEYPOT,
    ),
    DemoRequest("demo-12", timedelta(hours=2), "Maria", "+12075550101", (CallTime.MORNINGS,), True),
)
# Booked through the form's calendar: given the first open call times when they are loaded (their age is unused).
DEMO_BOOKED = (
    DemoRequest("demo-b1", timedelta(0), "Jordan", "+12075550112", (CallTime.MORNINGS,), False),
    DemoRequest(
        "demo-b2", timedelta(0), "Alex", "+12075550113", (CallTime.MORNINGS,), True, calls=(CallOutcome.NO_ANSWER,)
    ),
    DemoRequest("demo-b3", timedelta(0), "Sky", "+12075550114", (CallTime.AFTERNOONS,), True, assigned_to=DEMO_INTAKE),
    DemoRequest("demo-b4", timedelta(0), "Casey", "+12075550115", (CallTime.AFTERNOONS,), False),
    DemoRequest("demo-b5", timedelta(0), "Morgan", "+12075550116", (CallTime.MORNINGS,), True),
    DemoRequest("demo-b6", timedelta(0), "Taylor", "+12075550117", (CallTime.AFTERNOONS,), True),
)
# When staff first called, and when they moved each request on, after it arrived.
_FIRST_CALL_AFTER = timedelta(hours=1)
_BETWEEN_CALLS = timedelta(minutes=30)
_HANDLED_AFTER = timedelta(hours=3)


class Command(BaseCommand):
    help = "Create demo clinic facts, the demo staff logins and a queue of demo call-back requests (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local development only: it needs DJANGO_DEBUG=1.")
        # First: the call-back clock needs the demo opening hours.
        loaded = load_demo_facts()
        self.stdout.write(f"Demo clinic facts (made up, and shown as such): {'created' if loaded else 'already there'}")
        self.stdout.write(f"Demo article reviews: {'created' if load_demo_reviews() else 'already there'}")
        self.stdout.write(f"Demo call capacity: {'created' if self._load_capacity() else 'already there'}")
        users = {}
        logins = []
        for username, role in DEMO_LOGINS.items():
            user, created = get_user_model().objects.update_or_create(
                # With an address, so that `make run` prints the staff email of each new request to its console.
                username=username,
                defaults={"is_staff": True, "is_superuser": False, "email": f"{username}@example.org"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
            logins.append(
                f"Demo staff login, {role} ({'created' if created else 'already there'}): {username} / {DEMO_PASSWORD}"
            )
        self.stdout.write(f"Demo call-back requests: {self._load_requests(users)} created")
        self.stdout.write(f"Demo booked calls (today and the next open days): {self._load_booked_calls(users)} created")
        self.stdout.write(f"Demo visit counts: {load_demo_counts()} day(s) created over the last {DEMO_WEEKS} weeks")
        # Their staff emails would print some 700 lines to this console and scroll the logins away.
        demo_tokens = [demo.token for demo in (*DEMO_REQUESTS, *DEMO_BOOKED)]
        StaffNotification.objects.filter(
            consultation_request__submission_token__in=demo_tokens, status=NotificationStatus.PENDING
        ).delete()
        self.stdout.write("Demo requests' staff emails: not sent (a request sent through the form prints one here).")
        for line in logins:  # last, where they stay in sight
            self.stdout.write(line)

    def _load_capacity(self) -> bool:
        """Call windows on weekdays, late morning and mid-afternoon, two staff calling at once."""
        rules = booking_rules()
        if rules.windows.exists():
            return False
        CallWindow.objects.bulk_create(
            CallWindow(rules=rules, weekday=weekday, starts=starts, ends=ends, call_minutes=30, places=2)
            for weekday in range(5)
            for starts, ends in ((time(10), time(12)), (time(14), time(16)))
        )
        return True

    def _load_booked_calls(self, users: dict) -> int:
        """Calls booked for the first open call times: the call sheet has rows today (or on the next open day)."""
        if ConsultationRequest.objects.filter(submission_token__in=[demo.token for demo in DEMO_BOOKED]).exists():
            return 0
        # The first and the last open time of each of the first three open days: two calls a day.
        slots = [slot for day in open_call_times()[:3] for slot in dict.fromkeys((day.slots[0], day.slots[-1]))]
        for demo, slot in zip(DEMO_BOOKED, slots, strict=False):
            consultation_request = _submit(demo, call_at=slot.starts_at, change_link_hash=new_change_link()[1])
            for outcome in demo.calls:
                record_call_attempt(consultation_request=consultation_request, by=users[DEMO_INTAKE], outcome=outcome)
            if demo.assigned_to:
                staff = users[demo.assigned_to]
                assign_request(consultation_request=consultation_request, assignee=staff, by=staff)
        return min(len(DEMO_BOOKED), len(slots))

    def _load_requests(self, users: dict) -> int:
        now = timezone.now()
        existing = set(
            ConsultationRequest.objects.filter(submission_token__in=[demo.token for demo in DEMO_REQUESTS]).values_list(
                "submission_token", flat=True
            )
        )
        created = 0
        for demo in DEMO_REQUESTS:
            if demo.token in existing:
                continue
            arrived = now - demo.age
            consultation_request = _submit(demo, spam_reason=demo.spam_reason, now=arrived)
            staff = users[demo.assigned_to or DEMO_INTAKE]
            for index, outcome in enumerate(demo.calls):
                called = arrived + _FIRST_CALL_AFTER + index * _BETWEEN_CALLS
                record_call_attempt(
                    consultation_request=consultation_request,
                    by=staff,
                    outcome=outcome,
                    attempted_at=called,
                    now=called,
                )
            # A first call has already made a new request "attempting contact"; spam stays spam.
            if demo.status not in (Status.NEW, consultation_request.status):
                change_status(
                    consultation_request=consultation_request,
                    status=demo.status,
                    by=staff,
                    now=arrived + _HANDLED_AFTER,
                )
            if demo.assigned_to:
                assign_request(consultation_request=consultation_request, assignee=staff, by=staff)
            if demo.note:
                add_note(consultation_request=consultation_request, by=staff, text=demo.note)
            created += 1
        return created


def _submit(demo: DemoRequest, **details) -> ConsultationRequest:
    """Store a demo request as the form would."""
    return submit_request(
        name=demo.name,
        phone=demo.phone,
        call_times=demo.call_times,
        voicemail_ok=demo.voicemail_ok,
        email=demo.email,
        request_for=demo.request_for,
        message=demo.message,
        submission_token=demo.token,
        **details,
    )
