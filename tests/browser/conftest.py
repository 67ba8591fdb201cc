"""Browser tests drive Debian's Chromium through Playwright against a live server."""

from __future__ import annotations

import os
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's Chromium is missing: run `apt-get install -y chromium` (make test does it as root)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


_codes_used: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """A code the hub will accept when it arrives: the hub takes only the current
    30-second window and each code once, so a code is never taken from the last
    seconds of a window, nor twice from one window for the same secret."""
    while True:
        now = time.time()
        window = int(now) // 30
        if 30 - now % 30 >= 3 and _codes_used.get(secret) != window:
            _codes_used[secret] = window
            return format_hotp_value(hotp_value(secret, window))
        time.sleep(30 - now % 30 + 0.1)


def sign_in(page, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in through the real sign-in page (and the two-factor step when asked)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret is not None:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
