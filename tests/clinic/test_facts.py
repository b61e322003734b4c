"""The clinic's facts: edited by the Clinic manager in the admin, read by Intake staff, shown at once everywhere."""

import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from clinic import facts
from clinic.models import Closure, ContactDetails, FactChange
from tests.consultations.conftest import signed_in, soup
from tests.factories import staff_member

CONTACT_URL = reverse("admin:clinic_contactdetails_change", args=[1])


def contact_form(**changes) -> dict:
    contact = ContactDetails.objects.get()
    fields = {"phone": contact.phone, "address": contact.address, "directions": "", "telehealth": ""}
    return {**fields, **changes}


def phones_on(client, path="/") -> set[str]:
    page = soup(client.get(path))
    return {link["href"] for link in page.select("a[href^='tel:']")} - {"tel:988", "tel:911"}


@pytest.fixture
def manager_client():
    return signed_in(staff_member("manager", "Clinic manager"))


@pytest.fixture
def intake_client():
    return signed_in(staff_member("intake", "Intake staff"))


def test_a_new_phone_saved_in_the_admin_shows_on_the_next_request(
    client, manager_client, django_capture_on_commit_callbacks
):
    assert phones_on(client) == {"tel:+12075550142"}
    assert not client.get("/").templates, "the home page is cached"
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(CONTACT_URL, contact_form(phone="(207) 555-2368"))
    assert response.status_code == 302, response.content
    assert phones_on(client) == {"tel:+12075552368"}
    page = soup(client.get("/request-a-call-back/"))
    assert page.select_one("a.callback-aside__phone")["href"] == "tel:+12075552368"
    assert "tel:+12075552368" in client.get("/.well-known/security.txt").content.decode()


def test_another_host_sees_the_change_too(client, manager_client, django_capture_on_commit_callbacks):
    client.get("/")
    client.get("/")
    held, (old_version, _) = facts._local, facts._local_version
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(CONTACT_URL, contact_form(phone="(207) 555-2368"))
    # Another host, which did not handle the save, still holds the old facts and the old page in its memory, and
    # the old version token, read more than VERSION_SECONDS ago.
    facts._local = held
    facts._local_version = (old_version, time.monotonic() - facts.VERSION_SECONDS - 0.01)
    assert caches["pages"]._cache, "the old page is still in local memory"
    assert phones_on(client) == {"tel:+12075552368"}


def test_another_host_trusts_its_version_for_a_second_only(client, manager_client, django_capture_on_commit_callbacks):
    client.get("/")
    held, (old_version, _) = facts._local, facts._local_version
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(CONTACT_URL, contact_form(phone="(207) 555-2368"))
    assert phones_on(client) == {"tel:+12075552368"}, "the process that saved shows the change at once"
    # Another host read the old version just now: for up to a second it still serves the old page.
    facts._local = held
    facts._local_version = (old_version, time.monotonic())
    assert phones_on(client) == {"tel:+12075550142"}
    facts._local_version = (old_version, time.monotonic() - facts.VERSION_SECONDS - 0.01)
    assert phones_on(client) == {"tel:+12075552368"}
    assert facts._local_version[0] != old_version


def test_the_version_is_read_from_the_shared_cache_once_a_second(client, monkeypatch):
    client.get("/")
    reads = []
    real_get = facts.cache.get
    monkeypatch.setattr(facts.cache, "get", lambda key, *args: reads.append(key) or real_get(key, *args))
    for _ in range(5):
        client.get("/")
    assert reads.count(facts.VERSION_KEY) == 0
    version, taken = facts._local_version
    facts._local_version = (version, taken - facts.VERSION_SECONDS - 0.01)
    client.get("/")
    assert reads.count(facts.VERSION_KEY) == 1


def test_a_page_from_the_shared_cache_costs_no_query_in_a_fresh_process(client, django_assert_num_queries):
    client.get("/our-approach/")
    caches["pages"].clear()
    facts._local = None  # as in a process that has not read the facts yet
    with django_assert_num_queries(0):
        response = client.get("/our-approach/")
    assert response.status_code == 200 and not response.templates


