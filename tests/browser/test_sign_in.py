from __future__ import annotations

import re

from django.urls import reverse

from hub.models import Role
from tests.browser.conftest import sign_in, totp_code
from tests.factories import PASSWORD, has_totp, make_la, make_org, make_user


def test_a_keyworker_signs_in_sees_their_home_page_and_signs_out(page, transactional_db):
    la = make_la("Browserby Council")
    make_user(Role.KEYWORKER, la, email="kw@example.org", name="Kim Keyworker")
    sign_in(page, "kw@example.org", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Kim"
    assert "Keyworker in Browserby Council" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    assert "/accounts/login/" in page.url


def test_a_wrong_password_is_refused_with_a_plain_message(page, transactional_db):
    make_user(Role.KEYWORKER, make_la(), email="kw2@example.org")
    sign_in(page, "kw2@example.org", "not-the-password")
    assert "not correct" in page.locator("main").inner_text()
    assert page.get_by_label("Email").input_value() == "kw2@example.org"


def test_a_tutor_must_set_up_two_factor_sign_in_before_anything_else(page, transactional_db):
    ift = make_org("ift", "IFT")
    tutor = make_user(Role.TUTOR, ift, email="tutor@example.org", name="Tina Tutor", mfa=False)
    sign_in(page, "tutor@example.org", PASSWORD)
    # Any page sends the tutor to set up an authenticator app first.
    page.goto("/")
    # allauth asks for the password once more before a security change.
    assert "/accounts/reauthenticate/" in page.url
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert reverse("mfa_activate_totp") in page.url
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    assert has_totp(tutor)
    # Recovery codes are offered, then the hub opens.
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Tina"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    # Signing in again now asks for the code.
    sign_in(page, "tutor@example.org", PASSWORD, totp_secret=secret)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Tina"
