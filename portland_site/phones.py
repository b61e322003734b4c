"""Phone numbers, one way: read as people type them (a US number may leave out +1), stored and linked in E.164,
shown in the national format for North American numbers and the international one for others."""

import phonenumbers

# Numbers typed without a country code are read as US numbers.
REGION = "US"


def parse(text: str) -> phonenumbers.PhoneNumber | None:
    """The number `text` spells, or None when it spells none."""
    try:
        return phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None


def valid_number(text: str) -> phonenumbers.PhoneNumber | None:
    """The number `text` spells when it is one a phone can dial (a real area code, the right digits), else None."""
    number = parse(text)
    return number if number is not None and phonenumbers.is_valid_number(number) else None


def in_e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def possible_e164(text: str) -> str | None:
    """`text` in E.164 (+12075550142) when it could be a phone number (the right length), else None."""
    number = parse(text)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return in_e164(number)


def for_display(e164: str) -> str:
    """A stored E.164 number as people read it: (207) 555-0142, or +44 20 7946 0958."""
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
