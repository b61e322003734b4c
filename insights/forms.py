from datetime import date, timedelta

from django import forms
from django.utils import timezone

from insights.figures import Period
from portland_site import typed_dates

LONGEST_PERIOD = timedelta(days=400)


def default_period(today: date | None = None) -> Period:
    """The last twelve weeks, this one included."""
    today = today or timezone.localdate()
    return Period(first_day=today - timedelta(days=today.weekday(), weeks=11), last_day=today)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), validators=[typed_dates.validate_in_range]
    )
    end = forms.DateField(
        label="To (included)",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[typed_dates.validate_in_range],
    )

    def __init__(self, data=None):
        shown = default_period()
        super().__init__(data, initial={"start": shown.first_day, "end": shown.last_day})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError("Choose a period of at most 400 days.")
        return data

    def period(self) -> Period:
        """The chosen period, or the default one when nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return Period(first_day=self.cleaned_data["start"], last_day=self.cleaned_data["end"])
        return default_period()
