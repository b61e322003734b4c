"""`manage.py enrol_totp_device <username>` gives a staff member an authenticator app for two-factor sign-in."""

import re
from base64 import b32decode
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import qrcode
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import staff_member


def enrol(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("enrol_totp_device", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_creates_a_confirmed_device_and_prints_the_link_and_secret(staff_user):
    out, err = enrol("alice")
    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed
    assert device.name == "Authenticator app"
    link = re.search(r"otpauth://\S+", out).group()
    assert link == device.config_url
    parts = urlsplit(link)
    assert parts.path == "/Portland%20Treatment%20Center%3Aalice"
    query = parse_qs(parts.query)
    assert query["issuer"] == ["Portland Treatment Center"]
    secret = re.search(r"Key: +([A-Z2-7 ]+?) \(time-based", out).group(1).replace(" ", "")
    assert secret == query["secret"][0]
    assert not err


def test_a_code_made_from_the_printed_secret_signs_in(client, sign_in, staff_user):
    out, _ = enrol("alice", "--name", "Alice's phone")
    secret = re.search(r"secret=([A-Z2-7]+)", out).group(1)
    code = f"{totp(b32decode(secret)):06d}"
    assert sign_in(code=code).status_code == 302
    assert TOTPDevice.objects.get(user=staff_user).name == "Alice's phone"


def test_replace_removes_a_lost_phone(staff_user, device):
    out, _ = enrol("alice", "--replace")
    assert "Removed 1 earlier authenticator app(s)." in out
    assert list(TOTPDevice.objects.filter(user=staff_user)) != [device]
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


def test_unknown_username(db):
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        enrol("nobody")


def test_warns_when_the_user_is_not_staff(db):
    staff_member("carol", is_staff=False)
    _, err = enrol("carol")
    assert "carol is not staff" in err


class Terminal(StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_it_also_draws_the_link_as_a_qr_code(staff_user):
    out = Terminal()
    call_command("enrol_totp_device", "alice", stdout=out)
    link = TOTPDevice.objects.get(user=staff_user).config_url
    # White blocks on a black background, set by colour codes: each character is two modules, the upper and
    # the lower one, and a module is dark where the block leaves the background showing.
    light = {"\u2588": (True, True), "\u2580": (True, False), "\u2584": (False, True), "\xa0": (False, False)}
    drawn = [re.sub(r"\x1b\[[\d;]*m", "", line) for line in out.getvalue().splitlines() if line.startswith("\x1b[")]
    modules = []
    for line in drawn:
        modules += [[not light[cell][0] for cell in line], [not light[cell][1] for cell in line]]
    code = qrcode.QRCode(border=4)
    code.add_data(link)
    expected = code.get_matrix()
    # QR codes have an odd number of rows: the last line's lower half is padding.
    assert modules[: len(expected)] == expected
    assert len(modules) == len(expected) + 1


def test_piped_output_has_no_qr_code(staff_user):
    out, _ = enrol("alice")
    assert "\x1b[" not in out
