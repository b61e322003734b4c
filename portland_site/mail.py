"""Django's SMTP backend with one deadline for the whole send, connecting to QUIT.

EMAIL_TIMEOUT bounds each reply only: a server that answers every step just inside it can stretch one send far
beyond it, past the lease a worker holds on a staff email, so that a second worker sends it again. Here every
socket operation of a connection gets what is left of EMAIL_SEND_TIMEOUT (or EMAIL_TIMEOUT, if that is shorter),
and once the deadline has passed the connection is given up as disconnected, a temporary failure.
"""

import smtplib
import socket
import time
from functools import partial

from django.conf import settings
from django.core.mail.backends import smtp


class _Deadline:
    def __init__(self, *args, deadline: float, **kwargs) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def _time_left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.close()
            raise smtplib.SMTPServerDisconnected(f"the send took longer than {settings.EMAIL_SEND_TIMEOUT:g} s")
        return left if self.timeout is socket._GLOBAL_DEFAULT_TIMEOUT else min(self.timeout, left)

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(host, port, self._time_left())

    def send(self, s):
        if self.sock:
            self.sock.settimeout(self._time_left())
        super().send(s)

    def getreply(self):
        if self.sock:
            self.sock.settimeout(self._time_left())
        return super().getreply()


class _SMTP(_Deadline, smtplib.SMTP):
    pass


class _SMTPSSL(_Deadline, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        # Called as the connection opens: the deadline counts from then.
        connection_class = _SMTPSSL if self.use_ssl else _SMTP
        return partial(connection_class, deadline=time.monotonic() + settings.EMAIL_SEND_TIMEOUT)
