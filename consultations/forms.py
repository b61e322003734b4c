"""The call-back request form: the person's answers, validated against an allow-list, and the form's anti-abuse
token (a signed one-time token that also says when the form was opened)."""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cached_property

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.core import signing
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_variables

from clinic.capacity import CallDay, parse_slot_value
from clinic.clock import clinic_clock
from consultations.booking import call_time_of_day
from consultations.models import CallTime, RequestFor, SpamReason
from portland_site import phones

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
HONEYPOT_FIELD = "website"
# People need longer than this to fill in the form; scripts don't.
MIN_FILL_TIME = timedelta(seconds=3)
# A form left open longer than this is sent back to be checked again, with a fresh token.
FORM_TOKEN_MAX_AGE = timedelta(days=1)
_TOKEN_SALT = "consultations.form-token"  # noqa: S105 (a namespace, not a secret)

# The part of the day each call time means. The form offers a time only when the clinic is open for some of it
# on some day (its opening hours), so a clinic that closes at 5 pm offers no evenings; older requests keep theirs.
_CALL_TIME_SPANS = {
    CallTime.MORNINGS: (time(0), time(12)),
    CallTime.AFTERNOONS: (time(12), time(17)),
    CallTime.EVENINGS: (time(17), time.max),
}


def offered_call_times() -> list[tuple[str, str]]:
    open_hours = clinic_clock().days.values()
    return [
        (call_time.value, call_time.label)
        for call_time, (starts, ends) in _CALL_TIME_SPANS.items()
        if any(opens < ends and closes > starts for opens, closes in open_hours)
    ]


NAME_MAX_LENGTH = 60
MESSAGE_MAX_LENGTH = 500
# Unicode's default-ignorable code points (DerivedCoreProperties.txt): characters drawn as nothing, such as the
# Hangul fillers that make a name look blank, the soft hyphen, zero-width spaces and joiners, the word joiner, the
# bidirectional controls (which make text in the admin read differently from what is stored), the byte-order
# mark, variation selectors and tag characters. With the format characters (category Cf), all are refused...
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# ...except the joiners and variation selectors that real writing puts right after a visible character: Persian
# and Indic words, emoji sequences.
_JOINERS = frozenset("\u200c\u200d") | frozenset(map(chr, range(0xFE00, 0xFE10)))
# More combining marks in a row than any script stacks on one letter: "Zalgo" text that spills over other lines.
MAX_MARKS_IN_A_ROW = 4
_NAME_PUNCTUATION = frozenset(" -'\u2019.")
CONTROL_CHARACTERS_MESSAGE = "Please type this again: it has hidden characters in it that we can't accept."
STACKED_MARKS_MESSAGE = (
    f"Please type this again: it has more accents on one letter than we can accept (at most {MAX_MARKS_IN_A_ROW})."
)


@dataclass(frozen=True)
class FormToken:
    value: str
    issued_at: datetime


def issue_form_token(*, now: datetime | None = None) -> str:
    issued_at = now or timezone.now()
    payload = {"token": secrets.token_urlsafe(16), "issued_at": issued_at.timestamp()}
    return signing.Signer(salt=_TOKEN_SALT).sign_object(payload)


def read_form_token(signed: str) -> FormToken | None:
    """The token a page carried, or None when it is missing or was not made by us."""
    try:
        payload = signing.Signer(salt=_TOKEN_SALT).unsign_object(signed)
        return FormToken(value=payload["token"], issued_at=datetime.fromtimestamp(payload["issued_at"], tz=UTC))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


def _is_hidden(character: str) -> bool:
    code = ord(character)
    return unicodedata.category(character) in ("Cc", "Cf") or any(
        first <= code <= last for first, last in _DEFAULT_IGNORABLE
    )


def _hidden_characters(value: str, allowed: frozenset[str]) -> bool:
    """Whether `value` has a control, format or invisible character other than `allowed`; a joiner counts only
    where it stands right after a visible character."""
    after_visible = False
    for character in value:
        if character in allowed or not _is_hidden(character):
            after_visible = not character.isspace() and character not in allowed
        elif character in _JOINERS and after_visible:
            after_visible = False
        else:
            return True
    return False


def _marks_pile_up(value: str) -> bool:
    in_a_row = 0
    for character in value:
        in_a_row = in_a_row + 1 if unicodedata.category(character)[0] == "M" else 0
        if in_a_row > MAX_MARKS_IN_A_ROW:
            return True
    return False


