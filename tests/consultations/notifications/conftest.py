"""A real SMTP server on loopback (aiosmtpd) whose answers each test chooses, and helpers to run the queue."""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.management.commands import db_worker


class SMTPServer:
    """Accepts mail, or refuses connections (`stop`), or answers 4xx / 5xx, or hangs on DATA, or answers each
    command `reply_delay` seconds late, or takes a message and then answers `reply_after_next_data`, on demand."""

    HANG_SECONDS = 60

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.reply_to_rcpt = "250 OK"
        self.reply_delay = 0.0
        self.reply_after_next_data = ""
        self.hang_next_data = False
        self.hanging = threading.Event()
        self.received: list[EmailMessage] = []
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

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
        if self.hang_next_data:
            # The client has sent its message and waits for our answer: a worker killed now was killed mid-send.
            self.hang_next_data = False
            self.hanging.set()
            await asyncio.sleep(self.HANG_SECONDS)
            return "451 4.3.0 Gave up waiting"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        if self.reply_after_next_data:
            # The whole message arrived, yet the client is told it did not: it will send it again.
            reply, self.reply_after_next_data = self.reply_after_next_data, ""
            return reply
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "portland_site.mail.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.stop()


def run_queued_tasks() -> None:
    """What a worker does, in this process: run every task that is ready, then return."""
    # The worker closes connections that are not in autocommit mode, as the test's transaction never is.
    with mock.patch.object(db_worker, "close_old_connections"):
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        ).run()


def everything_in(message: EmailMessage) -> str:
    """Every header and every decoded part of a message, as one string."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join([headers, *parts])
