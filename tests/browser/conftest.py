"""Browser tests drive Debian's Chromium through Playwright (its own browser download can't work here).

Without Chromium they are skipped with a reason; with REQUIRE_BROWSER=1 (as in CI) they fail instead.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portland_site.roles import sync_roles
from tests.factories import STAFF_PASSWORD, staff_member
from tests.portland_site.conftest import current_code

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# Flags that keep Chromium from calling out to the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the live server's database work is elsewhere.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def save_screenshot(page, name: str) -> None:
    """A full-page screenshot to artifacts/ (ignored by git), for a person to look over."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def record_requests(page) -> list[str]:
    """The URL of every request the page makes from now on, appended as they happen."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("selector => document.activeElement?.matches(selector) ?? false", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {selector}")


SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def admin_screenshots(page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        save_screenshot(page, f"{size}-{name}")
    page.set_viewport_size(SIZES["desktop"])


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at each of the two sizes (phone first), named by the size; for tests that must pass on both."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=SIZES[request.param], is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


@pytest.fixture
def staff_roles(transactional_db):
    """The staff roles' groups, as every migrate leaves them (portland_site/roles.py)."""
    sync_roles()


def staff_with_authenticator(username: str, group: str):
    """A staff member in `group` with a confirmed authenticator app (TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff_member(username, group)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(page, base_url: str, user, device) -> None:
    """The real sign-in form: username, password and the code the authenticator app shows now."""
    page.goto(base_url + reverse("admin:index"))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert urlsplit(page.url).path == reverse("admin:index"), page.content()
