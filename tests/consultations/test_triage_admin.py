import csv
import io
import secrets
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import (
    AuditAction,
    AuditEntry,
    CallAttempt,
    CallOutcome,
    ConsultationRequest,
    Note,
    SpamReason,
    Status,
    StatusChange,
)
from consultations.services import REFERENCE_ALPHABET, change_status, record_call_attempt
from tests.conftest import sign_in_staff
from tests.consultations.conftest import ADMIN, form_data, search_queue, soup
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db
AUDIT = "/admin/consultations/auditentry/"
EXPORT = f"{ADMIN}export/"


def change_url(request: ConsultationRequest) -> str:
    return f"{ADMIN}{request.pk}/change/"


def listed(response) -> list[str]:
    """The references in the list, in order."""
    page = BeautifulSoup(response.content, "html.parser")
    return [cell.get_text(strip=True) for cell in page.select("#result_list tbody th.field-reference_display")]


def act(client, action: str, *requests: ConsultationRequest, **extra):
    return client.post(ADMIN, {"action": action, "_selected_action": [r.pk for r in requests], **extra})


# Who may see what


def test_the_roles_have_exactly_their_permissions():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    handling = {"view_callattempt", "add_callattempt", "view_note", "add_note", "view_staffnotification"}
    # The clinic's facts (clinic app) and the article reviews (pages app): managers keep them, intake staff read them.
    facts = ["contactdetails", "openinghours", "closure", "teammember", "costs", "languagenotice", "pagereview"]
    reading_facts = {f"view_{model}" for model in facts}
    keeping_facts = {f"{action}_{model}" for model in facts for action in ("view", "add", "change", "delete")}
    # Call capacity for booked calls: managers set it, intake staff read it and the bookings.
    reading_capacity = {"view_bookingrules", "view_callwindow", "view_booking"}
    setting_capacity = {"change_bookingrules", "add_callwindow", "change_callwindow", "delete_callwindow"}
    assert codenames("Intake staff") == {
        "view_consultationrequest",
        "change_consultationrequest",
        *handling,
        *reading_facts,
        *reading_capacity,
    }
    assert codenames("Clinic manager") == {
        *keeping_facts,
        "view_factchange",
        "view_consultationrequest",
        "change_consultationrequest",
        "delete_consultationrequest",
        "export_consultationrequest",
        "erase_consultationrequest",
        "confirm_spam_consultationrequest",  # spam marked by intake is deleted sooner only once confirmed
        "view_auditentry",
        "resend_staffnotification",
        "view_marketing_figures",  # the visit figures (insights)
        *handling,
        *reading_capacity,
        *setting_capacity,
        "release_booking",  # a flood of bookings by a script, freed in one go
    }


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_people_who_are_not_staff_are_refused_even_in_a_role(client):
    sign_in_staff(client, staff_member("not-staff", "Clinic manager", is_staff=False))
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_a_role_cannot_see_requests(client):
    request = stored_request()
    sign_in_staff(client, staff_member("receptionist"))
    assert client.get(ADMIN).status_code == 403
    assert client.get(change_url(request)).status_code == 403
    assert "Overdue now" not in client.get("/admin/").content.decode()


def test_intake_staff_work_the_queue_but_cannot_export_erase_delete_or_audit(intake_client):
    request = stored_request()
    listing = intake_client.get(ADMIN)
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "as CSV" not in content
    assert 'value="erase_selected"' not in content and 'value="delete_selected"' not in content
    assert 'value="mark_closed"' in content
    assert intake_client.post(EXPORT).status_code == 403
    assert intake_client.get(f"{ADMIN}{request.pk}/delete/").status_code == 403
    act(intake_client, "erase_selected", request, confirmed="yes")
    act(intake_client, "delete_selected", request, post="yes")
    request.refresh_from_db()
    assert request.name == "Sam"
    assert intake_client.get(AUDIT).status_code == 403
    assert intake_client.get(f"{ADMIN}add/").status_code == 403


