"""The pages a database outage shows, in the browser with axe: another client holds an exclusive lock, so the live
server's queries wait until their timeout (SQLite's busy timeout, PostgreSQL's statement_timeout) and fail."""

import sqlite3
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot
from tests.consultations.conftest import FORM_URL

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def database_locked():
    """Every table the pages below read, locked by a client of its own until the block ends."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(db["NAME"], isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]
        )
        holder.cursor().execute("LOCK TABLE consultations_consultationrequest, django_session IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def test_the_form_shown_again_after_a_database_failure_has_no_axe_violations(live_server, page):
    page.goto(live_server.url + FORM_URL)
    page.get_by_label("What should we call you?").fill("Sam")
    page.get_by_label("Phone number").fill("(207) 555-0142")
    page.locator("input[name=call_times]").first.check()
    page.locator("input[name=voicemail_ok]").first.check()
    page.locator("input[name=request_for]").first.check()
    page.locator("input[name=agree_to_privacy_notice]").check()
    with database_locked(), page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Send my request").click()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus") == 503
    assert page.locator("#error-summary h2").inner_text() == "We could not send your request just now"
    assert page.get_by_label("What should we call you?").input_value() == "Sam"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert axe_violations(page) == ""
    save_screenshot(page, "desktop-503-form")


def test_the_503_page_has_no_axe_violations(live_server, page):
    # A session cookie makes the admin read the session table.
    page.context.add_cookies([{"name": "sessionid", "value": uuid.uuid4().hex, "url": live_server.url}])
    with database_locked():
        response = page.goto(live_server.url + "/admin/", timeout=30_000)
    assert response.status == 503
    assert page.locator("h1").inner_text() == "Sorry, this part of our website is not working just now"
    assert axe_violations(page) == ""
    save_screenshot(page, "desktop-503")
