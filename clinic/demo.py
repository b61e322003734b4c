"""Demo facts for `make run` (through `manage.py load_demo_data`): every fact filled, each one obviously made up.

The phone is a 555-01xx number, the address and names say "Example", prices say "demo", and the photo is drawn
here. `manage.py check --deploy` refuses every one of them, so demo facts cannot reach a release unnoticed,
and pages say so in a banner while DJANGO_DEBUG is on.
"""

import io
from datetime import time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from clinic import models, services
from clinic.facts import facts_changed
from clinic.photos import process_upload


def demo_portrait() -> bytes:
    """A drawn stand-in for a portrait (head and shoulders on a plain background), as a JPEG."""
    image = Image.new("RGB", (800, 1000), "#d7e6ea")
    draw = ImageDraw.Draw(image)
    draw.ellipse((250, 170, 550, 500), fill="#1f4e5f")
    draw.rounded_rectangle((130, 560, 670, 1100), radius=220, fill="#1f4e5f")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@transaction.atomic
def load_demo_facts() -> bool:
    """Fill in every fact with demo values, unless the clinic's contact details are there already."""
    if models.ContactDetails.objects.exists():
        return False
    models.ContactDetails.objects.create(
        phone="(207) 555-0142",
        address="100 Example Street, Suite 200, Portland, ME 04101",
        directions="Demo text: free parking behind the building; the number 8 bus stops outside; step-free entrance.",
        telehealth="Demo text: people living in Maine",
    )
    for weekday in range(5):
        models.OpeningHours.objects.create(weekday=weekday, opens=time(8), closes=time(17))
    soon = timezone.localdate() + timedelta(days=10)
    models.Closure.objects.create(first_day=soon, last_day=soon + timedelta(days=1), note="Demo closure")
    doctor = models.TeamMember.objects.create(
        demo=True,
        name="Dr. Demo Example",
        credentials="MD (demo: not a real person)",
        role="Medical director (demo)",
        licence_type="Maine medical license (demo)",
        licence_number="DEMO-0000",
        bio="A made-up doctor who shows where a real clinician's short introduction will go.",
        photo_alt="Drawn outline of a person's head and shoulders (demo photo)",
        display_order=1,
        published=True,
    )
    services.save_team_member(
        member=doctor,
        new_photo=process_upload(SimpleUploadedFile("demo.jpg", demo_portrait(), "image/jpeg")),
        remove_photo=False,
    )
    models.TeamMember.objects.create(
        demo=True,
        name="Alex Example",
        credentials="LCSW (demo: not a real person)",
        role="Therapist (demo)",
        bio="A made-up therapist, shown without a photo.",
        display_order=2,
        published=True,
    )
    models.Costs.objects.create(
        first_call="Free (demo figure)",
        assessment="$000 (demo figure: not a real price)",
        self_pay="Demo text: self-pay prices go here.",
        insurance_plans="Example Health Plan A\nExample Health Plan B",
        note="Demo text: a note about costs goes here.",
    )
    facts_changed()
    return True
