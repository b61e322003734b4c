"""static/css/site.min.css is built by `make css` (Node.js) and committed; these tests need no Node.js."""

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from tests.consultations.conftest import FORM_URL
from tests.pages.conftest import EDITORIAL_PAGES

STATIC = Path(settings.BASE_DIR) / "static"
BUILT = STATIC / "css" / "site.min.css"
SOURCES = [STATIC / "vendor" / "bootstrap" / "bootstrap.min.css", STATIC / "css" / "site.css"]
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def classes_in(css: str) -> set[str]:
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))


def built_classes() -> set[str]:
    return classes_in(BUILT.read_text())


def template_classes() -> set[str]:
    """The class names written literally in class="..." attributes of the site's pages, template tags left out.

    Admin templates are styled by the admin's own stylesheets (and consultations/admin/triage.css), not this one.
    """
    names = set()
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] == "admin":
            continue
        for value in re.findall(r'class="([^"]*)"', template.read_text()):
            names.update(re.sub(r"\{[{%].*?[}%]\}", " ", value).split())
    return names


def test_built_stylesheet_was_made_from_the_current_sources():
    digest = hashlib.sha256(b"".join(source.read_bytes() for source in SOURCES)).hexdigest()
    assert f"sha256 {digest}" in BUILT.read_text().splitlines()[0], "a source changed: run `make css`"


def test_built_stylesheet_keeps_bootstraps_license():
    head = BUILT.read_text()[:1000]
    assert "Bootstrap  v5.3.9" in head and "Licensed under MIT" in head


def test_every_class_the_templates_use_is_in_the_built_stylesheet():
    missing = template_classes() - built_classes()
    assert not missing, f"not in site.min.css (run `make css`): {sorted(missing)}"


@pytest.mark.django_db
def test_every_class_the_call_back_form_emits_is_in_the_built_stylesheet(client):
    """As first shown and sent empty (each field with its error): what `make css` renders for PurgeCSS."""
    used = set()
    for response in (client.get(FORM_URL), client.post(FORM_URL, {})):
        for element in BeautifulSoup(response.content, "html.parser").select("form [class]"):
            used.update(element["class"])
    assert {"form-control", "form-check-input", "form-label"} <= used
    styled = used & classes_in("".join(source.read_text() for source in SOURCES))  # not crispy's own markers
    missing = styled - built_classes()
    assert not missing, f"not in site.min.css (run `make css`): {sorted(missing)}"
    css = BUILT.read_text()
    # Selectors on the form's elements: <input type="...">, <textarea>.
    assert ".form-check-input[type=radio]" in css
    assert ".form-check-input:checked[type=checkbox]" in css
    assert "textarea.form-control" in css


def test_classes_no_page_emits_are_trimmed():
    """Crispy-forms could emit these, but the call-back form has no switch, floating label or tooltip."""
    assert not {"form-switch", "form-floating", "invalid-tooltip"} & built_classes()


def test_bootstrap_is_trimmed():
    assert BUILT.stat().st_size < SOURCES[0].stat().st_size / 4


@pytest.mark.parametrize("path", [EDITORIAL_PAGES[0].url, EDITORIAL_PAGES[-1].url, "/no-such-page/"])
def test_the_one_render_blocking_request_is_the_stylesheet(client, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    assert [link["href"] for link in soup.select("link[rel=stylesheet]")] == ["/static/css/site.min.css"]
    assert not soup.find("style")
    for script in soup.select("script[src]"):
        assert script.has_attr("defer") or script.has_attr("async") or script.get("type") == "module", script
