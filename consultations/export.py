"""The staff queue as CSV, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable

from consultations.models import ConsultationRequest
from portland_site.clinic_time import in_clinic_time

# A spreadsheet reads a cell starting with one of these as a formula (CSV or formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "reference",
    "received",
    "status",
    "assigned to",
    "overdue",
    "call attempts",
    "first contacted",
    "closed",
    "name",
    "phone",
    "email",
    "best times to call",
    "voicemail OK",
    "request is for",
    "message",
)


def neutralise(value: object) -> str:
    """The cell as text, with a leading quote where a spreadsheet would otherwise run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _when(moment) -> str:
    return in_clinic_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def requests_as_csv(consultation_requests: Iterable[ConsultationRequest]) -> str:
    """Requests from `with_triage_figures()`, one row each."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in consultation_requests:
        writer.writerow(
            neutralise(value)
            for value in (
                row.reference_display,
                _when(row.created_at),
                row.get_status_display(),
                row.assigned_to.get_username() if row.assigned_to else "",
                "yes" if row.is_overdue else "no",
                row.call_attempt_count,
                _when(row.first_contacted_at),
                _when(row.closed_at),
                row.name,
                row.phone_display,
                row.email,
                ", ".join(time.label for time in row.call_times),
                "yes" if row.voicemail_ok else "no",
                row.get_request_for_display(),
                row.message,
            )
        )
    return out.getvalue()
