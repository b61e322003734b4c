"""The patient's side, finished (issue 24), in a real browser: the edges and focus rings of the form's controls
measured against WCAG's 3:1, and the whole journey (the form, the thanks page, the private link) at 390 and
1280 px with JavaScript on and off, checked by axe and screenshotted."""

import re
import time
from urllib.parse import urlsplit

import pytest

from consultations.booking import open_call_times
from consultations.forms import MIN_FILL_TIME
from consultations.models import ConsultationRequest, NotificationKind, StaffNotification, Status
from tests.browser.axe import axe_violations
from tests.browser.conftest import SIZES, save_screenshot
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


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def check_and_keep(page, name: str, *, javascript: bool) -> None:
    """axe finds nothing (it runs as a script, so only with JavaScript on), nothing scrolls sideways, and a
    screenshot is kept for a person to look at."""
    if javascript:
        assert axe_violations(page) == ""
    assert no_sideways_scroll(page)
    save_screenshot(page, name)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_whole_journey_form_thanks_private_page_move_and_cancel(
    live_server, browser, call_windows, size, javascript
):
    phone = size == "phone"
    context = browser.new_context(
        viewport=SIZES[size], is_mobile=phone, has_touch=phone, java_script_enabled=javascript
    )
    page = context.new_page()
    name = f"patient-{size}-{'js' if javascript else 'no-js'}"
    page.goto(live_server.url + FORM_URL)
    opened_at = time.monotonic()
    assert "usually by" in page.locator("#id_when_0_helptext").inner_text()
    check_and_keep(page, f"{name}-1-form", javascript=javascript)
    if javascript:
        # Only the chosen answer's part shows; the time picked is repeated in full.
        assert page.locator("#id_call_at").is_hidden()
        page.locator("#id_when_1").check()
        assert page.locator("#id_call_times_0").is_hidden()
    page.locator("#id_call_at").select_option(call_windows.value)
    if javascript:
        assert page.locator("[data-call-choice-words]").inner_text() == f"You chose {call_windows.in_words}."
    page.locator("#id_email_me").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()
    # The one mistake (no email address for the email asked for) is said, everything else kept.
    assert page.title().startswith("Error: ")
    assert page.locator("#id_call_at").input_value() == call_windows.value
    assert call_windows.in_words in page.locator("[data-call-choice-words]").inner_text()
    check_and_keep(page, f"{name}-2-form-errors", javascript=javascript)
    page.locator("#id_name").fill("Zoë")
    page.locator("#id_phone").fill("(207) 555-0187")
    page.locator("#id_email").fill("zoe@example.org")
    page.locator("#id_voicemail_ok_1").check()
    page.locator("#id_request_for_0").check()
    time.sleep(max(0, MIN_FILL_TIME.total_seconds() + 0.2 - (time.monotonic() - opened_at)))
    with page.expect_navigation():
        page.get_by_role("button", name="Send my request").click()

    # The thanks page: the time, the link as a button, copy and share only where they work, no second request.
    assert page.locator(".lead").inner_text() == f"We will call you on {call_windows.in_words}."
    assert page.locator("header").get_by_role("link", name="Request a call-back").count() == 0
    assert page.locator("[data-keep-link-copy]").is_visible() == javascript
    outline = page.get_by_role("link", name="Move or cancel your call")
    colour = hex_of(outline.evaluate("element => getComputedStyle(element).color"))
    assert colour != BOOTSTRAP_BLUE and contrast_ratio(colour, WHITE) >= 4.5
    if not javascript:
        page.locator(".keep-link__address summary").click()
        assert "/your-call/" in page.locator("#private-link").input_value()
    check_and_keep(page, f"{name}-3-thanks", javascript=javascript)
    assert StaffNotification.objects.filter(kind=NotificationKind.CALL_BOOKED).count() == 1

    # The private page, at an address without the token.
    with page.expect_navigation():
        outline.click()
    assert urlsplit(page.url).path == "/request-a-call-back/your-call/"
    assert call_windows.in_words in page.locator(".lead").inner_text()
    check_and_keep(page, f"{name}-4-your-call", javascript=javascript)
    later = open_call_times()[2].slots[0]
    page.locator("#id_call_at").select_option(later.value)
    with page.expect_navigation():
        page.get_by_role("button", name="Move my call").click()
    assert "Done: your call is moved" in page.inner_text("main")
    assert page.get_by_role("link", name="Add to calendar").is_visible()
    check_and_keep(page, f"{name}-5-moved", javascript=javascript)
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel my call").click()
    check_and_keep(page, f"{name}-6-cancel", javascript=javascript)
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel my call").click()
    assert page.locator("h1").inner_text() == "Your call is cancelled"
    assert ConsultationRequest.objects.get().status == Status.CLOSED
    context.close()