def test_managers_export_erase_and_read_the_audit_log(manager_client):
    stored_request()
    content = manager_client.get(ADMIN).content.decode()
    assert "as CSV" in content and 'value="erase_selected"' in content
    assert manager_client.get(AUDIT).status_code == 200


def test_nobody_adds_changes_or_deletes_audit_entries(manager_client):
    request = stored_request()
    manager_client.get(change_url(request))
    entry = AuditEntry.objects.get()
    assert manager_client.get(f"{AUDIT}add/").status_code == 403
    assert manager_client.get(f"{AUDIT}{entry.pk}/delete/").status_code == 403
    manager_client.post(f"{AUDIT}{entry.pk}/change/", {"action": "exported", "row_count": 99, "references": "X"})
    entry.refresh_from_db()
    assert (entry.action, entry.row_count) == (AuditAction.VIEWED, 1)
    page = manager_client.get(f"{AUDIT}{entry.pk}/change/").content.decode()
    assert 'name="row_count"' not in page, "read only"


# The queue


def test_the_queue_opens_on_open_requests_oldest_first(intake_client, intake):
    now = timezone.now()
    newest = stored_request(phone="+12075550101", now=now - timedelta(hours=1))
    oldest = stored_request(phone="+12075550102", now=now - timedelta(days=3))
    contacting = stored_request(phone="+12075550103", now=now - timedelta(days=2))
    change_status(consultation_request=contacting, status=Status.ATTEMPTING_CONTACT, by=intake)
    closed = stored_request(phone="+12075550104", now=now - timedelta(days=4))
    change_status(consultation_request=closed, status=Status.CLOSED, by=intake)
    spam = stored_request(spam_reason=SpamReason.HONEYPOT)

    assert listed(intake_client.get(ADMIN)) == [str(oldest), str(contacting), str(newest)]
    assert listed(intake_client.get(ADMIN, {"status": "all"})) == [
        str(closed),
        str(oldest),
        str(contacting),
        str(newest),
        str(spam),
    ]
    assert listed(intake_client.get(ADMIN, {"status": Status.SPAM})) == [str(spam)]


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_columns_show_age_attempts_voicemail_and_overdue_in_words(intake_client, intake):
    request = stored_request(call_times=["mornings", "evenings"], voicemail_ok=False)
    for outcome in (CallOutcome.NO_ANSWER, CallOutcome.LEFT_VOICEMAIL):
        record_call_attempt(consultation_request=request, by=intake, outcome=outcome)
    overdue = stored_request(phone="+12075550199", now=days_ago(10))
    page = BeautifulSoup(intake_client.get(ADMIN).content, "html.parser")
    rows = {row.th.get_text(strip=True): row for row in page.select("#result_list tbody tr")}
    assert rows[str(request)].select_one(".field-call_attempts").get_text() == "2"
    assert rows[str(request)].select_one(".field-voicemail").get_text() == "No voicemail"
    assert rows[str(overdue)].select_one(".field-voicemail").get_text() == "OK"
    assert rows[str(request)].select_one(".field-received").get_text() == "just now"
    assert rows[str(request)].select_one(".field-overdue").get_text(strip=True) == "-"
    assert rows[str(overdue)].select_one(".field-overdue").get_text(strip=True) == "Overdue"


def test_filters_assigned_and_overdue(intake_client, intake, manager):
    mine = stored_request(phone="+12075550101", now=days_ago(10))
    theirs = stored_request(phone="+12075550102", now=days_ago(9))
    nobodys = stored_request(phone="+12075550103", now=days_ago(8))
    act(intake_client, "assign_to_me", mine)
    theirs.assigned_to = manager
    theirs.save()
    change_status(consultation_request=nobodys, status=Status.ATTEMPTING_CONTACT, by=intake)
    assert listed(intake_client.get(ADMIN, {"assigned": "me"})) == [str(mine)]
    assert listed(intake_client.get(ADMIN, {"assigned": "nobody"})) == [str(nobodys)]
    assert listed(intake_client.get(ADMIN, {"overdue": "yes"})) == [str(mine), str(theirs)]
    fresh = stored_request(phone="+12075550104")
    assert listed(intake_client.get(ADMIN, {"overdue": "no"})) == [str(nobodys), str(fresh)]
    page = BeautifulSoup(intake_client.get(ADMIN).content, "html.parser")
    today = page.find("a", string="Today", href=lambda href: "created_at__gte" in href)["href"]
    assert listed(intake_client.get(f"{ADMIN}{today}")) == [str(fresh)]