def test_a_bad_phone_is_refused_with_the_rest_of_the_form_kept(manager_client):
    response = manager_client.post(CONTACT_URL, contact_form(phone="call us", directions="Park at the back."))
    assert response.status_code == 200
    page = soup(response)
    assert "Enter a phone number" in page.get_text()
    assert page.find("textarea", attrs={"name": "directions"}).get_text().strip() == "Park at the back."
    assert ContactDetails.objects.get().phone == "(207) 555-0142"


def test_intake_staff_can_read_the_facts_but_not_change_them(intake_client):
    response = intake_client.get(CONTACT_URL)
    assert response.status_code == 200
    assert not soup(response).find("input", attrs={"name": "_save"})
    assert intake_client.post(CONTACT_URL, contact_form(phone="(207) 555-2368")).status_code == 403
    assert intake_client.get(reverse("admin:clinic_closure_add")).status_code == 403
    assert ContactDetails.objects.get().phone == "(207) 555-0142"


def test_changes_to_the_facts_are_in_the_managers_audit_trail(manager_client, intake_client):
    manager_client.post(CONTACT_URL, contact_form(phone="(207) 555-2368"))
    manager_client.post(
        reverse("admin:clinic_closure_add"),
        {"first_day": "2026-11-26", "last_day": "2026-11-27", "note": "Thanksgiving"},
    )
    entries = FactChange.objects.filter(content_type__app_label="clinic").order_by("action_time")
    assert [(entry.user.username, entry.get_change_message()) for entry in entries] == [
        ("manager", "Changed Phone."),
        ("manager", "Added."),
    ]
    listing = manager_client.get(reverse("admin:clinic_factchange_changelist"))
    assert listing.status_code == 200
    text = " ".join(soup(listing).get_text(" ").split())
    assert "Changed Phone." in text and "closure: Closed 2026-11-26 to 2026-11-27" in text
    assert intake_client.get(reverse("admin:clinic_factchange_changelist")).status_code == 403


def test_the_single_row_facts_open_straight_on_their_form(manager_client):
    response = manager_client.get(reverse("admin:clinic_contactdetails_changelist"))
    assert response.status_code == 302 and response["Location"] == CONTACT_URL
    ContactDetails.objects.all().delete()
    response = manager_client.get(reverse("admin:clinic_contactdetails_changelist"))
    assert response["Location"] == reverse("admin:clinic_contactdetails_add")


def test_a_single_day_closure_needs_only_its_first_day(manager_client):
    response = manager_client.post(reverse("admin:clinic_closure_add"), {"first_day": "2026-12-25", "note": ""})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.last_day == closure.first_day


def test_a_closure_ending_before_it_starts_is_refused(manager_client):
    response = manager_client.post(
        reverse("admin:clinic_closure_add"), {"first_day": "2026-12-25", "last_day": "2026-12-24"}
    )
    assert response.status_code == 200
    assert "cannot be before the first day" in soup(response).get_text()
    assert not Closure.objects.exists()


def test_upcoming_closures_show_and_past_ones_do_not(client):
    today = timezone.localdate()
    Closure.objects.create(first_day=today - timedelta(days=3), last_day=today - timedelta(days=1), note="Gone")
    Closure.objects.create(first_day=today + timedelta(days=2), last_day=today + timedelta(days=2), note="Training")
    footer = " ".join(soup(client.get("/")).find("footer").get_text(" ").split())
    assert "(Training)" in footer and "Gone" not in footer
    assert [closure.note for closure in facts.current_facts().clinic.upcoming_closures] == ["Training"]


@pytest.mark.parametrize(("first", "last"), [("9999-12-31", ""), ("2026-12-24", "9999-12-31"), ("1999-12-31", "")])
def test_a_closure_out_of_any_calendar_is_refused_clearly(manager_client, first, last):
    response = manager_client.post(reverse("admin:clinic_closure_add"), {"first_day": first, "last_day": last})
    assert response.status_code == 200
    assert "Enter a date between 2000 and 2100" in soup(response).get_text()
    assert not Closure.objects.exists()
