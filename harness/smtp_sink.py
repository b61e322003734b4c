"""A real SMTP server on loopback (aiosmtpd) that keeps every message and answers as its user sets it.

Used by bench/outages.py, bench/staff_notifications.py and the email tests
(tests/consultations/notifications/conftest.py builds on it).
"""

import asyncio
import email
import email.policy
import re
from email.message import EmailMessage

from aiosmtpd.controller import Controller

_REFERENCE = re.compile(r"New call-back request (\S+)")


def reference_in(message: EmailMessage) -> str:
    """The request reference in a staff notification's subject, or "" for any other message."""
    found = _REFERENCE.search(str(message["Subject"] or ""))
    return found.group(1) if found else ""


class SMTPSink:
    """Accepts every message, or answers each recipient with `reply_to_rcpt` (a 4xx or 5xx refuses it), or answers
    each command `reply_delay` seconds late, or refuses connections (`stop`), as its user sets it.

    Subclasses may override `keep` (what is done with each accepted message) or `handle_DATA`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reply_to_rcpt = "250 OK"
        self.reply_delay = 0.0
        self.received: list[EmailMessage] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def stopped(self) -> bool:
        return self._controller is None

    def keep(self, message: EmailMessage) -> None:
        self.received.append(message)

    @staticmethod
    def message_in(envelope) -> EmailMessage:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        return message

    async def _late(self) -> None:
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 (aiosmtpd's names)
        await self._late()
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        await self._late()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await self._late()
        if self.reply_to_rcpt.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.reply_to_rcpt

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await self._late()
        self.keep(self.message_in(envelope))
        return "250 Message accepted"
