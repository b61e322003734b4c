"""Writes the call-back form's markup, as crispy-forms renders it, for `make css`: PurgeCSS keeps the Bootstrap
rules that this markup uses, and no class crispy-forms could emit for a form we don't have.

    python build/form_markup.py DIRECTORY

The form is rendered twice: as first shown, and sent empty (every field with its error), in a throwaway
database holding the demo data (the form offers what the clinic's hours and call windows allow).
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portland_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
django.setup()

from crispy_forms.utils import render_crispy_form  # noqa: E402
from django.core.management import call_command  # noqa: E402

from consultations.booking import open_call_times  # noqa: E402
from consultations.forms import ConsultationRequestForm  # noqa: E402


def form_states() -> dict[str, ConsultationRequestForm]:
    call_days = open_call_times()  # the demo's call windows: the choice of a time is part of the markup
    sent_empty = ConsultationRequestForm(data={}, call_days=call_days)
    sent_empty.is_valid()
    return {"as-shown": ConsultationRequestForm(call_days=call_days), "sent-empty": sent_empty}


def main() -> None:
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    for name, form in form_states().items():
        (directory / f"{name}.html").write_text(render_crispy_form(form))


if __name__ == "__main__":
    main()
