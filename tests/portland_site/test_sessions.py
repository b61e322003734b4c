"""Staff sessions end after 30 minutes without a staff page view, and when the browser closes."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.portland_site.conftest import current_code


def test_configuration():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_the_session_cookie_ends_with_the_browser(sign_in, device):
    response = sign_in(code=current_code(device))
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["secure"] and cookie["httponly"]


def test_thirty_minutes_idle_signs_staff_out_but_working_keeps_them_in(client, sign_in, device):
    index = reverse("admin:index")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert sign_in(code=current_code(device)).status_code == 302
        # Two hours of work with a page every 29 minutes: still signed in.
        for _ in range(4):
            traveller.shift(timedelta(minutes=29))
            assert client.get(index).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_public_pages_leave_a_staff_session_alone(admin_client, facts_cached, django_assert_num_queries):
    # Editorial pages may be cached by a CDN: they must never carry a staff member's session cookie.
    with django_assert_num_queries(0):
        response = admin_client.get(reverse("pages:home"))
    assert response.status_code == 200
    assert not response.cookies
