from datetime import UTC, datetime

from portland_site.clinic_time import in_clinic_time


def test_a_moment_is_read_on_the_clinics_clock(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    local = in_clinic_time(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert (local.hour, local.utcoffset().total_seconds()) == (9, -5 * 3600)
    settings.CLINIC_TIME_ZONE = "America/Los_Angeles"
    assert in_clinic_time(datetime(2026, 12, 1, 14, 0, tzinfo=UTC)).hour == 6


def test_without_a_moment_it_is_now(settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    before = datetime.now(UTC)
    now = in_clinic_time()
    assert before <= now <= datetime.now(UTC)
    assert str(now.tzinfo) == "America/New_York"
