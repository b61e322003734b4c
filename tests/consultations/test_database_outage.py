"""The call-back form while its database is down: gunicorn, PostgreSQL behind a proxy that refuses."""

import re
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from consultations.models import ConsultationRequest
from tests.consultations.conftest import FORM_URL
from tests.factories import valid_answers
from tests.faults import fetch

LIMIT = 5  # the default rate limit


def opened_form(site) -> tuple[dict, dict]:
    """The form page as a browser gets it: its CSRF cookie (sent by hand: it is Secure, and this is plain HTTP)
    and the hidden CSRF field."""
    page = fetch(site.base + FORM_URL)
    assert page.status == 200
    cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    field = BeautifulSoup(page.body, "html.parser").find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    return {"Cookie": f"csrftoken={cookie}"}, {"csrfmiddlewaretoken": field}


def test_a_refused_database_shows_the_form_again_with_everything_kept_and_sending_again_stores_it_once(
    site_through_proxy, database_proxy
):
    site = site_through_proxy(workers=1)  # one process: the rate limit counts in one place without Redis
    headers, csrf = opened_form(site)
    answers = valid_answers(message="Late afternoons, please.", email="sam@example.org", name="Sam")
    body = urlencode({**answers, **csrf}, doseq=True).encode()

    database_proxy.refuse()
    for _ in range(LIMIT):  # more than the rate limit allows: a try that failed does not count
        answer = fetch(site.base + FORM_URL, data=body, headers=headers)
        assert answer.status == 503
        assert answer.seconds < 5
    assert answer.headers["Retry-After"] == "60"
    page = BeautifulSoup(answer.body, "html.parser")
    assert page.title.get_text().startswith("Error: ")
    problem = page.find(id="error-summary")
    assert problem.find("h2").get_text(strip=True) == "We could not send your request just now"
    assert problem.find("a", href="tel:+12075550142")
    assert 'press "Send my request" again' in problem.get_text()
    form = page.find("form")
    assert form.find("input", attrs={"name": "name"})["value"] == "Sam"
    assert form.find("input", attrs={"name": "phone"})["value"] == answers["phone"]
    assert form.find("input", attrs={"name": "email"})["value"] == "sam@example.org"
    assert form.find("textarea", attrs={"name": "message"}).get_text(strip=True) == "Late afternoons, please."
    assert {box["value"] for box in form.select("input[name=call_times][checked]")} == {"mornings", "afternoons"}
    assert form.select_one("input[name=voicemail_ok][checked]")["value"] == "no"
    assert form.select_one("input[name=request_for][checked]")["value"] == "myself"
    # The same one-time token, so that sending it again can't make a second request.
    assert form.find("input", attrs={"name": "form_token"})["value"] == answers["form_token"]
    assert "Sam" not in site.log() and answers["phone"] not in site.log()

    database_proxy.restore()
    resent = fetch(site.base + FORM_URL, data=body, headers=headers)
    assert (resent.status, resent.headers["Location"]) == (303, "/request-a-call-back/thanks/")
    assert fetch(site.base + FORM_URL, data=body, headers=headers).status == 303  # a double click
    stored = ConsultationRequest.objects.get()
    assert (stored.name, stored.message, stored.status) == ("Sam", "Late afternoons, please.", "new")
