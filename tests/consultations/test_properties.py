"""Property-based checks: no input makes the form fail, and whatever is stored is shown escaped to staff."""

import pytest
from django.contrib.auth import get_user_model
from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from consultations.forms import FORM_TOKEN_FIELD, HONEYPOT_FIELD
from consultations.models import ConsultationRequest
from tests.conftest import sign_in_staff
from tests.consultations.conftest import FORM_URL, search_queue
from tests.factories import opened_form_token, valid_answers

pytestmark = pytest.mark.django_db

NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE consultations_consultationrequest; --",
        "' OR '1'='1",
        "Robert'); DELETE FROM auth_user WHERE ('1'='1",
        "{{ settings.SECRET_KEY }}",
        "{% debug %}",
        "%s%s%s%n",
        "\x00",
        "\x1b[2J",
        "\u202eevil",
        "\ufeff",
        "&amp;&lt;",
        "../../etc/passwd",
        "😀" * 20,
        "Zoë O'Brien-Nguyễn",
        "+1 (207) 555-0142",
        '"<script>"@example.com',
    ]
)
ANY_TEXT = st.one_of(
    st.text(max_size=100),
    NASTY,
    st.lists(st.one_of(NASTY, st.text(max_size=10)), max_size=5).map("".join),
    st.integers(min_value=500, max_value=20_000).map(lambda length: "é" * length),
)
FIELDS = ("name", "phone", "email", "message", "voicemail_ok", "request_for", HONEYPOT_FIELD)
SLOW = hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@SLOW
@given(
    answers=st.fixed_dictionaries({}, optional={field: ANY_TEXT for field in FIELDS}),
    call_times=st.lists(ANY_TEXT, max_size=4),
    token=st.one_of(st.none(), ANY_TEXT),
)
def test_no_input_causes_a_server_error(client, settings, answers, call_times, token):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 10**6
    data = {**answers, "call_times": call_times, FORM_TOKEN_FIELD: opened_form_token() if token is None else token}
    response = client.post(FORM_URL, data)
    assert response.status_code in (200, 303), response.status_code


@SLOW
@given(
    field=st.sampled_from(["name", "phone", "email", "message"]),
    value=ANY_TEXT,
)
def test_any_single_bad_value_is_refused_or_stored_never_a_server_error(client, settings, field, value):
    """Starting from a valid form, one field at a time, so that the storing path is reached often."""
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 10**6
    before = ConsultationRequest.objects.count()
    response = client.post(FORM_URL, valid_answers(**{field: value}))
    assert response.status_code in (200, 303)
    assert ConsultationRequest.objects.count() == before + (response.status_code == 303)


def test_a_huge_post_is_refused_without_a_server_error(client):
    response = client.post(FORM_URL, valid_answers(message="x" * 3_000_000))
    assert response.status_code == 400
    assert not ConsultationRequest.objects.exists()


MARKUP_TEXT = st.lists(
    st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30), st.just("\r\n")),
    min_size=1,
    max_size=8,
).map("".join)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    message=MARKUP_TEXT,
    email=st.sampled_from(["", '"<script>alert(1)</script>"@example.com', "a&b@example.com", "o'brien@example.org"]),
    name=st.sampled_from(["O'Brien", "Zoë", "Anne-Marie", "J. R."]),
)
def test_whatever_is_stored_is_shown_escaped_in_the_admin(settings, message, email, name):
    settings.CONSULTATION_RATE_LIMIT_PER_HOUR = 10**6
    response = Client().post(FORM_URL, valid_answers(message=message, email=email, name=name))
    assume(response.status_code == 303)  # refused by validation: nothing stored, nothing to show
    stored = ConsultationRequest.objects.latest("created_at")
    staff = sign_in_staff(
        Client(), get_user_model().objects.get_or_create(username="staff", is_staff=True, is_superuser=True)[0]
    )
    detail = staff.get(f"/admin/consultations/consultationrequest/{stored.pk}/change/").content.decode()
    # Searched for, because the queue's pages show the oldest first and examples pile up.
    listing = search_queue(staff, stored.reference).content.decode()
    for value in (stored.message, stored.email):
        assert linebreaksbr(value, autoescape=True) in detail
    # The queue lists references, not names (the triage admin's columns); the request page shows the name.
    assert stored.reference_display in listing and escape(stored.name) in detail
    for page in (detail, listing):
        assert "<script>alert(1)</script>" not in page
        assert "onerror=alert(1)>" not in page
