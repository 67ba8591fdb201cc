from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hub.models import OrganisationKind, Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, add_totp, make_la, make_org, make_user
from training import services
from training.models import Attendance, Course

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_tutor_marks_a_register_of_20_on_a_phone_and_a_keyworker_sees_their_progress_move(
    phone, transactional_db
):
    today = timezone.localdate()
    la = make_la("Phoneham Council")
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT, "IFT"), email="tutor@example.org", mfa=False)
    secret = add_totp(tutor)
    people = [
        make_user(Role.KEYWORKER, la, email=f"kw{n}@example.org", name=f"Keyworker {n:02d}")
        for n in range(20)
    ]
    cohort = services.cohort_create(
        actor=tutor, course=Course.objects.get(code="cpd5"), name="Phoneham CPD", local_authorities=[la]
    )
    for n in range(5):
        services.day_schedule(
            actor=tutor, cohort=cohort, date=today - dt.timedelta(days=1) + dt.timedelta(weeks=n)
        )
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=la)
    day = cohort.days.get(number=1)

    keyworker = phone()
    sign_in(keyworker, "kw0@example.org", PASSWORD)
    bar = keyworker.locator("progress.course-progress")
    assert bar.get_attribute("value") == "0"
    assert "Next: day 2" in keyworker.locator("main").inner_text()

    tutor_page = phone()
    sign_in(tutor_page, "tutor@example.org", PASSWORD, totp_secret=secret)
    tutor_page.goto(f"/training/cohorts/{cohort.pk}/")
    tutor_page.get_by_role("link", name="Take the register").click()
    assert tutor_page.get_by_role("heading", level=1).inner_text() == "Register: day 1"
    rows = tutor_page.locator(".register-row")
    assert rows.count() == 20
    for n, person in enumerate(people):
        status = "Absent" if n == 19 else "Present"
        tutor_page.get_by_role("button", name=f"{status}: {person.full_name}", exact=True).click()
        row = tutor_page.locator(f'.register-row[data-person="{person.pk}"] .register-status')
        row.filter(has_text=status).wait_for()
    assert tutor_page.locator("#marked-count").inner_text() == "20"
    box = tutor_page.locator("#register").bounding_box()
    assert box["width"] <= PHONE["width"]
    button = tutor_page.get_by_role("button", name=f"Late: {people[1].full_name}", exact=True).bounding_box()
    assert button["height"] >= 44
    # A mark fixed later: one tap changes it, and the change is kept.
    tutor_page.get_by_role("button", name=f"Late: {people[3].full_name}", exact=True).click()
    tutor_page.locator(f'.register-row[data-person="{people[3].pk}"] .register-status').filter(
        has_text="Late"
    ).wait_for()

    assert Attendance.objects.filter(day=day).count() == 20
    assert Attendance.objects.get(day=day, user=people[19]).status == "absent"
    assert Attendance.objects.get(day=day, user=people[3]).status == "late"

    keyworker.reload()
    assert keyworker.locator("progress.course-progress").get_attribute("value") == "1"
    assert "1 of 5 days attended" in keyworker.locator("main").inner_text()
