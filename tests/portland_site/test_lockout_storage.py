"""The lockout table cannot be grown from outside (issue 13, item 3)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.db.models.functions import Length
from django.utils import timezone

pytestmark = pytest.mark.django_db
JUNK = {f"field{index}": "x" * 200 for index in range(50)}


def stored_size() -> int:
    sizes = AccessAttempt.objects.annotate(get=Length("get_data"), post=Length("post_data")).values("get", "post")
    return sum(row["get"] + row["post"] for row in sizes)


def test_posts_during_a_lockout_store_nothing_and_do_not_renew_it(sign_in):
    for _ in range(5):
        sign_in(username="nobody-by-this-name", password="wrong", **JUNK)
    attempt = AccessAttempt.objects.get()
    size, locked_at = stored_size(), attempt.attempt_time
    for _ in range(20):
        assert sign_in(username="nobody-by-this-name", password="wrong", **JUNK).status_code == 429
    attempt.refresh_from_db()
    assert AccessAttempt.objects.count() == 1
    assert (stored_size(), attempt.attempt_time, attempt.failures_since_start) == (size, locked_at, 5)


def test_what_one_attempt_row_can_hold_is_bounded(sign_in):
    for _ in range(5):
        sign_in(username="nobody-by-this-name", password="wrong", **JUNK)
    # At most the five failures before the lockout, each cut to about a kilobyte of GET and of POST data.
    assert stored_size() <= 5 * 2 * 1024 + 100


def test_old_attempts_expire_even_when_no_one_tries_again(sign_in):
    from django.core.management import call_command

    sign_in(username="nobody-by-this-name", password="wrong")
    assert AccessAttempt.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        call_command("purge_requests")
    assert not AccessAttempt.objects.exists()


# Tables that would otherwise grow for ever (item 15)


def test_the_nightly_purge_removes_ended_sessions_and_old_sign_in_logs(settings):
    from axes.models import AccessLog
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    ended, current = SessionStore(), SessionStore()
    for session in (ended, current):
        session["x"] = 1
        session.create()
    Session.objects.filter(session_key=ended.session_key).update(expire_date=timezone.now() - timedelta(minutes=1))
    old, recent = (
        AccessLog.objects.create(username="alice", user_agent="b", http_accept="", path_info="/") for _ in "ab"
    )
    days = settings.STAFF_SIGN_IN_LOG_DAYS
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=days, minutes=1))
    AccessLog.objects.filter(pk=recent.pk).update(attempt_time=timezone.now() - timedelta(days=days - 1))
    call_command("purge_requests")
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
