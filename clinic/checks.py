"""`manage.py check --deploy` refuses to pass while a fact the site shows is a placeholder or missing.

An error stops the release (README, "Releasing"): a patient must never be given a fictional phone number, an
"Example" address, or a page with no clinician named. (The articles' reviews are checked in pages/checks.py.)
"""

import re

from django.core.checks import Error, register
from django.db import DatabaseError

from clinic.facts import build_facts
from clinic.models import TeamMember

# 555-0100 to 555-0199 are reserved for fiction in North America.
_FICTIONAL_PHONE = re.compile(r"555\D?01\d\d\b")
_PLACEHOLDER_WORDS = re.compile(r"\b(example|placeholder|lorem ipsum|demo)\b", re.IGNORECASE)
# A price of nothing written as a figure ($0, $000, $0.00) is a stand-in, not a price: free care says "Free".
_ZERO_PRICE = re.compile(r"\$\s?0+(?:[.,]0+)?(?![\d.,]*[1-9])")


def _texts(clinic):
    yield "phone", clinic.phone
    yield "address", clinic.address
    yield "directions", clinic.directions
    yield "telehealth", clinic.telehealth
    yield "how soon we can talk", clinic.first_talk
    yield "referral fax", clinic.referral.fax
    yield "referral email", clinic.referral.email
    for person in clinic.team:
        for field in ("name", "credentials", "role", "licence_type", "licence_number", "bio"):
            yield f"team member {person.name!r} {field}", getattr(person, field)
    for field in ("first_call", "assessment", "self_pay", "note"):
        yield f"costs {field}", getattr(clinic.costs, field)
    for plan in clinic.costs.insurance_plans:
        yield "insurance plan", plan
    for closure in clinic.closures:
        yield "closure note", closure.note


@register("clinic_facts", deploy=True)
def check_clinic_facts(app_configs=None, **kwargs):
    try:
        facts = build_facts()
    except DatabaseError as error:
        return [
            Error(f"The clinic's facts could not be read ({error}).", hint="Run manage.py migrate.", id="clinic.E001")
        ]
    clinic = facts.clinic
    where = 'Enter it in the admin, under "The clinic\'s facts".'
    problems = []
    if not clinic.phone:
        problems.append(Error("The clinic has no phone number.", hint=where, id="clinic.E002"))
    elif _FICTIONAL_PHONE.search(clinic.phone):
        problems.append(
            Error(f"The clinic's phone {clinic.phone} is a fictional 555-01xx number.", hint=where, id="clinic.E003")
        )
    if not clinic.address:
        problems.append(Error("The clinic has no address.", hint=where, id="clinic.E004"))
    for name, text in _texts(clinic):
        if _PLACEHOLDER_WORDS.search(text) or _ZERO_PRICE.search(text):
            problems.append(Error(f"The {name} looks like a placeholder: {text!r}.", hint=where, id="clinic.E005"))
    if TeamMember.objects.filter(demo=True).exists():
        problems.append(
            Error(
                "A team member made by the demo data is still kept (edited or not), with the reviews credited to it.",
                hint='Delete its article reviews, then the member under "Team members"; add the real person and '
                "record the reviews they make.",
                id="clinic.E008",
            )
        )
    if not facts.opening_days:
        problems.append(Error("No opening hours are recorded.", hint=where, id="clinic.E006"))
    if not any(person.credentials for person in clinic.team):
        problems.append(
            Error(
                "No clinician is published on the team (a team member with credentials).", hint=where, id="clinic.E007"
            )
        )
    return problems
