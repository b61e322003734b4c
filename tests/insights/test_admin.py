"""The manager's page of figures: who sees what, and that it draws with no data, one day and a year of it."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone

from consultations.models import CallOutcome
from consultations.services import record_call_attempt
from insights.counters import counter_store
from insights.models import DailyCount, Kind
from tests.conftest import sign_in_staff
from tests.factories import staff_member, stored_request

FIGURES = "/admin/insights/dailycount/"


def page(client, **query) -> BeautifulSoup:
    response = client.get(FIGURES, query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def headings(soup: BeautifulSoup) -> list[str]:
    return [h2.get_text(strip=True) for h2 in soup.select("#content-main h2")]


@pytest.fixture
def manager_client(client, db):
    return sign_in_staff(client, staff_member("manager", "Clinic manager"))


@pytest.fixture
def intake_user(db):
    return staff_member("intake", "Intake staff")


def test_the_manager_sees_visits_the_funnel_and_intake(manager_client):
    assert headings(page(manager_client)) == ["Visits", "From a visit to a consultation", "Intake's promise"]


def test_intake_staff_see_intake_figures_only(client, intake_user):
    soup = page(sign_in_staff(client, intake_user))
    assert headings(soup) == ["Intake's promise"]
    assert "referring" not in soup.get_text()


def test_intake_staff_given_the_permission_see_the_visits_too(client, intake_user):
    intake_user.user_permissions.add(Permission.objects.get(codename="view_marketing_figures"))
    assert "Visits" in headings(page(sign_in_staff(client, intake_user)))


def test_staff_with_neither_permission_are_refused(client, db):
    sign_in_staff(client, staff_member("nobody"))
    assert client.get(FIGURES).status_code == 403
    assert client.get(FIGURES + "export/").status_code == 403


def test_nothing_can_be_added_or_changed(manager_client):
    assert manager_client.get(FIGURES + "add/").status_code in (403, 404)


def test_the_page_draws_with_no_data(manager_client):
    soup = page(manager_client)
    assert "No figures for this period yet." in soup.get_text()
    assert soup.select("table#visits-table tbody tr")  # the weeks are listed, with zeros


def test_the_page_draws_one_day_of_data(manager_client):
    today = timezone.localdate()
    DailyCount.objects.create(day=today, kind=Kind.VIEW, key="/", count=40)
    DailyCount.objects.create(day=today, kind=Kind.REFERRER, key="duckduckgo.com", count=7)
    DailyCount.objects.create(day=today, kind=Kind.FORM_OPENED, count=8)
    DailyCount.objects.create(day=today, kind=Kind.REQUEST_SENT, count=2)
    soup = page(manager_client, start=today.isoformat(), end=today.isoformat())
    assert len(soup.select("#visits-table tbody tr")) == 1
    assert [cell.get_text() for cell in soup.select("#visits-table tbody tr")[0].find_all(["th", "td"])][1] == "40"
    assert soup.select_one("figure svg[role=img] rect") is not None
    assert "duckduckgo.com" in soup.select_one("#referrers-table").get_text()
    funnel = {row.th.get_text(): row.td.get_text() for row in soup.select("#funnel-table tbody tr")}
    assert funnel["Page views"] == "40"
    assert funnel["Call-back form opened"] == "8"
    assert "5.0% of the page views" in soup.get_text()
    assert "25.0% of the forms opened" in soup.get_text()


def test_the_page_draws_a_year_of_data(manager_client):
    today = timezone.localdate()
    DailyCount.objects.bulk_create(
        DailyCount(day=today - timedelta(days=n), kind=Kind.VIEW, key="/faq/", count=n % 17 + 1) for n in range(365)
    )
    soup = page(manager_client, start=(today - timedelta(days=364)).isoformat(), end=today.isoformat())
    rows = soup.select("#visits-table tbody tr")
    assert len(rows) in (53, 54)
    assert sum(int(row.td.get_text()) for row in rows) == sum(n % 17 + 1 for n in range(365))
    svg = soup.select_one("figure svg[role=img]")
    assert len(svg.select("rect")) == len(rows)
    assert len(svg.select("text")) <= 5 + 13  # y ticks and at most 13 week labels: readable, not a smear


def test_intake_figures_by_week(manager_client, intake_user):
    now = timezone.now()
    called = stored_request()
    record_call_attempt(consultation_request=called, by=intake_user, outcome=CallOutcome.REACHED, attempted_at=now)
    stored_request(phone="+12075550199")
    soup = page(manager_client)
    text = soup.select_one("#intake-heading").parent.get_text(" ", strip=True)
    assert "2 requests" in text
    assert "1 contacted" in text


def test_a_period_that_makes_no_sense_says_so_and_shows_the_default(manager_client):
    soup = page(manager_client, start="2026-05-01", end="2026-04-01")
    assert "The end date is before the start date." in soup.get_text()
    assert len(soup.select("#visits-table tbody tr")) == 12
    assert "Enter a valid date." in page(manager_client, start="yesterday", end="x").get_text()


def test_the_csv_has_the_aggregates_with_formulas_neutralised(manager_client):
    today = timezone.localdate()
    DailyCount.objects.create(day=today, kind=Kind.CAMPAIGN, key="=cmd|calc", count=3)
    DailyCount.objects.create(day=today, kind=Kind.VIEW, key="/", count=9)
    response = manager_client.get(FIGURES + "export/")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "figure", "item", "value"]
    assert [today.isoformat(), "Page view", "/", "9"] in rows
    assert [today.isoformat(), "Campaign (utm_campaign)", "'=cmd|calc", "3"] in rows
    assert any(row[1] == "Requests received" for row in rows)


def test_the_csv_for_intake_staff_has_no_visit_figures(client, intake_user):
    DailyCount.objects.create(day=timezone.localdate(), kind=Kind.VIEW, key="/", count=9)
    response = sign_in_staff(client, intake_user).get(FIGURES + "export/")
    figures = {row[1] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert "Page view" not in figures
    assert "Requests received" in figures


@pytest.mark.parametrize(
    ("start", "end"), [("9999-01-01", "9999-12-31"), ("0001-01-01", "0001-12-31"), ("1999-12-01", "2000-01-31")]
)
def test_a_period_out_of_any_calendar_is_refused_clearly_on_the_page_and_in_the_csv(manager_client, start, end):
    soup = page(manager_client, start=start, end=end)
    assert "Enter a date between 2000 and 2100" in soup.get_text()
    export = manager_client.get(FIGURES + "export/", {"start": start, "end": end})
    assert export.status_code == 200
    assert start not in export["Content-Disposition"]


def test_the_figures_page_and_its_csv_never_flush_the_counters(manager_client):
    """Issue 22.6: with 30,000 fields waiting, flushing inline took the page 10 s; the worker's clock does it."""
    store = counter_store()
    store.add(timezone.localdate(), [("view", "/")])
    assert page(manager_client).find("p", string=lambda text: text and "once a minute" in text)
    assert manager_client.get(FIGURES + "export/").status_code == 200
    assert not DailyCount.objects.exists()
    assert [sum(batch.counts.values()) for batch in store.take()] == [1], "still waiting for the worker"
