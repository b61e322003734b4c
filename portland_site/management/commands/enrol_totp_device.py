"""Give a staff member an authenticator app (TOTP) for two-factor sign-in to the admin."""

from base64 import b32encode

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


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
            code = qrcode.QRCode(border=4)
            code.add_data(device.config_url)
            # tty: white and black set by colour codes, so phones can scan it whatever the terminal's theme.
            code.print_ascii(out=self.stdout._out, tty=True)
        self.stdout.write(
            f"  Link: {device.config_url}\n"
            f"  Key:  {' '.join(secret[i : i + 4] for i in range(0, len(secret), 4))}"
            " (time-based, 6 digits, every 30 seconds)\n"
            "Then sign in to the admin with the code the app shows."
        )
        if not user.is_staff:
            self.stderr.write(f"Note: {username} is not staff, so cannot use the admin until given staff status.")
