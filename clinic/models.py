"""The clinic's facts, kept by the Clinic manager in the admin: every page that states one reads it from here,
and the call capacity: when intake staff make booked calls.

Empty means "ask us": a page leaves the fact out or says to call, and never shows an invented value.
The pages read these through one cached snapshot (clinic/facts.py), never row by row.

The tables keep the names they had in the apps these models came from (`pages`, `consultations`).
"""

from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from portland_site import phones, typed_dates
from portland_site.clinic import DAY_NAMES, format_time

# Rows of which there is only ever one have this primary key.
SINGLETON_ID = 1


class Weekday(models.IntegerChoices):
    MONDAY = 0, DAY_NAMES[0]
    TUESDAY = 1, DAY_NAMES[1]
    WEDNESDAY = 2, DAY_NAMES[2]
    THURSDAY = 3, DAY_NAMES[3]
    FRIDAY = 4, DAY_NAMES[4]
    SATURDAY = 5, DAY_NAMES[5]
    SUNDAY = 6, DAY_NAMES[6]


def _validate_phone(value: str) -> None:
    if phones.valid_number(value) is None:
        raise ValidationError("Enter a phone number, for example (207) 555-0100.")


# Who an email about a booked call is from when the clinic has not chosen: it says nothing of what the clinic does.
DISCREET_SENDER_NAME = "Call booking"


class ContactDetails(models.Model):
    """How to reach the clinic and where it is. One row."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    phone = models.CharField(
        max_length=32, validators=[_validate_phone], help_text="As pages show it, e.g. (207) 555-0100."
    )
    address = models.CharField(max_length=200, help_text="One line, e.g. 100 Main Street, Suite 2, Portland, ME 04101.")
    directions = models.TextField(blank=True, help_text="Parking, buses, getting into the building.")
    telehealth = models.TextField(
        blank=True,
        help_text='Who can have video appointments, e.g. "people living in Maine". Empty: not offered.',
    )
    first_talk = models.CharField(
        "how soon we can talk",
        max_length=200,
        blank=True,
        help_text=(
            'Told to people whose prescriber wants them off quickly, and to referring clinicians, e.g. "Usually '
            'within one working day of your call." Empty: pages say "Call us to ask".'
        ),
    )
    referral_phone = models.CharField(
        "phone for referrals",
        max_length=32,
        blank=True,
        validators=[_validate_phone],
        help_text='For clinicians who refer a patient, if not the main phone. Empty: pages say "Call us to ask".',
    )
    referral_fax = models.CharField("secure fax for referrals", max_length=32, blank=True)
    referral_email = models.EmailField("secure email for referrals", blank=True)
    calls_come_from = models.CharField(
        "we call people from",
        max_length=32,
        blank=True,
        validators=[_validate_phone],
        help_text="The number people see when intake calls them. Empty: the site does not say.",
    )
    email_sender_name = models.CharField(
        "sender name of emails to patients",
        max_length=60,
        blank=True,
        help_text=f'Who emails about a booked call are from: keep it discreet. Empty: "{DISCREET_SENDER_NAME}".',
    )

    class Meta:
        db_table = "pages_contactdetails"
        verbose_name = verbose_name_plural = "contact and place"
        constraints = [models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="contact_details_single_row")]

    def __str__(self) -> str:
        return "Contact and place"


class OpeningHours(models.Model):
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, unique=True)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        db_table = "pages_openinghours"
        ordering = ["weekday"]
        verbose_name = verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__in=Weekday.values), name="opening_hours_weekday_valid"),
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_hours_open_before_close"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class Closure(models.Model):
    """Days the clinic is closed besides its weekly closed days: a public holiday, a training day, a week off."""

    first_day = models.DateField()
    last_day = models.DateField(blank=True, help_text="Leave empty for a single day.")
    note = models.CharField(max_length=200, blank=True, help_text='Shown on the site, e.g. "Thanksgiving".')
    closes_at = models.TimeField(
        null=True, blank=True, help_text="Closing early on the first day, e.g. 12:00. Leave empty to close all day."
    )
    reopens_at = models.TimeField(
        null=True, blank=True, help_text="Opening late on the last day, e.g. 13:00. Leave empty to stay closed all day."
    )
    yearly = models.BooleanField(default=False, help_text="Closed on the same dates every year from the first day on.")

    class Meta:
        db_table = "pages_closure"
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="closure_days_in_order"),
        ]

    def __str__(self) -> str:
        if self.last_day and self.last_day != self.first_day:
            return f"Closed {self.first_day} to {self.last_day}"
        return f"Closed {self.first_day}"

    def clean(self) -> None:
        out_of_range = {
            field: typed_dates.OUT_OF_RANGE_MESSAGE
            for field in ("first_day", "last_day")
            if getattr(self, field) and not typed_dates.is_in_range(getattr(self, field))
        }
        if out_of_range:
            raise ValidationError(out_of_range)
        if self.first_day and not self.last_day:
            self.last_day = self.first_day
        if self.first_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day cannot be before the first day."})
        if self.first_day == self.last_day and self.closes_at and self.reopens_at:
            raise ValidationError({"reopens_at": "A closure of one day either closes early or opens late, not both."})


class Photo(models.Model):
    """A portrait as the public gets it: only re-encoded variants without metadata are kept, never the upload.

    The variants live in the database so that every web host can serve them (hosts share no disk).
    """

    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the processed pixels.")
    width = models.PositiveIntegerField(help_text="Of the largest variant.")
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "pages_photo"

    def __str__(self) -> str:
        return f"Photo {self.digest[:12]} ({self.width}×{self.height})"


class PhotoFormat(models.TextChoices):
    AVIF = "image/avif", "AVIF"
    WEBP = "image/webp", "WebP"
    JPEG = "image/jpeg", "JPEG"


class PhotoVariant(models.Model):
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=100, unique=True, help_text="Hashed file name in its URL.")
    content_type = models.CharField(max_length=16, choices=PhotoFormat.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        db_table = "pages_photovariant"
        ordering = ["photo", "content_type", "width"]
        constraints = [
            models.CheckConstraint(condition=Q(content_type__in=PhotoFormat.values), name="photo_variant_format"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    name = models.CharField(max_length=100)
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text='e.g. "MD, board-certified in addiction medicine". Empty: not a clinician.',
    )
    role = models.CharField(max_length=100, help_text='e.g. "Medical director".')
    licence_type = models.CharField(
        "license type", max_length=100, blank=True, help_text='e.g. "Maine medical license (MD)".'
    )
    licence_number = models.CharField(
        "license number", max_length=40, blank=True, help_text="Maine license number, if any."
    )
    bio = models.TextField(blank=True, help_text="A few sentences in plain words.")
    photo = models.ForeignKey(Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    photo_alt = models.CharField(
        "photo description", max_length=200, blank=True, help_text="What the photo shows, for people who cannot see it."
    )
    display_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    published = models.BooleanField(default=False, help_text="Only published people appear on the site.")

    demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="Made by the demo data: check --deploy refuses a release while one is kept, even edited.",
    )

    class Meta:
        db_table = "pages_teammember"
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(photo=None) | ~Q(photo_alt=""), name="team_member_photo_has_alt"),
            models.CheckConstraint(
                condition=Q(licence_number="") | ~Q(licence_type=""), name="team_member_licence_has_type"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanAnswer(models.TextChoices):
    """The costs page's answer to "do you take this plan?"."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SAID = "", 'Not said: the page says "Ask us"'


