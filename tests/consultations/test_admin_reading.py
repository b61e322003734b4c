"""How staff read a request in the admin: one way of writing a date and time, in the clinic's time zone, with its
age; the request page in the order intake works; the forms for a new attempt and a new note (issue 15)."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from consultations.models import CallOutcome, Status
from consultations.services import add_note, change_status, record_call_attempt
from tests.consultations.conftest import ADMIN
from tests.factories import stored_request

pytestmark = pytest.mark.django_db

# 04:23 UTC on November 25 is 11:23 PM the evening before in Portland, Maine (EST, UTC-5).
RECEIVED = datetime(2026, 11, 25, 4, 23, tzinfo=UTC)
# Django's own way ("Nov. 25, 2026, 11:23 p.m.", "noon") must not appear anywhere staff read a date.
DJANGO_DEFAULT = re.compile(r"\b[A-Z][a-z]{2}\. \d|\d (a|p)\.m\.|\bnoon\b|\bmidnight\b")


def page_text(client, url: str) -> str:
    text = BeautifulSoup(client.get(url).content, "html.parser").get_text(" ", strip=True)
    return text.replace("\xa0", " ")  # timesince writes "2\xa0days"


@pytest.fixture
def worked_request(intake):
    with time_machine.travel(RECEIVED, tick=False):
        request = stored_request()
    with time_machine.travel(datetime(2026, 11, 25, 14, 5, tzinfo=UTC), tick=False):
        change_status(consultation_request=request, status=Status.ATTEMPTING_CONTACT, by=intake)
        record_call_attempt(consultation_request=request, by=intake, outcome=CallOutcome.NO_ANSWER)
        add_note(consultation_request=request, by=intake, text="Try after lunch")
    return request


@time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=UTC), tick=False)
def test_the_list_and_the_request_page_write_dates_one_way_in_clinic_time_with_their_age(intake_client, worked_request):
    listed = page_text(intake_client, ADMIN + "?status=all")
    shown = page_text(intake_client, f"{ADMIN}{worked_request.pk}/change/")
    assert "Nov 24, 2026, 11:23 PM (2 days ago)" in shown
    assert "2 days ago" in listed  # the queue's narrow column: its age alone; the date is on the request's page
    for text in (listed, shown):
        assert not DJANGO_DEFAULT.search(text), DJANGO_DEFAULT.search(text)
    # The first contact, the call attempt, the note and the status change, all at 9:05 AM clinic time.
    assert shown.count("Nov 25, 2026, 9:05 AM") == 4
    assert "2 days ago" in shown


@time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=UTC), tick=False)
def test_the_audit_log_and_staff_emails_write_dates_the_same_way(manager_client, worked_request):
    for url in ("/admin/consultations/auditentry/", "/admin/consultations/staffnotification/"):
        text = page_text(manager_client, url)
        assert re.search(r"Nov 2[45], 2026, \d{1,2}:\d\d [AP]M \(\d days? ago\)", text), url
        assert not DJANGO_DEFAULT.search(text), url


def test_the_request_page_reads_in_the_order_intake_works(intake_client, worked_request):
    html = BeautifulSoup(intake_client.get(f"{ADMIN}{worked_request.pk}/change/").content, "html.parser")
    headings = [h2.get_text(strip=True) for h2 in html.select("#content-main h2")]
    assert headings == [
        "The call",  # what the call needs, and its outcome buttons, first
        "Who they are and how to reach them",
        "When they expect the call",
        "Call attempts",
        "Notes",
        "The record",
        "Staff emails about this request",
    ]


def test_the_forms_for_a_new_attempt_and_note_are_not_dressed_as_data(intake_client, worked_request):
    html = BeautifulSoup(intake_client.get(f"{ADMIN}{worked_request.pk}/change/").content, "html.parser")
    assert html.select_one("label[for=id_notes-1-text]").get_text(strip=True) == "New note:"
    new_attempt = html.select_one("#call_attempts-1")
    assert new_attempt.select_one(".field-age").get_text(strip=True) == ""
    saved_attempt = html.select_one("#call_attempts-0")
    assert saved_attempt.select_one(".field-age").get_text(strip=True).endswith("ago")