@pytest.mark.parametrize(
    "query",
    ["(207) 555-0187", "207.555.0187", "+1 207 555 0187", "2075550187", "Zoë", "zoë", "{dashed}", "{plain}"],
)
def test_search_by_reference_name_or_phone_in_any_format(intake_client, query):
    wanted = stored_request(name="Zoë", phone="+12075550187")
    stored_request(name="Sam", phone="+12075550142")
    query = query.format(dashed=str(wanted), plain=wanted.reference.lower())
    assert listed(search_queue(intake_client, query)) == [str(wanted)]


def _many_requests(count: int, user) -> None:
    """`count` open requests, each assigned and with a call attempt, written in bulk."""
    now = timezone.now()
    requests = ConsultationRequest.objects.bulk_create(
        ConsultationRequest(
            reference="".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8)),
            created_at=now - timedelta(minutes=index),
            name=f"Person {index}",
            phone=f"+1207555{index:04d}",
            call_mornings=True,
            call_afternoons=False,
            call_evenings=False,
            voicemail_ok=True,
            request_for="myself",
            privacy_notice_shown_at=now,
            status=Status.ATTEMPTING_CONTACT,
            assigned_to=user,
            submission_token=secrets.token_urlsafe(16),
        )
        for index in range(count)
    )
    CallAttempt.objects.bulk_create(
        CallAttempt(consultation_request=request, made_by=user, outcome=CallOutcome.NO_ANSWER) for request in requests
    )


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ADMIN).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_10_or_500_rows(intake_client, intake, facts_cached):
    _many_requests(10, intake)
    with_10 = _queries_for_list(intake_client)
    _many_requests(490, intake)
    assert ConsultationRequest.objects.count() == 500
    assert _queries_for_list(intake_client) == with_10


# One request


def test_a_request_page_shows_everything_with_a_tel_link_duplicates_and_the_timeline(intake_client, intake):
    original = stored_request(name="Anne-Marie", phone="+12075550103", email="am@example.org", message="For my mum")
    duplicate = stored_request(name="Anne-Marie", phone="+12075550103")
    change_status(consultation_request=original, status=Status.ATTEMPTING_CONTACT, by=intake)
    record_call_attempt(consultation_request=original, by=intake, outcome=CallOutcome.WRONG_NUMBER, note="Rang twice")
    page = intake_client.get(change_url(original))
    assert page.status_code == 200
    html = BeautifulSoup(page.content, "html.parser")
    text = html.get_text(" ", strip=True)
    for shown in ("Anne-Marie", "am@example.org", "For my mum", "mornings", "Rang twice", "Wrong number"):
        assert shown in text
    assert html.select_one('a[href="tel:+12075550103"]').get_text() == "(207) 555-0103"
    assert html.select_one(f'.field-linked_requests a[href="{change_url(duplicate)}"]').get_text() == str(duplicate)
    timeline = html.select_one(".triage-timeline tbody").get_text(" ", strip=True)
    assert "intake New Attempting contact" in timeline
    duplicate_page = BeautifulSoup(intake_client.get(change_url(duplicate)).content, "html.parser")
    assert duplicate_page.select_one(f'.field-linked_requests a[href="{change_url(original)}"]')


def test_viewing_a_request_is_audited(intake_client, intake):
    request = stored_request()
    intake_client.get(change_url(request))
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.references, entry.row_count) == (
        intake,
        AuditAction.VIEWED,
        str(request),
        1,
    )


