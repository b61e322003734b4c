"""The clinic's facts as tests record them: what a live site has once the Clinic manager has filled them in.

The values are test values (a 555-01xx phone, an "Example" address), which `check --deploy` refuses; the
tests of that check record real-looking ones instead.
"""

from datetime import date, time

from clinic.models import Closure, ContactDetails, Costs, OpeningHours, Photo, TeamMember
from pages.articles import REVIEWABLE_PAGES_BY_NAME
from pages.models import PageReview

TEST_PHONE = "(207) 555-0142"
TEST_PHONE_E164 = "+12075550142"
TEST_ADDRESS = "100 Example Street, Suite 200, Portland, ME 04101"


def set_opening_hours(opens: int, closes: int, weekdays=range(5)) -> None:
    """Replace the weekly hours: open `opens` o'clock to `closes` o'clock on `weekdays` (0 = Monday)."""
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=time(opens), closes=time(closes)) for day in weekdays
    )


def record_test_facts() -> None:
    ContactDetails.objects.create(phone=TEST_PHONE, address=TEST_ADDRESS)
    set_opening_hours(8, 17)
    TeamMember.objects.create(
        name="Test Clinician", credentials="MD", role="Medical director", display_order=1, published=True
    )
    Costs.objects.create()


def record_real_looking_facts() -> None:
    """Facts that `check --deploy` accepts, replacing the test ones: a phone outside 555-0100..0199, a clinician,
    and a review of every article. (Still not the clinic's: tests never hold its real details.)"""
    ContactDetails.objects.update(phone="(207) 555-2368", address="12 Harbor View Road, Portland, ME 04101")
    clinician = TeamMember.objects.get()
    for name in REVIEWABLE_PAGES_BY_NAME:
        PageReview.objects.create(page_name=name, reviewer=clinician, reviewed_on=date(2026, 11, 24))


def clear_facts() -> None:
    """No facts at all, as on a new installation."""
    PageReview.objects.all().delete()
    for model in (ContactDetails, OpeningHours, Closure, TeamMember, Photo, Costs):
        model.objects.all().delete()
