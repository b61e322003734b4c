"""Intake's call sheet: the day's calls in the order to make them, and one-click outcomes through the services."""

import pytest
import time_machine
from django.test import Client

from consultations.booking import new_change_link
from consultations.models import AuditAction, AuditEntry, CallAttempt, CallOutcome, Status, StatusChange
from consultations.services import change_status
from tests.conftest import sign_in_staff
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.consultations.conftest import ADMIN, soup
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db

SHEET = f"{ADMIN}today/"
monday_morning = time_machine.travel(eastern(2026, 12, 7, 9), tick=False)


def signed_in(username: str, role: str) -> Client:
    return sign_in_staff(Client(), staff_member(username, role))


def book(hour: int, minute: int = 0, *, day: int = 7, phone: str, **details):
    return stored_request(
        call_at=eastern(2026, 12, day, hour, minute), change_link_hash=new_change_link()[1], phone=phone, **details
    )


def rows(response) -> list[list[str]]:
    return [
        [
            row.select_one(".call-when").get_text(" ", strip=True),
            row.select_one(".call-name").get_text(strip=True),
            row.select_one(".call-phone a").get_text(strip=True),
        ]
        for row in soup(response).select(".call-sheet > li")
    ]


def record(client: Client, request, outcome: str):
    return client.post(f"{ADMIN}{request.pk}/call/", {"outcome": outcome})


@monday_morning
def test_the_sheet_lists_the_days_calls_in_call_time_order_with_names_and_phones_and_is_audited():
    set_call_windows(notice_hours=0, spans=((9, 12),))
    later = book(11, phone="+12075550101", name="Ximena")
    as_soon_as_possible = stored_request(phone="+12075550102", name="Bo")
    earlier = book(9, 30, phone="+12075550103", name="Ana")
    book(9, day=8, phone="+12075550104", name="Tomorrow")
    done = stored_request(phone="+12075550105", name="Done")
    change_status(consultation_request=done, status=Status.CLOSED, by=None)
    intake = signed_in("intake", "Intake staff")
    later.assigned_to = staff_member("alex", "Intake staff")
    later.save()

    response = intake.get(SHEET)
    assert rows(response) == [
        ["Booked 9:30 am", "Ana", "(207) 555-0103"],
        ["Booked 11:00 am", "Ximena", "(207) 555-0101"],
        ["Due by 1 pm", "Bo", "(207) 555-0102"],
    ]
    page = soup(response)
    assert page.select_one(f"#call-{later.pk} .call-facts").get_text(" ", strip=True).endswith("assigned to alex")
    assert page.select_one(f"#call-{earlier.pk} .call-phone a")["href"] == "tel:+12075550103"
    [entry] = AuditEntry.objects.filter(action=AuditAction.VIEWED, detail="call sheet")
    assert entry.references.split() == [str(earlier), str(later), str(as_soon_as_possible)]

    tomorrow = intake.get(SHEET, {"day": "2026-12-08"})
    assert [row[1] for row in rows(tomorrow)] == ["Tomorrow"]
    assert intake.get(SHEET, {"day": "2026-02-30"}).status_code == 200  # not a day: today's sheet
    assert intake.get(SHEET, {"day": "soon"}).status_code == 200
    assert sign_in_staff(Client(), staff_member("nobody")).get(SHEET).status_code == 403


@monday_morning
def test_todays_sheet_points_to_the_overdue_requests_in_the_queue():
    stored_request(phone="+12075550101", name="Missed", now=eastern(2026, 12, 3, 9))
    intake = signed_in("intake", "Intake staff")
    page = soup(intake.get(SHEET))
    assert rows(intake.get(SHEET)) == []
    link = page.select_one(".call-overdue-note a")
    assert (link.get_text(strip=True), link["href"]) == ("1 request is overdue", f"{ADMIN}?overdue=yes")
    assert soup(intake.get(SHEET, {"day": "2026-12-08"})).select_one(".call-overdue-note") is None


def test_the_staff_home_page_opens_on_the_way_to_todays_calls():
    intake = signed_in("intake", "Intake staff")
    link = soup(intake.get("/admin/")).select_one(".triage-start a")
    assert (link.get_text(strip=True), link["href"]) == ("Today’s calls", SHEET)


