"""Template source rules that Django does not enforce itself."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_template_spreads_a_one_line_comment_over_several_lines():
    # Django ends {# … #} at the line's end: one left open prints its words on the page (staff saw it over the
    # queue's search box). Longer comments use {% comment %}.
    spread = [
        f"{template.relative_to(TEMPLATES)}:{number}"
        for template in sorted(TEMPLATES.rglob("*"))
        if template.suffix in (".html", ".txt", ".ics", ".xml")
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert spread == []