def test_staff_change_status_and_assignment_on_the_page_through_the_service(intake_client, intake):
    request = stored_request()
    data = form_data(intake_client.get(change_url(request)))
    data.update(status=Status.CONSULTATION_SCHEDULED, assigned_to=str(intake.pk))
    response = intake_client.post(change_url(request), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert (request.status, request.assigned_to) == (Status.CONSULTATION_SCHEDULED, intake)
    assert request.first_contacted_at is not None
    step = StatusChange.objects.get()
    assert (step.from_status, step.to_status, step.changed_by) == (Status.NEW, Status.CONSULTATION_SCHEDULED, intake)
    changes = AuditEntry.objects.filter(action=AuditAction.CHANGED).values_list("detail", flat=True)
    assert set(changes) == {"assigned to intake", "status: New → Consultation scheduled"}


def test_requests_can_be_assigned_to_active_staff_only(intake_client, intake):
    former = staff_member("former", "Intake staff")
    former.is_active = False
    former.save()
    staff_member("not-staff", is_staff=False)
    page = BeautifulSoup(intake_client.get(change_url(stored_request())).content, "html.parser")
    choices = [option.get_text() for option in page.select("select#id_assigned_to option") if option["value"]]
    assert choices == ["intake"]


def test_staff_add_a_call_attempt_and_a_note_on_the_page(intake_client, intake):
    request = stored_request()
    data = form_data(intake_client.get(change_url(request)))
    data.update({"call_attempts-0-outcome": CallOutcome.LEFT_VOICEMAIL, "call_attempts-0-note": "Left our number"})
    data["notes-0-text"] = "Try again after 3 pm"
    response = intake_client.post(change_url(request), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    attempt = CallAttempt.objects.get()
    assert (attempt.made_by, attempt.outcome, attempt.note) == (intake, CallOutcome.LEFT_VOICEMAIL, "Left our number")
    note = Note.objects.get()
    assert (note.author, note.text) == (intake, "Try again after 3 pm")
    request.refresh_from_db()
    assert request.status == Status.ATTEMPTING_CONTACT


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("mark_attempting_contact", Status.ATTEMPTING_CONTACT),
        ("mark_consultation_scheduled", Status.CONSULTATION_SCHEDULED),
        ("mark_not_a_fit", Status.NOT_A_FIT),
        ("mark_closed", Status.CLOSED),
        ("mark_spam", Status.SPAM),
    ],
)
def test_status_actions_go_through_the_service(intake_client, intake, action, status):
    first, second = stored_request(phone="+12075550101"), stored_request(phone="+12075550102")
    assert act(intake_client, action, first, second).status_code == 302
    for request in (first, second):
        request.refresh_from_db()
        assert request.status == status
        assert request.status_changes.get().changed_by == intake
        assert (request.closed_at is not None) is (status in (Status.NOT_A_FIT, Status.CLOSED))
        assert (request.first_contacted_at is not None) is (status != Status.SPAM)


def test_assign_to_me(intake_client, intake):
    request = stored_request()
    act(intake_client, "assign_to_me", request)
    request.refresh_from_db()
    assert request.assigned_to == intake
    assert AuditEntry.objects.get().detail == "assigned to intake"


def test_erasing_asks_first_then_blanks_personal_data(manager_client, manager):
    request = stored_request(name="Zoë", phone="+12075550187", email="zoe@example.org", message="Evenings")
    confirm = act(manager_client, "erase_selected", request)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    request.refresh_from_db()
    assert request.name == "Zoë"
    assert act(manager_client, "erase_selected", request, confirmed="yes").status_code == 302
    request.refresh_from_db()
    assert (request.name, request.phone, request.email, request.message) == ("", "", "", "")
    assert AuditEntry.objects.get(action=AuditAction.ERASED).actor == manager
    page = manager_client.get(change_url(request))
    assert page.status_code == 200 and "Zoë" not in page.content.decode()