@monday_morning
def test_one_click_records_a_call_attempt_now_through_the_services_and_returns_to_the_sheet():
    set_call_windows(notice_hours=0, spans=((9, 12),))
    booked = book(10, phone="+12075550101", name="Lee")
    intake = signed_in("intake", "Intake staff")
    response = record(intake, booked, CallOutcome.NO_ANSWER)
    assert response.status_code == 303
    assert response["Location"] == f"{SHEET}#call-{booked.pk}"
    [attempt] = CallAttempt.objects.filter(consultation_request=booked)
    assert (attempt.outcome, attempt.attempted_at, attempt.made_by.username) == (
        CallOutcome.NO_ANSWER,
        eastern(2026, 12, 7, 9),
        "intake",
    )
    booked.refresh_from_db()
    assert booked.status == Status.ATTEMPTING_CONTACT
    assert StatusChange.objects.filter(consultation_request=booked, to_status=Status.ATTEMPTING_CONTACT).exists()
    assert AuditEntry.objects.filter(detail="call attempt: No answer", references=str(booked)).exists()
    page = soup(intake.get(response["Location"]))
    assert "recorded: No answer — no voicemail, at 9:00 am" in page.select_one(".messagelist").get_text()
    facts = page.select_one(f"#call-{booked.pk} .call-facts").get_text(" ", strip=True)
    assert "1 call, last no answer at 9:00 am" in facts


@monday_morning
def test_left_voicemail_is_neither_offered_nor_taken_where_the_person_said_no():
    quiet = stored_request(phone="+12075550101", voicemail_ok=False)
    allowed = stored_request(phone="+12075550102", voicemail_ok=True)
    intake = signed_in("intake", "Intake staff")
    page = soup(intake.get(SHEET))
    offered = {
        request: [button["value"] for button in page.select(f"#call-{request.pk} button[name=outcome]")]
        for request in (quiet, allowed)
    }
    assert offered[quiet] == ["reached", "no_answer", "wrong_number"]
    assert offered[allowed] == ["reached", "left_voicemail", "no_answer", "wrong_number"]
    assert page.select_one(f"#call-{quiet.pk} .no-voicemail-badge").get_text(strip=True) == "No voicemail"
    assert page.select_one(f"#call-{allowed.pk} .no-voicemail-badge") is None

    response = record(intake, quiet, CallOutcome.LEFT_VOICEMAIL)
    assert response.status_code == 303
    assert not CallAttempt.objects.exists()
    assert "this person said no voicemail" in soup(intake.get(response["Location"])).select_one(".messagelist").text
    assert record(intake, allowed, "declined-by-typo").status_code == 303
    assert not CallAttempt.objects.exists()


@monday_morning
def test_outcomes_need_a_post_and_a_role_that_adds_call_attempts():
    request = stored_request()
    intake = signed_in("intake", "Intake staff")
    assert intake.get(f"{ADMIN}{request.pk}/call/").status_code == 405
    viewer = sign_in_staff(Client(), staff_member("viewer", permissions=["view_consultationrequest"]))
    assert soup(viewer.get(SHEET)).select("button[name=outcome]") == []
    assert record(viewer, request, CallOutcome.REACHED).status_code == 403
    assert record(intake, type("Gone", (), {"pk": 999999})(), CallOutcome.REACHED).status_code == 404
    assert not CallAttempt.objects.exists()


@monday_morning
def test_the_request_page_opens_with_what_the_call_needs_and_the_outcome_buttons():
    request = stored_request(name="Sam", phone="+12075550101", voicemail_ok=False)
    intake = signed_in("intake", "Intake staff")
    page = soup(intake.get(f"{ADMIN}{request.pk}/change/"))
    panel = page.select_one(".call-panel")
    assert panel.select_one(".call-name").get_text(strip=True) == "Sam"
    assert panel.select_one(".call-phone a")["href"] == "tel:+12075550101"
    assert panel.select_one(".no-voicemail-badge")
    assert panel.select_one(".call-when").get_text(" ", strip=True) == "Due by: Monday, December 7, 1 pm Eastern"
    assert [button.get_text(strip=True) for button in panel.select("button[name=outcome]")] == [
        "Reached",
        "No answer — no voicemail",
        "Wrong number",
    ]
    # Before the form: the panel's own form is not nested in the request's.
    assert panel.find_parent("form") is None
    assert page.select_one("h1").get_text(strip=True) == "Call-back request"
