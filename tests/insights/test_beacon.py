"""The beacon endpoint: what it counts, what it refuses, and that it writes nothing per request."""

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.counters import counter_store
from tests.conftest import sign_in_staff
from tests.factories import staff_member
from tests.insights.conftest import BEACON_URL, counted, send_beacon


def test_a_page_view_is_counted_with_its_referring_site_and_campaign(beacon_client):
    response = send_beacon(
        beacon_client,
        p="/withdrawal-symptoms/",
        ref="WWW.DuckDuckGo.com",
        utm_source="Newsletter",
        utm_campaign="winter-2026",
    )
    assert response.status_code == 204
    assert counted() == {
        ("view", "/withdrawal-symptoms/"): 1,
        ("referrer", "duckduckgo.com"): 1,
        ("source", "newsletter"): 1,
        ("campaign", "winter-2026"): 1,
    }


def test_views_of_each_page_add_up(beacon_client):
    for _ in range(3):
        send_beacon(beacon_client, p="/")
    send_beacon(beacon_client, p="/benzodiazepines/diazepam/")
    assert counted() == {("view", "/"): 3, ("view", "/benzodiazepines/diazepam/"): 1}


@pytest.mark.parametrize(
    "data",
    [
        {"p": "/no-such-page/"},
        {"p": "/admin/"},
        {"p": "/?name=Sam"},
        {"p": ""},
        {},
        {"p": "/request-a-call-back/thanks/"},  # without "sent": a thanks page opened some other way
        {"p": "/request-a-call-back/thanks/", "e": "error"},
    ],
)
def test_anything_but_one_of_our_pages_is_answered_204_and_not_counted(beacon_client, data):
    assert send_beacon(beacon_client, **data).status_code == 204
    assert counted() == {}


@pytest.mark.parametrize(
    "extra",
    [
        {"ref": "192.168.1.20"},  # an address, not a site
        {"ref": "http://example.com/path"},
        {"ref": "a" * 120 + ".com"},
        {"ref": "bad domain.com"},
        {"utm_source": "sam@example.org"},
        {"utm_campaign": "x" * 65},
        {"utm_campaign": "=HYPERLINK(1)"},
    ],
)
def test_a_referrer_or_tag_that_is_not_a_plain_name_is_left_out(beacon_client, extra):
    send_beacon(beacon_client, p="/", **extra)
    assert counted() == {("view", "/"): 1}


def test_an_oversized_body_is_not_counted(beacon_client):
    send_beacon(beacon_client, p="/", padding="x" * 2000)
    assert counted() == {}


def test_the_beacon_sets_no_cookie_and_is_never_cached(beacon_client):
    response = send_beacon(beacon_client, p="/")
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "no-store" in response["Cache-Control"]
    assert response.content == b""


def test_only_post_is_accepted(beacon_client):
    assert beacon_client.get(BEACON_URL, {"p": "/"}).status_code == 405
    assert counted() == {}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11; moto g power) AppleWebKit/537.36 Chrome-Lighthouse",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
    ],
)
def test_bots_are_not_counted(beacon_client, agent):
    assert send_beacon(beacon_client, user_agent=agent, p="/").status_code == 204
    assert counted() == {}


def test_global_privacy_control_sent_by_the_browser_is_honoured(beacon_client):
    beacon_client.post(BEACON_URL, {"p": "/"}, HTTP_USER_AGENT="Mozilla/5.0 Firefox/133.0", HTTP_SEC_GPC="1")
    assert counted() == {}


def test_signed_in_staff_are_not_counted(beacon_client):
    sign_in_staff(beacon_client, staff_member("intake", "Intake staff"))
    send_beacon(beacon_client, p="/")
    assert counted() == {}


def test_a_signed_in_user_who_is_not_staff_is_counted(beacon_client):
    beacon_client.force_login(staff_member("someone", is_staff=False))
    send_beacon(beacon_client, p="/")
    assert counted() == {("view", "/"): 1}


def test_the_call_back_funnel(beacon_client):
    send_beacon(beacon_client, p="/request-a-call-back/", **{"from": "/our-approach/"})
    send_beacon(beacon_client, p="/request-a-call-back/", **{"from": "/our-approach/"})
    send_beacon(beacon_client, p="/request-a-call-back/", ref="google.com")
    send_beacon(beacon_client, p="/request-a-call-back/", **{"from": "/request-a-call-back/"})  # a reload
    send_beacon(beacon_client, p="/request-a-call-back/", e="error", **{"from": "/request-a-call-back/"})
    send_beacon(beacon_client, p="/request-a-call-back/thanks/", e="sent")
    assert counted() == {
        ("form_opened", ""): 4,
        ("form_from", "/our-approach/"): 2,
        ("referrer", "google.com"): 1,
        ("form_error", ""): 1,
        ("request_sent", ""): 1,
    }


def test_beacons_write_nothing_to_the_database(beacon_client):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(50):
            send_beacon(beacon_client, p="/our-approach/", ref="example.com")
    # With Redis, one beacon may ask the worker for a flush (one task row); nothing else touches the database.
    assert len(queries.captured_queries) <= 1
    assert all("dbtaskresult" in query["sql"] for query in queries.captured_queries)


def test_a_redis_that_is_down_costs_no_page_a_beacon_or_a_count(beacon_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    assert send_beacon(beacon_client, p="/").status_code == 204
    down = counter_store()
    with pytest.raises(redis.RedisError):
        down.push()
    assert down._pending == {(timezone.localdate(), ("view", "/")): 1}  # kept for when Redis is back
    down._pending.clear()
