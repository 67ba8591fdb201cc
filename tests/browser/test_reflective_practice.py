from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hub.models import Arm, Role
from reflective_practice import services
from reflective_practice.models import Booking
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_la, make_user, pilot_around_today


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_keyworker_books_a_slot_sees_it_and_a_second_keyworker_is_refused(
    page, second_page, transactional_db
):
    pilot_around_today()
    la = make_la("Bookham Council", Arm.TREATMENT)
    practitioner = make_user(Role.PRACTITIONER, la, name="Pat Practitioner")
    make_user(Role.KEYWORKER, la, email="kim@example.org", name="Kim Keyworker")
    make_user(Role.KEYWORKER, la, email="lee@example.org", name="Lee Keyworker")
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = services.slot_create(actor=practitioner, starts_at=start, ends_at=start + dt.timedelta(minutes=45))
    services.slot_create(
        actor=practitioner, starts_at=start + dt.timedelta(hours=2), ends_at=start + dt.timedelta(hours=3)
    )
    label = f"Book {timezone.localtime(start):%a %-d %b %Y, %H:%M}"

    # Lee opens the same time first, and is still reading when Kim books it.
    sign_in(second_page, "lee@example.org", PASSWORD)
    second_page.goto("/reflective/consultations/")
    second_page.get_by_role("link", name=label).click()
    second_page.get_by_label("What would you like to talk about?").fill("A family who keep cancelling")

    sign_in(page, "kim@example.org", PASSWORD)
    page.goto("/reflective/consultations/")
    page.get_by_role("link", name=label).click()
    page.get_by_label("What would you like to talk about?").fill("Thinking about endings")
    page.get_by_role("button", name="Book this time").click()
    assert "Booked:" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Consultations").first.click()
    bookings = page.get_by_role("table", name="Your consultations")
    assert "Pat Practitioner" in bookings.inner_text()
    assert "Booked" in bookings.inner_text()

    second_page.get_by_role("button", name="Book this time").click()
    assert "That time has just been taken." in second_page.get_by_role("alert").inner_text()
    # What Lee typed is kept, and the next free time is offered.
    assert (
        second_page.get_by_label("What would you like to talk about?").input_value()
        == "A family who keep cancelling"
    )
    assert second_page.get_by_role("heading", name="The next free times").is_visible()
    assert Booking.objects.filter(slot=slot).count() == 1
