from __future__ import annotations

from hub.models import OrganisationKind, Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, add_totp, make_la, make_org, make_user


def test_a_lead_nominates_a_tutor_approves_and_the_badge_shows_in_the_directory(page, transactional_db):
    la = make_la("Badgeford Council")
    lead = make_user(Role.LA_LEAD, la, email="lead@example.org", name="Lena Lead", mfa=False)
    lead_secret = add_totp(lead)
    for n in range(10):
        make_user(Role.KEYWORKER, la, email=f"kw{n}@example.org", name=f"Keyworker {n}")
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT, "IFT"), email="tutor@example.org", mfa=False)
    tutor_secret = add_totp(tutor)

    sign_in(page, "lead@example.org", PASSWORD, totp_secret=lead_secret)
    page.goto("/champions/nominate/")
    assert "0 of 10 keyworkers (0%)" in page.locator("main").inner_text()
    page.get_by_label("Keyworker").select_option(label="Keyworker 3")
    page.get_by_label("Reason").fill("Runs the team's reflective huddles.")
    page.get_by_role("button", name="Nominate").click()
    assert "Keyworker 3 nominated" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in(page, "tutor@example.org", PASSWORD, totp_secret=tutor_secret)
    page.goto("/champions/")
    page.get_by_role("link", name="Approve or decline").click()
    page.get_by_role("button", name="Approve").click()
    assert "Keyworker 3 is now a systemic champion" in page.locator("main").inner_text()

    page.goto("/champions/directory/")
    item = page.locator("li", has_text="Keyworker 3")
    assert item.locator(".champion-badge").inner_text() == "Systemic champion"
    assert page.locator(".champion-badge").count() == 1
