"""Staff sign-in: one answer for any failed factor, every failure counted, IPv6 counted per /64 (issue 13, item 6)."""

import pytest
from bs4 import BeautifulSoup

from tests.portland_site.conftest import current_code

pytestmark = pytest.mark.django_db


def error_text(response) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(note.get_text(" ", strip=True) for note in page.select(".errornote, .errorlist"))


def wrong_code(device) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def test_every_failed_factor_gets_the_same_answer(sign_in, device, django_user_model):
    django_user_model.objects.create_user("bob", password="bobs long password", is_staff=True)  # no authenticator
    answers = {
        "wrong password": sign_in(password="wrong", code=current_code(device), REMOTE_ADDR="192.0.2.1"),
        "wrong username": sign_in(username="nobody", code="123456", REMOTE_ADDR="192.0.2.2"),
        "right password, no code": sign_in(REMOTE_ADDR="192.0.2.3"),
        "right password, wrong code": sign_in(code=wrong_code(device), REMOTE_ADDR="192.0.2.4"),
        "right password, no authenticator": sign_in(
            username="bob", password="bobs long password", code="123456", REMOTE_ADDR="192.0.2.5"
        ),
    }
    texts = {what: error_text(response) for what, response in answers.items()}
    assert all(response.status_code == 200 for response in answers.values())
    assert len(set(texts.values())) == 1, texts
    assert "code" in texts["wrong password"] and "password" in texts["wrong password"]


def test_a_right_password_without_a_code_counts_towards_the_lockout(sign_in, device):
    assert [sign_in().status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert sign_in(code=current_code(device)).status_code == 429


def test_ipv6_addresses_of_one_48_network_share_one_count(sign_in, device):
    statuses = [sign_in(password="wrong", REMOTE_ADDR=f"2001:db8:1:{index + 1:x}::1").status_code for index in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(code=current_code(device), REMOTE_ADDR="2001:db8:1:ffff::9").status_code == 429
    # Another /48 is another client.
    assert sign_in(code=current_code(device), REMOTE_ADDR="2001:db8:2::1").status_code == 302


def test_a_username_longer_than_any_account_gets_the_form_again_not_a_500(sign_in):
    response = sign_in(username="é" * 300, password="guess", code="123456")
    assert response.status_code == 200
