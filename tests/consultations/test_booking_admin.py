"""The staff side of booked calls (issue 12): call capacity, the promise in the queue, moving a call, the day's
calls and the staff email."""

from datetime import date, time

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client

from clinic.capacity import CallSlot
from clinic.models import BookingRules, CallWindow
from consultations import emails
from consultations.booking import new_change_link, open_call_times
from consultations.models import AuditEntry, CallTime, StaffNotification, Status
from consultations.services import cancel_booked_call, change_status
from portland_site.clinic import by_when
from portland_site.clinic_time import in_clinic_time
from tests.conftest import sign_in_staff
from tests.consultations.booking_helpers import eastern, set_call_windows
from tests.consultations.conftest import ADMIN, form_data, soup
from tests.factories import staff_member, stored_request

pytestmark = pytest.mark.django_db

CAPACITY = "/admin/clinic/bookingrules/"
CAPACITY_PAGE = f"{CAPACITY}1/change/"
MONDAY_9AM = eastern(2026, 12, 7, 9)
monday_morning = time_machine.travel(MONDAY_9AM, tick=False)


def signed_in(username: str, role: str) -> Client:
    """Signed in inside the test, so that the travelled clock does not find the session long idle."""
    return sign_in_staff(Client(), staff_member(username, role))


def book(starts_at, phone: str = "+12075550142", change_link_hash: str = "", **overrides):
    change_link_hash = change_link_hash or new_change_link()[1]
    return stored_request(call_at=starts_at, change_link_hash=change_link_hash, phone=phone, **overrides)


def capacity_form(client, **changes) -> dict:
    """The capacity page's form as it stands, with `changes` (field name: value) made."""
    data = form_data(client.get(CAPACITY_PAGE), form_id="bookingrules_form")
    data.update(changes)
    return data


def new_window(data: dict, weekday: int, starts: str, ends: str, minutes: int = 30, places: int = 1) -> dict:
    """`data` with the empty extra row filled in as a new window."""
    row = int(data["windows-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"windows-{row}-weekday": str(weekday),
            f"windows-{row}-starts": starts,
            f"windows-{row}-ends": ends,
            f"windows-{row}-call_minutes": str(minutes),
            f"windows-{row}-places": str(places),
        }
    )
    return data


def row_of(data: dict, window: CallWindow) -> int:
    return next(
        int(name.split("-")[1]) for name, value in data.items() if name.endswith("-id") and value == str(window.pk)
    )


def offered_starts() -> list:
    return [slot.starts_at for day in open_call_times() for slot in day.slots]


def windows() -> list[tuple]:
    return list(CallWindow.objects.values_list("weekday", "starts", "ends", "call_minutes", "places"))


# Call capacity