class Costs(models.Model):
    """What care costs and how it can be paid. One row; an empty field means "call us to ask"."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    first_call = models.CharField(max_length=200, blank=True, help_text='e.g. "Free".')
    assessment = models.CharField(max_length=200, blank=True)
    self_pay = models.TextField("self-pay", blank=True)
    insurance_plans = models.TextField("insurance plans accepted", blank=True, help_text="One plan per line.")
    note = models.TextField(blank=True)
    mainecare = models.CharField(
        "do we take MaineCare?", max_length=3, choices=PlanAnswer.choices, blank=True, default=PlanAnswer.NOT_SAID
    )
    medicare = models.CharField(
        "do we take Medicare?", max_length=3, choices=PlanAnswer.choices, blank=True, default=PlanAnswer.NOT_SAID
    )

    class Meta:
        db_table = "pages_costs"
        verbose_name = verbose_name_plural = "costs and insurance"
        constraints = [
            models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="costs_single_row"),
            models.CheckConstraint(condition=Q(mainecare__in=PlanAnswer.values), name="costs_mainecare_answer"),
            models.CheckConstraint(condition=Q(medicare__in=PlanAnswer.values), name="costs_medicare_answer"),
        ]

    def __str__(self) -> str:
        return "Costs and insurance"


class BookingRules(models.Model):
    """The clinic's rules for booked call times (one row): how much notice intake needs. Its call windows hang off
    it, so that the Clinic manager edits the rules and the windows on one page."""

    notice_hours = models.PositiveSmallIntegerField(
        "notice needed (hours)",
        default=2,
        help_text="A time is offered only if it starts at least this many hours from now.",
    )

    class Meta:
        db_table = "consultations_bookingrules"
        verbose_name = verbose_name_plural = "call capacity"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="booking_rules_single_row"),
            models.CheckConstraint(condition=Q(notice_hours__lte=168), name="booking_rules_notice_at_most_a_week"),
        ]

    def __str__(self) -> str:
        return "Call capacity"


class CallWindow(models.Model):
    """A time on one weekday when intake staff make booked calls: calls of `call_minutes` each, `places` at once."""

    rules = models.ForeignKey(BookingRules, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField("from")
    ends = models.TimeField("until")
    call_minutes = models.PositiveSmallIntegerField("length of a call (minutes)", default=30)
    places = models.PositiveSmallIntegerField("calls at once", default=1, help_text="How many staff call at once.")

    class Meta:
        db_table = "consultations_callwindow"
        verbose_name = "call window"
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__in=Weekday.values), name="call_window_weekday_valid"),
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="call_window_ends_after_start"),
            models.CheckConstraint(
                condition=Q(call_minutes__gte=5, call_minutes__lte=240), name="call_window_call_length_valid"
            ),
            models.CheckConstraint(condition=Q(places__gte=1, places__lte=50), name="call_window_places_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {format_time(self.starts)}–{format_time(self.ends)}"


class FactChange(LogEntry):
    """Django's admin log of changes to the facts, shown to managers as the facts' audit trail."""

    class Meta:
        proxy = True
        verbose_name = "change to the clinic's facts"
        verbose_name_plural = "changes to the clinic's facts"


class LanguageNotice(models.Model):
    """One line on /language-help/ telling people, in their language, that an interpreter is free and how to ask.

    The clinic corrects the wording here (a qualified translator should check each line)."""

    language = models.CharField(max_length=60, help_text='Its name in English, e.g. "Spanish".')
    lang = models.CharField(
        "language code",
        max_length=20,
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Enter a code such as es, pt or zh-Hans.")],
        help_text="The BCP 47 code, so that browsers and screen readers read the line in its language.",
    )
    text = models.CharField(max_length=300, help_text="The notice, in that language.")
    right_to_left = models.BooleanField(default=False, help_text="For Arabic and other right-to-left scripts.")
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["display_order", "language"]
        verbose_name = "language help notice"
        constraints = [models.UniqueConstraint(fields=["lang"], name="language_notice_one_per_language")]

    def __str__(self) -> str:
        return self.language
