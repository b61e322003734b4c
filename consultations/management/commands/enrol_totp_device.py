"""Give a staff member an authenticator app (TOTP) for two-factor sign-in to the admin."""

from base64 import b32encode

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


def terminal_qr_code(data: str) -> str:
    """A QR code drawn with ANSI colours: black on white whatever the terminal's theme, so phones can scan it."""
    code = qrcode.QRCode(border=4)
    code.add_data(data)
    rows = code.get_matrix()  # True: a dark module
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for upper, lower in zip(rows[::2], rows[1::2], strict=True):
        # Each "\u2580" (upper half block) shows two modules: the upper one in front, the lower one behind.
        cells = (
            f"\x1b[{30 if top else 97};{40 if bottom else 107}m\u2580" for top, bottom in zip(upper, lower, strict=True)
        )
        lines.append("".join(cells) + "\x1b[0m")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Create an authenticator-app device for a staff member and print the otpauth:// link and secret to add "
        "to their app. Run it with the staff member present: whoever sees the secret can make their codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator app", help="what to call the device in the admin")
        parser.add_argument(
            "--replace", action="store_true", help="remove the user's other authenticator apps (a lost phone)"
        )

    @transaction.atomic
    def handle(self, *args, username, name, replace, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"There is no user called {username!r}.") from error
        if replace:
            removed, _ = TOTPDevice.objects.filter(user=user).delete()
            self.stdout.write(f"Removed {removed} earlier authenticator app(s).")
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        secret = b32encode(device.bin_key).decode()
        on_terminal = self.stdout.isatty()
        self.stdout.write(
            f"Authenticator app {name!r} added for {username}. In the app, "
            f"{'scan this QR code, ' if on_terminal else ''}add the link or type in the key below."
        )
        if on_terminal:
            self.stdout.write(terminal_qr_code(device.config_url))
        self.stdout.write(
            f"  Link: {device.config_url}\n"
            f"  Key:  {' '.join(secret[i : i + 4] for i in range(0, len(secret), 4))}"
            " (time-based, 6 digits, every 30 seconds)\n"
            "Then sign in to the admin with the code the app shows."
        )
        if not user.is_staff:
            self.stderr.write(f"Note: {username} is not staff, so cannot use the admin until given staff status.")
