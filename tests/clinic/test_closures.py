"""Closures as clinics have them: part of a day, yearly, the US federal holidays in one go, the upcoming ones."""

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from clinic.clock import ClinicClock, clinic_clock
from clinic.facts import ClosureFact, current_facts
from clinic.holidays import federal_holidays
from clinic.models import Closure
from consultations.booking import open_call_times
from tests.clinic_facts import set_opening_hours
from tests.conftest import sign_in_staff
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.factories import staff_member

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = {day: (time(9), time(17)) for day in range(5)}
CLOSES_AT_NOON = ClosureFact(first_day=date(2026, 12, 24), last_day=date(2026, 12, 24), note="", closes_at=time(12))


def test_the_clock_skips_the_closed_afternoon():
    clock = ClinicClock(days=WEEKDAYS, closures=(CLOSES_AT_NOON,))
    # Thursday December 24 at 10:00: two hours before noon, two after opening on Friday the 25th.
    assert clock.hours_on(date(2026, 12, 24)) == (time(9), time(12))
    assert clock.add_business_hours(eastern(2026, 12, 24, 10), timedelta(hours=4)) == eastern(2026, 12, 25, 11)
    assert clock.expected_by(eastern(2026, 12, 24, 13), timedelta(hours=4)) == eastern(2026, 12, 25, 13)
    assert not clock.is_closure(date(2026, 12, 24))


def test_a_closure_that_opens_late_on_its_last_day():
    closure = ClosureFact(first_day=date(2026, 12, 24), last_day=date(2026, 12, 28), note="", reopens_at=time(13))
    clock = ClinicClock(days=WEEKDAYS, closures=(closure,))
    assert clock.hours_on(date(2026, 12, 25)) is None
    assert clock.hours_on(date(2026, 12, 28)) == (time(13), time(17))
    assert clock.add_business_hours(eastern(2026, 12, 23, 16), timedelta(hours=2)) == eastern(2026, 12, 28, 14)


def test_a_yearly_closure_applies_next_year_and_across_new_year():
    christmas = ClosureFact(first_day=date(2026, 12, 25), last_day=date(2027, 1, 1), note="", yearly=True)
    clock = ClinicClock(days=WEEKDAYS, closures=(christmas,))
    assert clock.is_closure(date(2027, 12, 27))
    assert clock.is_closure(date(2028, 1, 1))
    assert not clock.is_closure(date(2027, 12, 24))
    assert not clock.is_closure(date(2025, 12, 26)), "not before its first year"
    once = ClinicClock(days=WEEKDAYS, closures=(replace(christmas, yearly=False),))
    assert not once.is_closure(date(2027, 12, 27))


@pytest.mark.django_db
@time_machine.travel(eastern(2027, 3, 1, 9), tick=False)
def test_a_yearly_closure_saved_years_ago_still_closes_and_shows():
    set_opening_hours(9, 17)
    Closure.objects.create(first_day=date(2024, 7, 3), last_day=date(2024, 7, 3), note="Staff day", yearly=True)
    assert clinic_clock().is_closure(date(2027, 7, 3))
    upcoming = current_facts().clinic.upcoming_closures
    assert [(closure.first_day, closure.note) for closure in upcoming] == [(date(2027, 7, 3), "Staff day")]


def test_the_federal_holidays_of_2027_on_their_observed_days():
    holidays = dict((name, day) for day, name in federal_holidays(2027))
    assert holidays == {
        "New Year's Day": date(2027, 1, 1),
        "Martin Luther King Jr. Day": date(2027, 1, 18),
        "Washington's Birthday": date(2027, 2, 15),
        "Memorial Day": date(2027, 5, 31),
        "Juneteenth": date(2027, 6, 18),  # a Saturday: the Friday before
        "Independence Day": date(2027, 7, 5),  # a Sunday: the Monday after
        "Labor Day": date(2027, 9, 6),
        "Columbus Day": date(2027, 10, 11),
        "Veterans Day": date(2027, 11, 11),
        "Thanksgiving Day": date(2027, 11, 25),
        "Christmas Day": date(2027, 12, 24),  # a Saturday: the Friday before
    }


@pytest.fixture
def manager_client(db) -> Client:
    return sign_in_staff(Client(), staff_member("manager", "Clinic manager"))


@time_machine.travel(eastern(2026, 12, 7, 9), tick=False)
def test_the_admin_adds_the_federal_holidays_once(manager_client, django_capture_on_commit_callbacks):
    Closure.objects.create(first_day=date(2027, 12, 24), last_day=date(2027, 12, 31), note="Winter break")
    url = "/admin/clinic/closure/federal-holidays/"
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, {"year": "2027"}, follow=True)
    assert "Added 10 federal holidays of 2027" in response.content.decode()
    days = set(Closure.objects.values_list("first_day", flat=True))
    assert {date(2027, 11, 25), date(2027, 7, 5), date(2027, 1, 1)} <= days
    assert Closure.objects.count() == 11
    assert clinic_clock().is_closure(date(2027, 11, 25))
    again = manager_client.post(url, {"year": "2027"}, follow=True)
    assert "Added 0 federal holidays" in again.content.decode()
    assert Closure.objects.count() == 11
    refused = manager_client.post(url, {"year": "twenty"}, follow=True)
    assert "Give a year from 2000 to 2100." in refused.content.decode()


@time_machine.travel(eastern(2026, 12, 7, 9), tick=False)
def test_the_list_opens_on_upcoming_closures(manager_client):
    Closure.objects.create(first_day=date(2026, 11, 26), last_day=date(2026, 11, 26), note="Past holiday")
    Closure.objects.create(first_day=date(2026, 12, 24), last_day=date(2026, 12, 24), note="Coming holiday")
    Closure.objects.create(first_day=date(2025, 7, 3), last_day=date(2025, 7, 3), note="Yearly staff day", yearly=True)
    page = manager_client.get("/admin/clinic/closure/").content.decode()
    assert "Coming holiday" in page and "Yearly staff day" in page
    assert "Past holiday" not in page
    assert "Past holiday" in manager_client.get("/admin/clinic/closure/?when=all").content.decode()


@pytest.mark.django_db
@time_machine.travel(eastern(2026, 12, 21, 9), tick=False)
def test_the_call_times_offered_skip_the_closed_afternoon():
    set_call_windows(spans=((10, 12), (14, 16)))
    Closure.objects.create(first_day=date(2026, 12, 24), last_day=date(2026, 12, 24), closes_at=time(12))
    christmas_eve = [slot.starts_at for day in open_call_times() for slot in day.slots if day.day == date(2026, 12, 24)]
    assert christmas_eve and all(moment.hour < 12 for moment in christmas_eve)
    assert eastern(2026, 12, 23, 14) in [slot.starts_at for day in open_call_times() for slot in day.slots]


@pytest.mark.django_db
@time_machine.travel(eastern(2026, 12, 21, 9), tick=False)
def test_the_pages_say_when_a_closure_starts(client):
    Closure.objects.create(first_day=date(2026, 12, 24), last_day=date(2026, 12, 24), closes_at=time(12), note="Eve")
    page = client.get("/visit-us/").content.decode()
    assert "Closed from 12 pm on Thursday, December 24 (Eve)." in page
