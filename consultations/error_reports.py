"""Django's errors to ADMINS through the staff-email outbox (a row first, then sent, retried like every staff
email), instead of Django's AdminEmailHandler, which would mail the request's body, cookies and query string."""

import logging

from django.db import DatabaseError

from portland_site.error_reports import report_text

logger = logging.getLogger(__name__)


class OutboxErrorHandler(logging.Handler):
    """For the `django.request` logger at ERROR: each failed page (a 500) becomes an error report in the outbox,
    when ADMINS has anyone in it."""

    def emit(self, record: logging.LogRecord) -> None:
        # A 500 only: a 503 is the database or Redis away, which their breakers log (and the outbox needs them).
        if getattr(record, "status_code", None) != 500:
            return
        request = getattr(record, "request", None)
        error, tb = (record.exc_info[1], record.exc_info[2]) if record.exc_info else (None, None)
        details = report_text(
            method=getattr(request, "method", "") or "",
            path=getattr(request, "path", "") or "",
            error=error,
            tb=tb,
        )
        # Logging is configured before the apps are loaded: the outbox (and its models) is imported when used.
        from consultations.outbox import record_error_report  # noqa: PLC0415

        try:
            record_error_report(details=details)
        except DatabaseError as failure:  # the database may be what failed: the server's log has the error
            logger.warning("Error report not recorded (%s)", type(failure).__name__)
