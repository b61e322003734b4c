"""Staff sign-in: a per-address limit on attempts, checked before any password is hashed (issue 13, item 8)."""

import logging
import time
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from portland_site import ratelimit, staff_admin
from tests.portland_site.conftest import current_code

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.ADMIN_SIGN_IN_LIMIT = LIMIT


@pytest.fixture
def hashing():
    """Counts what the sign-in form costs: its calls of authenticate() and of the password hasher (the test
    settings' MD5 one, as fast as hashers get; production's PBKDF2 is what an attacker would make us compute)."""
    with (
        mock.patch("django.contrib.auth.forms.authenticate", wraps=authenticate) as form_authenticate,
        mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as encode,
    ):
        yield lambda: (form_authenticate.call_count, encode.call_count)


def heading(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find("h1").get_text(strip=True)


def random_usernames(sign_in, count: int, **extra) -> list[int]:
    # A different username each time: django-axes, which locks a username at an address, never steps in.
    return [sign_in(username=f"guess{index}", password="guess", **extra).status_code for index in range(count)]


def test_the_limit_and_its_period_are_settings(settings, sign_in):
    settings.ADMIN_SIGN_IN_LIMIT, settings.ADMIN_SIGN_IN_LIMIT_SECONDS = 1, 120
    assert random_usernames(sign_in, 2) == [200, 429]
    response = sign_in()
    assert response["Retry-After"] == "120" and "try again in 2 minutes" in response.content.decode()


def test_below_the_limit_a_staff_member_still_signs_in_with_two_factor(client, device, sign_in, hashing):
    assert random_usernames(sign_in, LIMIT - 1) == [200] * (LIMIT - 1)
    response = sign_in(code=current_code(device))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    assert hashing()[0] == LIMIT


def test_over_the_limit_no_password_is_hashed_and_the_answer_is_a_clear_429(device, sign_in, hashing):
    assert random_usernames(sign_in, LIMIT) == [200] * LIMIT
    cost = hashing()
    assert cost[0] == LIMIT and cost[1] >= LIMIT, "each attempt below the limit hashes a password"

    refused = [sign_in(username=f"more{index}", password="guess") for index in range(5)]
    # Even the right password and code wait: nothing of the form runs.
    refused.append(sign_in(code=current_code(device)))
    assert hashing() == cost, "an attempt over the limit must not reach authenticate() or the hasher"
    for response in refused:
        assert response.status_code == 429
        assert response["Retry-After"] == "600"
        assert "no-store" in response["Cache-Control"]
        assert heading(response) == "Too many sign-in attempts"
        assert "try again in 10 minutes" in response.content.decode()


def test_the_limit_is_per_address_and_ipv6_per_48(device, sign_in, hashing):
    assert random_usernames(sign_in, LIMIT + 1, REMOTE_ADDR="2001:db8:1:2::1")[-1] == 429
    assert sign_in(username="x", password="y", REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    # Another /64 of the same /48: a subscriber's usual allocation, so the same client.
    assert sign_in(username="x", password="y", REMOTE_ADDR="2001:db8:1:3::1").status_code == 429
    response = sign_in(code=current_code(device), REMOTE_ADDR="2001:db8:2::1")
    assert response.status_code == 302


def test_looking_at_the_sign_in_page_does_not_count(client, sign_in):
    for _ in range(LIMIT * 2):
        assert client.get(reverse("admin:login")).status_code == 200
    assert random_usernames(sign_in, LIMIT) == [200] * LIMIT


def test_the_count_ends_after_the_period(settings, sign_in, device):
    settings.ADMIN_SIGN_IN_LIMIT_SECONDS = 1
    assert random_usernames(sign_in, LIMIT + 1)[-1] == 429
    time.sleep(1.5)
    assert sign_in(code=current_code(device)).status_code == 302


def test_going_over_is_logged_once_without_the_address(sign_in, caplog):
    caplog.set_level(logging.WARNING, logger="portland_site.staff_admin")
    random_usernames(sign_in, LIMIT + 4, REMOTE_ADDR="203.0.113.5")
    over = [record for record in caplog.records if "went over the limit" in record.getMessage()]
    assert len(over) == 1
    assert "203.0.113" not in caplog.text and "guess" not in caplog.text


class BrokenCache:
    """The shared cache while Redis is down: every call fails as the Redis client does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail


def test_with_the_shared_cache_down_sign_in_works_counted_per_process_and_logged(
    monkeypatch, caplog, client, device, sign_in, hashing
):
    monkeypatch.setattr(ratelimit, "cache", BrokenCache())
    caplog.set_level(logging.WARNING)
    response = sign_in(code=current_code(device))
    assert response.status_code == 302, "the limit fails open: staff can still sign in"
    assert client.get(reverse("admin:index")).status_code == 200
    assert "Staff sign-in limit: the shared cache is unavailable (ConnectionError)" in caplog.text

    # This process still holds an address to the limit, and still answers without hashing.
    assert random_usernames(sign_in, LIMIT, REMOTE_ADDR="198.51.100.7") == [200] * LIMIT
    cost = hashing()
    assert sign_in(username="late", password="guess", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert hashing() == cost


def from_addresses(sign_in, count: int, **credentials) -> list[int]:
    """One attempt from each of `count` addresses, each in a /48 of its own: no per-client limit steps in."""
    return [sign_in(REMOTE_ADDR=f"2001:db8:{index + 100:x}::1", **credentials).status_code for index in range(count)]


def test_one_username_tried_from_many_addresses_is_held_back_without_hashing(settings, sign_in, device, hashing):
    settings.ADMIN_SIGN_IN_ACCOUNT_LIMIT = 4
    assert from_addresses(sign_in, 4, password="guess") == [200] * 4
    cost = hashing()
    refused = [sign_in(password="guess", REMOTE_ADDR=f"2001:db8:{index + 200:x}::1") for index in range(3)]
    refused.append(sign_in(username="ALICE", password="guess", REMOTE_ADDR="192.0.2.9"))
    assert [response.status_code for response in refused] == [429] * 4
    assert hashing() == cost
    assert heading(refused[0]) == "Too many sign-in attempts"
    assert "this account" in refused[0].content.decode()
    # Another account is not held back.
    assert sign_in(username="bob", password="guess", REMOTE_ADDR="192.0.2.10").status_code == 200


def test_the_whole_site_checks_at_most_so_many_passwords_a_minute(settings, sign_in, device, hashing):
    settings.ADMIN_SIGN_IN_SITE_LIMIT_PER_MINUTE = 5
    assert [
        sign_in(username=f"guess{index}", password="guess", REMOTE_ADDR=f"198.51.100.{index}").status_code
        for index in range(5)
    ] == [200] * 5
    cost = hashing()
    refused = sign_in(code=current_code(device), REMOTE_ADDR="203.0.113.77")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert hashing() == cost
    assert "try again in a minute" in refused.content.decode()


def test_while_every_password_check_is_busy_another_is_refused_at_once(settings, sign_in, device, hashing):
    settings.ADMIN_SIGN_IN_CONCURRENT = 2
    with staff_admin.password_checks.held(2) as first, staff_admin.password_checks.held(2) as second:
        assert first and second
        refused = sign_in(code=current_code(device), REMOTE_ADDR="203.0.113.78")
    assert refused.status_code == 429 and refused["Retry-After"] == "5"
    assert "try again in a few seconds" in refused.content.decode()
    assert hashing() == (0, 0)
    assert sign_in(code=current_code(device), REMOTE_ADDR="203.0.113.78").status_code == 302


def test_a_password_check_slot_is_freed_after_its_lease_if_never_given_back(settings):
    slots = ratelimit.Slots(key_prefix="tests:slots", label="test slots", lease_seconds=1)
    with slots.held(1) as first:
        assert first
        with slots.held(1) as second:
            assert not second
    with slots.held(1) as again:
        assert again
    held = slots.held(1)
    assert held.__enter__()  # a worker that died holding it
    with slots.held(1) as meanwhile:
        assert not meanwhile
    time.sleep(1.5)
    with slots.held(1) as later:
        assert later
