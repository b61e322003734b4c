import pytest

from portland_site import phones


@pytest.mark.parametrize("written", ["(207) 555-0142", "207-555-0142", "+1 207 555 0142"])
def test_the_clinic_phone_is_linked_in_e164_however_it_is_written(written):
    assert phones.possible_e164(written) == "+12075550142"


@pytest.mark.parametrize("written", ["call us", "12", ""])
def test_what_is_no_phone_number_has_no_e164_form(written):
    assert phones.possible_e164(written) is None


def test_a_valid_number_needs_a_real_area_code():
    assert phones.valid_number("(207) 555-0142") is not None
    assert phones.valid_number("(111) 555-0142") is None
