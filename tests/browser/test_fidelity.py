"""The delivery lead reads the fidelity dashboard in a real browser: picks another month
with the month form, sees that month's figures, and drills into a local authority."""

from __future__ import annotations

import datetime as dt

from hub.models import Arm, OrganisationKind, Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, add_totp, make_la, make_org, make_user
from tests.hub.fidelity.helpers import PILOT_START, active_on, joined, keyworkers, pilot


def test_the_delivery_lead_changes_the_month_and_drills_into_an_la(page, transactional_db):
    pilot()
    la = make_la("Brightwater Council", arm=Arm.TREATMENT)
    joined(make_user(Role.PRACTITIONER, la), PILOT_START)
    # Eight of ten keyworkers used the hub late in March and nobody since: engagement is
    # on track in March and off track in April.
    people = keyworkers(la, 10)
    for n, person in enumerate(people):
        active_on(person, dt.date(2025, 3, 28) if n < 8 else None)
    lead = make_user(
        Role.DELIVERY_LEAD,
        make_org(OrganisationKind.IFT, "IFT"),
        email="lead@example.org",
        name="Dana Delivery",
        mfa=False,
    )
    secret = add_totp(lead)

    sign_in(page, "lead@example.org", PASSWORD, totp_secret=secret)
    page.goto("/fidelity/?month=2025-03")
    assert page.get_by_role("heading", level=1).inner_text() == "Fidelity of delivery, March 2025"
    row = page.get_by_role("row", name="Brightwater Council")
    assert "80% (8 of 10)" in row.inner_text()
    assert "Nothing turned off track this month." in page.locator("main").inner_text()

    page.get_by_label("Month of the pilot").select_option(label="April 2025")
    page.get_by_role("button", name="Show this month").click()
    page.wait_for_url("**/fidelity/?month=2025-04")
    assert page.get_by_role("heading", level=1).inner_text() == "Fidelity of delivery, April 2025"
    row = page.get_by_role("row", name="Brightwater Council")
    assert "0% (0 of 10)" in row.inner_text()
    assert "80% (8 of 10)" not in row.inner_text()
    attention = page.locator("section", has=page.get_by_role("heading", name="Needs attention")).inner_text()
    assert "Brightwater Council: Hub engagement turned off track this month" in attention

    row.get_by_role("link", name="Brightwater Council").click()
    page.wait_for_url(f"**/fidelity/la/{la.pk}/?month=2025-04")
    assert page.get_by_role("heading", level=1).inner_text() == "Brightwater Council: fidelity, April 2025"
    indicators = page.get_by_role("table", name="Indicators for Brightwater Council, April 2025")
    assert "0% (0 of 10)" in indicators.get_by_role("row", name="Hub engagement").inner_text()
    keyworkers_table = page.locator(
        "table", has=page.locator("caption", has_text="Keyworkers of Brightwater")
    )
    assert keyworkers_table.locator("tbody tr").count() == 10
