from datetime import time

import pytest

from portland_site.clinic import ClinicHours


def test_hours_parse_and_read_in_words():
    hours = ClinicHours.parse("Mon-Thu 08:00-17:30; Fri 09:00-12:00")
    assert hours.days[0] == (time(8), time(17, 30))
    assert 5 not in hours.days
    assert hours.text == "Monday to Thursday, 8 am to 5:30 pm; Friday, 9 am to 12 pm"


def test_same_hours_on_separate_groups_join_up():
    assert ClinicHours.parse("Mon-Tue 08:00-17:00; Wed 08:00-17:00").text == "Monday to Wednesday, 8 am to 5 pm"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "weekdays",
        "Mon-Fri 8-5",
        "Fri-Mon 08:00-17:00",
        "Mon 17:00-08:00",
        "Mon 08:00-17:00; Mon 09:00-10:00",
        "Xyz 08:00-17:00",
        "Mon 25:00-26:00",
    ],
)
def test_bad_hours_are_refused(spec):
    with pytest.raises(ValueError):
        ClinicHours.parse(spec)