def test_managers_delete_through_the_service_with_an_audit_entry(manager_client, manager):
    request = stored_request()
    assert manager_client.post(f"{ADMIN}{request.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ConsultationRequest.objects.exists()
    assert AuditEntry.objects.get(action=AuditAction.DELETED).references == str(request)


# Export


def _exported(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="call-back-requests-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_is_the_filtered_queue_neutralised_and_audited(manager_client, manager, intake):
    evil = stored_request(name='=HYPERLINK("http://evil.example")', phone="+12075550101", message="@SUM(A1)")
    plain = stored_request(name="Sam", phone="+442079460958", message="-")
    closed = stored_request(phone="+12075550103")
    change_status(consultation_request=closed, status=Status.CLOSED, by=intake)
    rows = _exported(manager_client.post(EXPORT))
    assert [row["reference"] for row in rows] == [str(evil), str(plain)]
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["message"] == "'@SUM(A1)"
    assert rows[1]["phone"] == "'+44 20 7946 0958"
    assert rows[1]["message"] == "'-"
    assert rows[0]["phone"] == "(207) 555-0101"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORTED)
    assert (entry.actor, entry.row_count, entry.references) == (manager, 2, f"{evil} {plain}")

    rows = _exported(manager_client.post(f"{EXPORT}?status=closed"))
    assert [row["reference"] for row in rows] == [str(closed)]
    assert rows[0]["status"] == "Closed"


def test_export_is_post_only(manager_client):
    assert manager_client.get(EXPORT).status_code == 405


def test_no_personal_value_reaches_the_audit_trail_or_admin_history(manager_client, intake_client):
    request = stored_request(name="Zoë Quinn", phone="+12075550187", email="zoe@example.org", message="Evenings please")
    data = form_data(intake_client.get(change_url(request)))
    data.update({"status": Status.ATTEMPTING_CONTACT, "call_attempts-0-outcome": "reached"})
    data.update({"call_attempts-0-note": "Zoë Quinn asked", "notes-0-text": "Zoë Quinn prefers evenings"})
    assert intake_client.post(change_url(request), data).status_code == 302
    manager_client.post(EXPORT)
    act(manager_client, "erase_selected", request, confirmed="yes")
    trail = " ".join(
        [f"{entry.references} {entry.detail} {entry}" for entry in AuditEntry.objects.all()]
        + [f"{entry.object_repr} {entry.get_change_message()}" for entry in LogEntry.objects.all()]
    )
    assert LogEntry.objects.exists() and AuditEntry.objects.count() >= 5
    for personal in ("Zoë", "Quinn", "555", "zoe@", "Evenings"):
        assert personal not in trail


# Dashboard


def test_the_admin_index_shows_the_dashboard(intake_client):
    stored_request(now=days_ago(3))
    page = BeautifulSoup(intake_client.get("/admin/").content, "html.parser")
    figures = {
        term.get_text(strip=True): term.find_next_sibling("dd").get_text(strip=True)
        for term in page.select(".triage-figures dt")
    }
    assert figures["Overdue now"] == "1"
    assert figures["Received in the last 7 days"] == "1"
    median = "Median time to the first call attempt, in opening hours (requests received in the last 30 days)"
    assert figures[median] == "none called yet"
    by_status = page.select_one(".triage-by-status").get_text(" ", strip=True)
    assert "New 1" in by_status and "Spam 0" in by_status


def test_the_dashboard_warns_when_no_one_receives_staff_emails(intake_client, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = []
    get_user_model().objects.update(email="")
    warnings = BeautifulSoup(intake_client.get("/admin/").content, "html.parser").select_one(".triage-warnings")
    assert "No one receives emails about new call-back requests" in warnings.get_text()


def test_the_dashboard_has_no_warning_when_emails_have_a_recipient(intake_client, settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    page = BeautifulSoup(intake_client.get("/admin/").content, "html.parser")
    assert page.select_one(".triage-figures")
    assert page.select_one(".triage-warnings") is None


def test_staff_see_one_name_for_a_request_call_back_request(intake_client):
    stored_request()
    text = soup(intake_client.get(ADMIN)).get_text(" ")
    assert "Call-back requests" in text and "Select call-back request to change" not in text
    assert "onsultation request" not in text
    index = soup(intake_client.get("/admin/")).get_text(" ")
    assert "Call-back requests" in index and "onsultation request" not in index