@monday_morning
def test_the_manager_sets_the_call_capacity_on_one_page_and_the_change_is_logged(django_capture_on_commit_callbacks):
    set_call_windows(spans=((10, 12),), weekdays=[0])
    manager = signed_in("manager", "Clinic manager")
    assert manager.get(CAPACITY)["Location"] == CAPACITY_PAGE  # the one row, straight away
    assert manager.get(f"{CAPACITY}add/").status_code == 403
    assert manager.get(f"{CAPACITY}1/delete/").status_code == 403
    assert eastern(2026, 12, 8, 14) not in offered_starts()

    data = new_window(capacity_form(manager, notice_hours="3"), 1, "14:00:00", "16:00:00", minutes=20, places=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(CAPACITY_PAGE, data)
    assert response.status_code == 302, soup(response).select(".errorlist")
    assert BookingRules.objects.get().notice_hours == 3
    assert windows() == [(0, time(10), time(12), 30, 1), (1, time(14), time(16), 20, 2)]
    # The form offers the new window at once: the capacity this process held is read again.
    assert {eastern(2026, 12, 8, 14), eastern(2026, 12, 8, 14, 20)} <= set(offered_starts())
    entry = LogEntry.objects.get(object_id="1", content_type__model="bookingrules")
    assert "call window" in entry.get_change_message()
    # The manager finds it with the other changes to the clinic's facts.
    assert "Call capacity" in manager.get("/admin/clinic/factchange/").content.decode()


@monday_morning
def test_the_capacity_page_previews_the_week_and_edits_times_without_seconds_or_now_buttons():
    set_call_windows(places=2, spans=((10, 12), (14, 16)), weekdays=range(3))
    manager = signed_in("manager", "Clinic manager")
    page = soup(manager.get(CAPACITY_PAGE))
    week = page.select_one(".field-week")
    assert [item.get_text(strip=True) for item in week.select("li")] == [
        f"{day} 10 am–12 pm, 2 pm–4 pm: 16 calls, 2 at once" for day in ("Mon", "Tue", "Wed")
    ]
    assert "48 places a week" in week.get_text()
    starts = page.select_one("input[name=windows-0-starts]")
    assert (starts["type"], starts["value"]) == ("time", "10:00")
    assert "Now" not in page.select_one("#windows-group").get_text()


@monday_morning
def test_intake_staff_see_the_call_capacity_but_cannot_change_it():
    set_call_windows(spans=((10, 12),), weekdays=[0])
    manager = signed_in("manager", "Clinic manager")
    data = capacity_form(manager, notice_hours="5")
    intake = signed_in("intake", "Intake staff")
    page = soup(intake.get(CAPACITY_PAGE))
    assert "Monday" in page.select_one("#windows-group").get_text()
    assert page.select_one('input[name="_save"]') is None
    assert page.select_one('input[name="notice_hours"]') is None
    assert intake.post(CAPACITY_PAGE, data).status_code == 403
    assert BookingRules.objects.get().notice_hours == 2


def refused(response) -> str:
    assert response.status_code == 200  # the form again, not a redirect after saving
    page = soup(response)
    return " ".join(errors.get_text(" ", strip=True) for errors in page.select(".errorlist"))


@monday_morning
def test_overlapping_backwards_and_too_short_windows_are_refused_with_clear_messages():
    set_call_windows(spans=((10, 12),), weekdays=[0])
    manager = signed_in("manager", "Clinic manager")
    before = windows()

    overlapping = new_window(capacity_form(manager), 0, "11:00:00", "13:00:00")
    assert "These windows overlap: Monday 10 am–12 pm and Monday 11 am–1 pm" in refused(
        manager.post(CAPACITY_PAGE, overlapping)
    )
    backwards = new_window(capacity_form(manager), 2, "12:00:00", "10:00:00")
    assert "A window must end after it starts." in refused(manager.post(CAPACITY_PAGE, backwards))
    too_short = new_window(capacity_form(manager), 2, "10:00:00", "10:20:00", minutes=30)
    assert "Not one whole 30-minute call fits in this window." in refused(manager.post(CAPACITY_PAGE, too_short))
    too_many = new_window(capacity_form(manager), 2, "10:00:00", "11:00:00", places=99)
    assert "The number of calls at once must be from 1 to 50." in refused(manager.post(CAPACITY_PAGE, too_many))
    # The same weekday, one after the other, is fine.
    after = new_window(capacity_form(manager), 0, "12:00:00", "13:00:00")
    assert manager.post(CAPACITY_PAGE, after).status_code == 302
    assert windows() == [*before, (0, time(12), time(13), 30, 1)]


@monday_morning
def test_a_capacity_change_that_would_over_book_calls_is_refused_naming_them_and_nothing_is_saved():
    set_call_windows(places=2, spans=((10, 12),), weekdays=[1])
    first = book(eastern(2026, 12, 8, 10), phone="+12075550101")
    second = book(eastern(2026, 12, 8, 10), phone="+12075550102")
    book(eastern(2026, 12, 8, 11), phone="+12075550103")
    manager = signed_in("manager", "Clinic manager")
    before = windows()
    tuesday = CallWindow.objects.get()

    data = capacity_form(manager, notice_hours="4")
    data[f"windows-{row_of(data, tuesday)}-places"] = "1"
    message = refused(manager.post(CAPACITY_PAGE, data))
    for request in (first, second):
        assert f"{request.reference_display} (Tuesday, December 8, 10:00–10:30 am Eastern)" in message
    assert "Move those calls to other times first" in message
    assert "11:00" not in message  # one call at 11 still fits in one place
    assert windows() == before
    assert BookingRules.objects.get().notice_hours == 2

    data = capacity_form(manager)
    data[f"windows-{row_of(data, tuesday)}-DELETE"] = "on"
    message = refused(manager.post(CAPACITY_PAGE, data))
    assert "3 call(s)" in message and "11:00–11:30 am Eastern" in message
    assert windows() == before


# The queue and the request's page


def references(response) -> list[str]:
    return [
        cell.get_text(strip=True) for cell in soup(response).select("#result_list tbody th.field-reference_display")
    ]


def promised_column(response) -> dict[str, str]:
    return {
        row.th.get_text(strip=True): row.select_one(".field-promised").get_text(strip=True)
        for row in soup(response).select("#result_list tbody tr")
    }


@monday_morning
def test_the_queue_says_each_promise_and_sorts_by_it():
    set_call_windows()
    # Neither the order of arrival nor the order of storing is the order of the promises.
    today = book(eastern(2026, 12, 7, 11, 30), phone="+12075550103", now=eastern(2026, 12, 7, 8, 50))
    as_soon_as_possible = stored_request(phone="+12075550102")
    tomorrow = book(eastern(2026, 12, 8, 10), phone="+12075550101", now=eastern(2026, 12, 7, 8))
    intake = signed_in("intake", "Intake staff")

    response = intake.get(ADMIN)
    assert references(response) == [str(today), str(as_soon_as_possible), str(tomorrow)]
    due = by_when(in_clinic_time(as_soon_as_possible.due_by), in_clinic_time())
    assert due == "by 1 pm today"
    assert promised_column(response) == {
        str(today): "Booked today 11:30 am",
        str(as_soon_as_possible): "Due today 1 pm",
        str(tomorrow): "Booked Tue 10:00 am",
    }
    # A missed booked call is flagged overdue beside its promise.
    with time_machine.travel(eastern(2026, 12, 7, 12), tick=False):
        later = sign_in_staff(Client(), staff_member("intake-later", "Intake staff"))
        rows = {row.th.get_text(strip=True): row for row in soup(later.get(ADMIN)).select("#result_list tbody tr")}
        assert rows[str(today)].select_one(".field-overdue").get_text(strip=True) == "Overdue"
        assert rows[str(tomorrow)].select_one(".field-overdue").get_text(strip=True) == "-"


@monday_morning
def test_the_request_page_says_the_booked_or_due_time_and_offers_to_move_a_booked_call():
    set_call_windows()
    booked = book(eastern(2026, 12, 8, 10), phone="+12075550101")
    waiting = stored_request(phone="+12075550102")
    intake = signed_in("intake", "Intake staff")

    page = soup(intake.get(f"{ADMIN}{booked.pk}/change/"))
    assert (
        page.select_one(".field-promise")
        .get_text(" ", strip=True)
        .endswith("Booked call: Tuesday, December 8, 10:00–10:30 am Eastern")
    )
    assert page.find("a", href=f"{ADMIN}{booked.pk}/move-call/", string="Move the call")
    page = soup(intake.get(f"{ADMIN}{waiting.pk}/change/"))
    assert (
        page.select_one(".field-promise").get_text(" ", strip=True).endswith("Due by: Monday, December 7, 1 pm Eastern")
    )
    assert page.find("a", string="Move the call") is None


# Moving a booked call


def move_url(request) -> str:
    return f"{ADMIN}{request.pk}/move-call/"


@monday_morning
def test_staff_move_a_booked_call_and_the_persons_link_shows_the_new_time():
    set_call_windows(places=1)
    token, change_link_hash = new_change_link()
    request = book(eastern(2026, 12, 8, 10), change_link_hash=change_link_hash)
    book(eastern(2026, 12, 8, 10, 30), phone="+12075550109")
    intake = signed_in("intake", "Intake staff")

    page = soup(intake.get(move_url(request)))
    tuesday = page.find("optgroup", label="Tuesday, December 8")
    offered = [option.get_text() for option in tuesday.find_all("option")]
    assert "Tue Dec 8, 10:00–10:30 am Eastern" in offered  # its own time, still its place; with its day
    assert "Tue Dec 8, 10:30–11:00 am Eastern" not in offered  # full
    panel = page.select_one(".call-panel")
    assert panel.select_one(".call-name").get_text(strip=True) == "Sam"
    assert panel.select_one(".call-phone a").get_text(strip=True) == "(207) 555-0142"
    assert panel.select_one(".call-when").get_text(" ", strip=True).startswith("Booked call: Tuesday, December 8")
    new_time = CallSlot(starts_at=eastern(2026, 12, 8, 11), ends_at=eastern(2026, 12, 8, 11, 30))

    response = intake.post(move_url(request), {"starts_at": new_time.value}, follow=True)
    assert response.redirect_chain[-1][0] == f"{ADMIN}{request.pk}/change/"
    assert "now Tuesday, December 8, 11:00–11:30 am Eastern" in response.content.decode()
    request.booking.refresh_from_db()
    assert request.booking.starts_at == eastern(2026, 12, 8, 11)
    assert AuditEntry.objects.filter(references=str(request), detail__startswith="call moved").exists()
    request.refresh_from_db()
    assert request.call_times == [CallTime.MORNINGS]
    [moved] = request.status_changes.all()
    assert (moved.from_status, moved.to_status, moved.reason, moved.changed_by.username) == (
        Status.NEW,
        Status.NEW,
        "call moved: Tue Dec 8, 10:00 am → Tue Dec 8, 11:00 am",
        "intake",
    )
    timeline = soup(intake.get(f"{ADMIN}{request.pk}/change/")).select_one(".triage-timeline")
    assert "call moved: Tue Dec 8, 10:00 am → Tue Dec 8, 11:00 am" in timeline.get_text()
    your_call = Client().get(f"/request-a-call-back/your-call/{token}/", follow=True)
    assert "Tuesday, December 8, 11:00–11:30 am Eastern" in your_call.content.decode()


@monday_morning
def test_moving_to_a_full_or_made_up_time_is_refused_on_the_form():
    set_call_windows(places=1)
    request = book(eastern(2026, 12, 8, 10))
    book(eastern(2026, 12, 8, 11), phone="+12075550109")
    intake = signed_in("intake", "Intake staff")
    full = CallSlot(starts_at=eastern(2026, 12, 8, 11), ends_at=eastern(2026, 12, 8, 11, 30))

    response = intake.post(move_url(request), {"starts_at": full.value})
    assert response.status_code == 200
    assert "Every place at that time has been taken. Choose another time." in refused(response)
    outside = CallSlot(starts_at=eastern(2026, 12, 8, 15), ends_at=eastern(2026, 12, 8, 15, 30))
    assert "not offered any more" in refused(intake.post(move_url(request), {"starts_at": outside.value}))
    assert "Choose a time from the list." in refused(intake.post(move_url(request), {"starts_at": "noon"}))
    request.booking.refresh_from_db()
    assert request.booking.starts_at == eastern(2026, 12, 8, 10)


@monday_morning
def test_moving_needs_change_permission_and_a_booked_call():
    set_call_windows()
    request = book(eastern(2026, 12, 8, 10))
    waiting = stored_request(phone="+12075550102")
    reader = sign_in_staff(Client(), staff_member("reader", permissions=["view_consultationrequest"]))
    assert reader.get(move_url(request)).status_code == 403
    intake = signed_in("intake", "Intake staff")
    assert intake.get(move_url(waiting))["Location"] == f"{ADMIN}{waiting.pk}/change/"


# The day's calls


# The staff email


@monday_morning
def test_the_new_request_email_says_the_booked_or_due_time_and_nothing_personal(settings):
    settings.CONSULTATION_NOTIFY_EMAILS = ["intake@example.org"]
    set_call_windows()
    booked = book(eastern(2026, 12, 8, 10), phone="+12075550177", name="Zebediah Quartermaine")
    waiting = stored_request(phone="+12075550188", name="Marigold Sample")
    for request in (booked, waiting):
        notification = StaffNotification.objects.get(consultation_request=request)
        emails.send_notification(notification=notification, overdue=[], now=MONDAY_9AM)
    booked_email, waiting_email = mail.outbox
    for email, words in (
        (booked_email, "Booked call: Tuesday, December 8, 10:00–10:30 am Eastern"),
        (waiting_email, "Due by: Monday, December 7, 1 pm Eastern"),
    ):
        html = email.alternatives[0][0]
        assert words in email.body and words in html
        for leak in ("Zebediah", "Quartermaine", "Marigold", "555-0177", "2075550177", "2075550188"):
            assert leak not in email.body and leak not in html and leak not in email.subject


@monday_morning
def test_a_call_the_person_cancelled_shows_why_on_the_request_s_timeline():
    set_call_windows()
    request = book(eastern(2026, 12, 8, 10))
    cancel_booked_call(booking=request.booking)
    page = signed_in("intake", "Intake staff").get(f"{ADMIN}{request.pk}/change/")
    timeline = soup(page).select_one(".triage-timeline tbody").get_text(" ", strip=True)
    assert "the website New Closed the person cancelled the call through their link" in " ".join(timeline.split())


@monday_morning
def test_a_closure_over_booked_calls_names_them_for_moving(django_capture_on_commit_callbacks):
    set_call_windows(places=2)
    tuesday = book(eastern(2026, 12, 8, 10))
    wednesday = book(eastern(2026, 12, 9, 11), phone="+12075550109")
    change_status(
        consultation_request=book(eastern(2026, 12, 8, 11), phone="+12075550110"), status=Status.SPAM, by=None
    )
    manager = signed_in("manager", "Clinic manager")
    add = "/admin/clinic/closure/add/"

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(add, {"first_day": "2026-12-08", "last_day": "2026-12-08", "note": "Snow"}, follow=True)
    warning = soup(response).select_one(".messagelist .warning")
    assert warning is not None
    assert warning.get_text(" ", strip=True).startswith("1 call is booked on the days of this closure")
    link = warning.find("a")
    assert link.get_text() == tuesday.reference_display and link["href"] == move_url(tuesday)
    assert "Tuesday, December 8, 10:00–10:30 am Eastern" in warning.get_text()
    assert wednesday.reference_display not in warning.get_text()  # not on the closed day
    assert all(day.day != date(2026, 12, 8) for day in open_call_times())  # and the day is no longer offered

    response = manager.post(add, {"first_day": "2026-12-10", "last_day": "2026-12-11", "note": "Training"}, follow=True)
    assert soup(response).select_one(".messagelist .warning") is None
    book(eastern(2026, 12, 9, 10), phone="+12075550111")
    response = manager.post(add, {"first_day": "2026-12-09", "last_day": "2026-12-09", "note": "Snow"}, follow=True)
    warning = soup(response).select_one(".messagelist .warning").get_text(" ", strip=True)
    assert warning.startswith("2 calls are booked on the days of this closure")
    assert wednesday.reference_display in warning
