"""Five failed sign-ins for one username from one address lock that pair out for an hour (django-axes)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.factories import staff_member
from tests.portland_site.conftest import current_code

ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}


def fail(sign_in, times, **extra):
    return [sign_in(password="wrong password", **extra).status_code for _ in range(times)]


def test_configuration():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 60 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_fifth_failure_locks_out_even_the_right_password_and_code(sign_in, device):
    assert fail(sign_in, 5) == [200, 200, 200, 200, 429]
    assert sign_in(code=current_code(device)).status_code == 429


def test_four_failures_and_a_success_start_the_count_again(client, sign_in, device):
    assert fail(sign_in, 4) == [200] * 4
    assert sign_in(code=current_code(device)).status_code == 302
    client.logout()
    assert fail(sign_in, 4) == [200] * 4


def test_wrong_codes_count_like_wrong_passwords(sign_in, device):
    statuses = [sign_in(code="000000").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_same_username_from_another_address_can_still_sign_in(sign_in, device):
    fail(sign_in, 5)
    assert sign_in(code=current_code(device), **ELSEWHERE).status_code == 302


def test_another_username_from_the_same_address_can_still_sign_in(sign_in, device):
    fail(sign_in, 5, username="alice")
    staff_member("bob")
    assert sign_in(username="bob").status_code == 200  # the form, not the lockout


def test_behind_our_proxy_the_address_comes_from_the_trusted_header_only(sign_in, device, settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(sign_in, 5, HTTP_X_FORWARDED_FOR="made-up, 203.0.113.9", **proxy)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    # A colleague coming through the same proxy is not locked out.
    assert sign_in(code=current_code(device), HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy).status_code == 302


def test_without_a_trusted_proxy_a_made_up_header_does_not_escape_the_lockout(sign_in, device):
    statuses = [
        sign_in(password="wrong password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_the_lockout_page_is_friendly_and_in_the_sites_look(sign_in, staff_user):
    *_, response = [sign_in(password="wrong password") for _ in range(5)]
    assert response.status_code == 429
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "Sign-in is paused for this account"
    text = soup.find("main").get_text(" ", strip=True)
    assert "There were 5 unsuccessful attempts" in text
    assert "try again in 60 minutes" in text
    assert "ask the clinic manager to unlock" in text
    assert soup.select_one("main a[href='tel:+12075550142']")
    assert soup.select_one("header.site-header") and "988" in soup.find("footer").get_text()
    assert soup.select_one("meta[name=robots]")["content"] == "noindex"
    assert not soup.select("[style], style, script:not([src])")


def test_the_lockout_ends_after_an_hour(sign_in, device):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(sign_in, 5)
        traveller.shift(timedelta(minutes=59))
        assert sign_in(code=current_code(device)).status_code == 429
        traveller.shift(timedelta(minutes=61))
        assert sign_in(code=current_code(device)).status_code == 302


def test_a_manager_can_unlock_by_username(sign_in, device):
    fail(sign_in, 5)
    call_command("axes_reset_username", "alice")
    assert sign_in(code=current_code(device)).status_code == 302


@pytest.mark.usefixtures("staff_user")
def test_attempt_records_keep_no_password_code_or_csrf_token(sign_in):
    sign_in(password="a secret password", code="123456", csrfmiddlewaretoken="a-csrf-token-value")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "alice"
    for secret in ("a secret password", "123456", "a-csrf-token-value"):
        assert secret not in attempt.post_data
