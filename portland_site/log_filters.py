"""Logging filters. A person's private link to their booked call is a secret in a URL path: Django's request
logger writes the path of a refused or failed request ("Not Found: /request-a-call-back/your-call/…/")."""

import logging
import re

PRIVATE_LINK = re.compile(r"(/your-call/)[^/\s]+")


class HidePrivateLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(PRIVATE_LINK.sub(r"\1…", arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = PRIVATE_LINK.sub(r"\1…", record.msg)
        return True