class TextField(forms.CharField):
    """Text in NFC form, refusing control, format and invisible characters (null bytes included) and piles of
    combining marks, each with a message of its own."""

    allowed_controls = frozenset()

    def to_python(self, value):
        value = unicodedata.normalize("NFC", super().to_python(value))
        if _hidden_characters(value, self.allowed_controls):
            raise forms.ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
        if _marks_pile_up(value):
            raise forms.ValidationError(STACKED_MARKS_MESSAGE, code="stacked_marks")
        return value


class MessageField(TextField):
    allowed_controls = frozenset("\t\n\r")


class EmailField(TextField, forms.EmailField):
    pass


def _is_name_character(character: str) -> bool:
    # Joiners reach here only where TextField accepted them, inside a word.
    return unicodedata.category(character)[0] in "LM" or character in _NAME_PUNCTUATION | _JOINERS


ASAP, CHOSEN_TIME = "asap", "chosen"
CHOOSE_A_TIME_MESSAGE = 'Choose a time from the list, or choose "As soon as you can"'


class ConsultationRequestForm(forms.Form):
    """The call-back form. With `call_days` (booking.open_call_times) the person may choose when we call; the
    view renders that choice itself (consultations/call_choice.html), crispy renders the rest."""

    name = TextField(
        label="What should we call you?",
        help_text="Your first name, or the name you like to be called.",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter what we should call you",
            "max_length": f"What we should call you must be {NAME_MAX_LENGTH} characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autocapitalize": "words", "spellcheck": "false"}),
    )
    phone = TextField(
        label="Phone number",
        help_text="A US number, or a number from another country starting with + and the country code.",
        max_length=40,
        error_messages={"required": "Enter your phone number", "max_length": "Enter a phone number we can call"},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    when = forms.ChoiceField(
        label="When should we call you?",
        choices=[(ASAP, "As soon as you can"), (CHOSEN_TIME, "At a time I choose")],
        required=False,
        initial=ASAP,
        error_messages={"invalid_choice": "Choose one of the answers"},
        widget=forms.RadioSelect,
    )
    call_at = forms.CharField(label="Choose a time", required=False, max_length=20)
    call_times = forms.MultipleChoiceField(
        label="When is it best to call you?",
        help_text="Choose all the times that suit you.",
        choices=offered_call_times,
        error_messages={
            "required": "Choose at least one time when we may call you",
            "invalid_choice": "Choose times from the list",
            "invalid_list": "Choose times from the list",
        },
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    voicemail_ok = forms.TypedChoiceField(
        label="May we leave you a voicemail?",
        help_text="Some people share a phone. If you say no, we will not leave a message. We will try again later.",
        choices=[("yes", "Yes, you may leave a voicemail"), ("no", "No, please don't leave a voicemail")],
        coerce=lambda answer: answer == "yes",
        error_messages={
            "required": "Tell us if we may leave a voicemail",
            "invalid_choice": "Choose yes or no",
        },
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    email = EmailField(
        label="Email address (optional)",
        help_text="We will only use it if we can't reach you by phone.",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address like name@example.com, or leave this empty",
            "max_length": "Enter an email address of 254 characters or fewer, or leave this empty",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    request_for = forms.ChoiceField(
        label="Who is this request for?",
        choices=RequestFor.choices,
        error_messages={
            "required": "Tell us who this request is for",
            "invalid_choice": "Choose one of the answers",
        },
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    message = MessageField(
        label="Anything you would like us to know (optional)",
        help_text=(
            f"Up to {MESSAGE_MAX_LENGTH} characters. Please don't include medical details, such as medicines or "
            "doses. We will ask about those when we talk."
        ),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={
            "max_length": f"Your message must be {MESSAGE_MAX_LENGTH} characters or fewer (it has %(show_value)d)",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    agree_to_privacy_notice = forms.BooleanField(
        label="I have read the privacy notice and I agree to it",
        error_messages={"required": "Check the box to agree to the privacy notice"},
    )

    def __init__(self, *args, call_days: list[CallDay] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.call_days = call_days
        if not call_days and not (self.is_bound and self.data.get("call_at")):
            # No time the clinic can offer: the form asks only for the times of day, as before booking.
            del self.fields["when"], self.fields["call_at"]
        else:
            self.fields[
                "call_times"
            ].help_text = "Choose all the times that suit you. If you chose a time above, skip this."
        if "when" in self.fields and self.chooses_a_time:
            # The call's time decides the time of day: times of day ticked as well are not checked against the list.
            self.fields["call_times"].required = False
            offered = {value for value, _label in self.fields["call_times"].choices}
            data = QueryDict(mutable=True)
            data.update(self.data)
            data.setlist("call_times", [value for value in data.getlist("call_times") if value in offered])
            self.data = data
        self.fields["agree_to_privacy_notice"].help_text = format_html(
            'The <a href="{}" target="_blank" rel="noopener">privacy notice (opens in a new tab)</a> says what we '
            "keep, who can see it and for how long.",
            reverse("pages:privacy"),
        )
        self.token = read_form_token(self.data.get(FORM_TOKEN_FIELD, "")) if self.is_bound else None
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # Form-wide errors appear in the page's error summary; our field template shows each field's own.
        self.helper.form_show_errors = False
        self.helper.field_template = "consultations/crispy/field.html"
        fields = [name for name in self.fields if name not in ("when", "call_at")]
        choice = [HTML('{% include "consultations/call_choice.html" %}')] if "when" in self.fields else []
        self.helper.layout = Layout(*fields[:2], *choice, *fields[2:])

    @property
    def chooses_a_time(self) -> bool:
        """Whether the person asked for a time of their own. Picking one from the list counts as asking, even
        if "As soon as you can" is still selected (without JavaScript nothing selects it for them)."""
        return self.is_bound and (self.data.get("when") == CHOSEN_TIME or bool(self.data.get("call_at")))

    @property
    def when_value(self) -> str:
        return CHOSEN_TIME if self.chooses_a_time else ASAP

    @property
    def selected_call_at(self) -> str:
        return self.data.get("call_at", "") if self.is_bound else ""

    def _token_is_good(self) -> bool:
        return self.token is not None and timezone.now() - self.token.issued_at <= FORM_TOKEN_MAX_AGE

    @cached_property
    def page_token(self) -> str:
        """The token for the page to carry: the posted one while it is good, so that sending the form again after
        fixing a mistake is still the same one-time submission."""
        return self.data[FORM_TOKEN_FIELD] if self._token_is_good() else issue_form_token()

    @sensitive_variables()
    def clean_name(self) -> str:
        value = " ".join(self.cleaned_data["name"].split())
        if not all(_is_name_character(character) for character in value) or not any(c.isalpha() for c in value):
            raise forms.ValidationError(
                "What we should call you can only have letters, spaces, hyphens, apostrophes and periods",
                code="invalid_name",
            )
        return value

    @sensitive_variables()
    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        number = phones.valid_number(value)
        if number is None:
            raise forms.ValidationError(
                "Enter a phone number we can call, like (207) 555-0142. For a number outside the US, start with + "
                "and the country code",
                code="invalid_phone",
            )
        if number.extension:
            raise forms.ValidationError(
                "Enter a phone number we can call directly, without an extension", code="phone_extension"
            )
        return phones.in_e164(number)

    def clean(self):
        if self.token is None:
            raise forms.ValidationError(
                "Sorry, something went wrong with this form. Please check your answers and send it again.",
                code="bad_token",
            )
        if not self._token_is_good():
            raise forms.ValidationError(
                "This page was open for a long time, so we did not send your request. Please check your answers "
                "and send it again.",
                code="expired_token",
            )
        cleaned = super().clean()
        if "when" in self.fields and self.chooses_a_time:
            starts_at = parse_slot_value(cleaned.get("call_at", ""))
            if starts_at is None:
                self.add_error("call_at", forms.ValidationError(CHOOSE_A_TIME_MESSAGE, code="no_call_time"))
            else:
                cleaned["call_at"] = starts_at
                cleaned["call_times"] = [call_time_of_day(starts_at)]
        else:
            cleaned["call_at"] = None
        return cleaned

    @property
    def spam_reason(self) -> SpamReason | str:
        """Why this valid-looking submission is from a script, or "" when it looks like a person's."""
        if self.data.get(HONEYPOT_FIELD):
            return SpamReason.HONEYPOT
        if timezone.now() - self.token.issued_at < MIN_FILL_TIME:
            return SpamReason.TOO_FAST
        return ""
