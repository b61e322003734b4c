"""A real SMTP server on loopback (aiosmtpd) whose answers each test chooses, and helpers to run the queue."""

import asyncio
import threading
from email.message import EmailMessage
from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker

from harness.loopback import free_port
from harness.smtp_sink import SMTPSink


class SMTPServer(SMTPSink):
    """The shared sink (accepts, refuses connections with `stop`, answers 4xx / 5xx or late), which can also hang
    on DATA, or take a message and then answer `reply_after_next_data`, on demand."""

    HANG_SECONDS = 60

    def __init__(self) -> None:
        super().__init__(free_port())
        self.reply_after_next_data = ""
        self.hang_next_data = False
        self.hanging = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        await self._late()
        if self.hang_next_data:
            # The client has sent its message and waits for our answer: a worker killed now was killed mid-send.
            self.hang_next_data = False
            self.hanging.set()
            await asyncio.sleep(self.HANG_SECONDS)
            return "451 4.3.0 Gave up waiting"
        self.keep(self.message_in(envelope))
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
