"""The call-back form while its database is down: gunicorn, PostgreSQL behind a proxy that refuses."""

import re
import threading
import time
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from clinic.capacity import parse_slot_value
from consultations.models import ConsultationRequest
from tests.consultations.booking_helpers import set_call_windows
from tests.consultations.conftest import FORM_URL
from tests.factories import valid_answers
from tests.faults import fetch, wait_until

LIMIT = 5  # the default rate limit


def opened_form(site) -> tuple[dict, dict]:
    """The form page as a browser gets it: its CSRF cookie (sent by hand: it is Secure, and this is plain HTTP)
    and the hidden CSRF field (and the first call time it offers, as `call_at`, when it offers any)."""
    page = fetch(site.base + FORM_URL)
    assert page.status == 200
    cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    html = BeautifulSoup(page.body, "html.parser")
    fields = {"csrfmiddlewaretoken": html.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]}
    if first_time := html.select_one("select[name=call_at] option[value!='']"):
        fields["call_at"] = first_time["value"]
    return {"Cookie": f"csrftoken={cookie}"}, fields


def test_a_refused_database_shows_the_form_again_with_everything_kept_and_sending_again_stores_it_once(
    site_through_proxy, database_proxy
):
    set_call_windows(places=2)
    site = site_through_proxy(workers=1)  # one process: the rate limit counts in one place without Redis
    headers, fields = opened_form(site)
    chosen = fields["call_at"]
    answers = valid_answers(message="Late afternoons, please.", email="sam@example.org", name="Sam", when="chosen")
    body = urlencode({**answers, **fields}, doseq=True).encode()

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
    # The chosen call time too (issue 27.6): sending the page again must not say "Choose a time from the list".
    assert form.select_one("input[name=when][checked]")["value"] == "chosen"
    assert [option["value"] for option in form.select("select[name=call_at] option[selected]")] == [chosen]
    assert form.select_one("input[name=voicemail_ok][checked]")["value"] == "no"
    assert form.select_one("input[name=request_for][checked]")["value"] == "myself"
    assert form.find("input", attrs={"name": "agree_to_privacy_notice"}).has_attr("checked")
    # The same one-time token, so that sending it again can't make a second request.
    assert form.find("input", attrs={"name": "form_token"})["value"] == answers["form_token"]
    assert "Sam" not in site.log() and answers["phone"] not in site.log()

    database_proxy.restore()
    # The process tries the database again within its breaker's few seconds (portland_site/breaker.py).
    wait_until(lambda: fetch(site.base + "/healthz").status == 200, timeout=10, what="the database to be tried again")
    resent = fetch(site.base + FORM_URL, data=body, headers=headers)
    assert (resent.status, resent.headers["Location"]) == (303, "/request-a-call-back/thanks/")
    assert fetch(site.base + FORM_URL, data=body, headers=headers).status == 303  # a double click
    stored = ConsultationRequest.objects.get()
    assert (stored.name, stored.message, stored.status) == ("Sam", "Late afternoons, please.", "new")
    assert stored.booking.starts_at == parse_slot_value(chosen)


# Issue 27: one person a second sends the form while PostgreSQL is frozen, and others read articles.
FREEZE_SECONDS = 30


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def test_a_frozen_database_under_form_traffic_stalls_neither_articles_nor_healthz(site_through_proxy, database_proxy):
    site = site_through_proxy(workers=2, CONSULTATION_RATE_LIMIT_PER_HOUR="1000")
    articles = ["/", "/our-approach/", "/withdrawal-symptoms/"]
    for _ in range(4):  # each process has them in memory, and both hold database connections
        for path in articles:
            assert fetch(site.base + path).status == 200
    people = []
    for number in range(FREEZE_SECONDS):
        headers, fields = opened_form(site)
        answers = valid_answers(name=f"Person {chr(65 + number % 26)}")
        people.append((answers["name"], urlencode({**answers, **fields}, doseq=True).encode(), headers))

    posts, pages, health = [], [], []

    def send(name, body, headers):
        posts.append((name, fetch(site.base + FORM_URL, data=body, headers=headers, timeout=60)))

    def read_articles(until):
        while time.monotonic() < until:
            pages.append(fetch(site.base + articles[len(pages) % len(articles)], timeout=60))
            time.sleep(0.2)

    def probe_health(until):
        while time.monotonic() < until:
            health.append(fetch(site.base + "/healthz", timeout=60))
            time.sleep(1)

    database_proxy.freeze()
    until = time.monotonic() + FREEZE_SECONDS
    readers = [threading.Thread(target=reader, args=(until,)) for reader in (read_articles, probe_health)]
    senders = [threading.Thread(target=send, args=person) for person in people]
    for thread in readers:
        thread.start()
    for sender in senders:  # one person a second
        sender.start()
        time.sleep(1)
    for thread in readers + senders:
        thread.join(timeout=90)
    database_proxy.restore()

    assert {page.status for page in pages} == {200}
    page_seconds = [page.seconds for page in pages]
    assert percentile(page_seconds, 0.9) < 1, sorted(page_seconds)[-10:]
    assert {answer.status for answer in health} == {503}
    assert max(answer.seconds for answer in health) < 3, [round(answer.seconds, 1) for answer in health]
    assert len(posts) == FREEZE_SECONDS
    for name, answer in posts:
        assert answer.status == 503, answer.status
        assert answer.seconds < 8
        form = BeautifulSoup(answer.body, "html.parser").find("form")
        assert form.find("input", attrs={"name": "name"})["value"] == name  # what was typed is kept
    print(
        f"\nfrozen {FREEZE_SECONDS} s: articles {len(pages)}, p90 {percentile(page_seconds, 0.9):.2f} s, "
        f"max {max(page_seconds):.2f} s; healthz max {max(answer.seconds for answer in health):.2f} s; POSTs "
        f"max {max(answer.seconds for _, answer in posts):.2f} s, p50 "
        f"{percentile([answer.seconds for _, answer in posts], 0.5):.2f} s"
    )
