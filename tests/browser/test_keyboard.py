"""Keyboard-only journeys in Chromium: sign in, find and open a systemic tool, book a
consultation, mark a register and post a reply, using nothing but Tab, Shift+Tab,
Enter, Space and typing. Every stop on the way must show a visible focus indicator;
the skip link comes first; the error summary's links take focus to the field in error;
the forum's live messages arrive in an aria-live region."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hub.forum import services as forum_services
from hub.forum.models import Board, BoardKind, Post
from hub.models import Arm, OrganisationKind, Role
from reflective_practice import services as rp_services
from reflective_practice.models import Booking
from tests.browser.conftest import totp_code
from tests.browser.test_forum import asgi_server  # noqa: F401  (the forum's live pages need ASGI)
from tests.factories import PASSWORD, add_totp, make_la, make_org, make_user
from tests.resources import helpers as library
from training import services as training_services
from training.models import Attendance, Course

pytestmark = [pytest.mark.browser]

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return {tag: 'body', id: '', name: ''};
  const label = e.getAttribute('aria-label')
    || (e.labels && e.labels.length ? e.labels[0].innerText : '')
    || e.innerText || e.value || '';
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow !== 'none';
  return {tag: e.tagName.toLowerCase(), id: e.id, name: label.trim().replace(/\\s+/g, ' ').replace(/:$/, ''),
          visible: outline || shadow, outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, name: str, *, exact: bool = True, backwards: bool = False, limit: int = 150) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is called name. Every stop on
    the way must show a focus indicator."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if now["tag"] == "body":
            stops.append("(page)")
            continue
        stops.append(now["name"][:40])
        assert now["visible"], f"no visible focus on {now['tag']} {now['name']!r} at {page.url}: {now}"
        if now["name"] == name if exact else name in now["name"]:
            return now
    raise AssertionError(f"{name!r} was not reached with the keyboard on {page.url}; stops: {stops[:40]}")


def press_on(page, name: str, key: str = "Enter", **kw) -> None:
    tab_to(page, name, **kw)
    page.keyboard.press(key)


def follow(page, name: str, **kw) -> None:
    """Tab to a link or button that loads a new page, press Enter and wait for the page."""
    tab_to(page, name, **kw)
    enter(page)


def enter(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_sign_in(page, email: str, secret: str | None = None) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "Email")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    enter(page)
    if secret is not None:
        if focused(page)["name"] != "Code":
            tab_to(page, "Code")
        page.keyboard.type(totp_code(secret))
        enter(page)
    assert "/accounts/" not in page.url, page.url


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def cpd_course() -> Course:
    """The five-day CPD course (seeded by a migration, so emptied by earlier browser tests)."""
    seed = importlib.import_module("training.migrations.0002_seed_courses")
    spec = next(c for c in seed.COURSES if c["code"] == "cpd5")
    return Course.objects.get_or_create(code="cpd5", defaults={k: v for k, v in spec.items() if k != "code"})[
        0
    ]


def test_sign_in_skip_link_first_then_find_and_open_the_genogram_tool(page, transactional_db):
    index = library.library()
    library.tool(
        index,
        title="Genograms",
        summary="A family tree that shows relationships as well as names.",
        body="<p>A genogram is a drawing of a family over three generations.</p>",
    )
    library.tool(index, title="Ecomaps", summary="The family's world around them.")
    la = make_la("Keyham Council", Arm.TREATMENT)
    make_user(Role.KEYWORKER, la, email="kw@example.org", name="Kim Keyworker")

    keyboard_sign_in(page, "kw@example.org")
    assert h1(page) == "Welcome, Kim"

    # The skip link is the first stop, shows when focused, and moves focus to main.
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["name"] == "Skip to main content" and first["visible"], first
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    # Shift+Tab goes back out of main to the menu: no trap.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate("document.querySelector('main').contains(document.activeElement)")

    follow(page, "Resource library")
    assert h1(page) == "Resource library"
    tab_to(page, "Search the library")
    page.keyboard.type("genogram")
    enter(page)
    page.wait_for_url("**q=genogram**")
    results = page.get_by_role("region", name="Results for “genogram” (1)")
    expect(results).to_contain_text("Genograms")
    follow(page, "Genograms")
    assert h1(page) == "Genograms"


def test_book_a_consultation_following_the_error_summary_to_the_field(page, transactional_db):
    la = make_la("Bookham Council", Arm.TREATMENT)
    practitioner = make_user(Role.PRACTITIONER, la, name="Pat Practitioner")
    kim = make_user(Role.KEYWORKER, la, email="kim@example.org", name="Kim Keyworker")
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = rp_services.slot_create(
        actor=practitioner, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
    )
    label = f"Book {timezone.localtime(start):%a %-d %b %Y, %H:%M}"

    keyboard_sign_in(page, "kim@example.org")
    follow(page, "Reflective practice")
    follow(page, "One-to-one consultations")
    follow(page, label, exact=False)
    assert h1(page) == "Book a consultation"

    # Sent empty: the summary at the top links to the field in error.
    follow(page, "Book this time")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    problem = "Say briefly what you would like to talk about."
    assert summary.get_by_role("link", name=problem).get_attribute("href") == "#id_purpose"
    press_on(page, problem)
    assert focused(page)["id"] == "id_purpose", focused(page)

    page.keyboard.type("Thinking about endings")
    follow(page, "Book this time")
    expect(page.locator(".messages")).to_contain_text("Booked:")
    booking = Booking.objects.get(slot=slot)
    assert booking.keyworker == kim and booking.purpose == "Thinking about endings"


def test_a_tutor_marks_a_register_with_the_keyboard_and_keeps_their_place(page, transactional_db):
    today = timezone.localdate()
    la = make_la("Markham Council")
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT, "IFT"), email="tutor@example.org", mfa=False)
    secret = add_totp(tutor)
    people = [
        make_user(Role.KEYWORKER, la, email=f"kw{n}@example.org", name=f"Keyworker {n:02d}") for n in range(4)
    ]
    cohort = training_services.cohort_create(
        actor=tutor, course=cpd_course(), name="Markham CPD", local_authorities=[la]
    )
    for n in range(5):
        training_services.day_schedule(
            actor=tutor, cohort=cohort, date=today - dt.timedelta(days=1) + dt.timedelta(weeks=n)
        )
    training_services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=la)
    day = cohort.days.get(number=1)

    keyboard_sign_in(page, "tutor@example.org", secret)
    follow(page, "Training")
    follow(page, "Markham CPD")
    follow(page, "Take the register")
    assert h1(page) == "Register: day 1"

    marks = ["Present", "Present", "Late", "Absent"]
    for person, status in zip(people, marks, strict=True):
        name = f"{status}: {person.full_name}"
        # Enter and Space both press a button.
        press_on(page, name, key="Space" if status == "Late" else "Enter")
        row = page.locator(f'.register-row[data-person="{person.pk}"] .register-status')
        expect(row).to_have_text(status)
        assert row.get_attribute("aria-live") == "polite"
        # The mark is sent in the background; the keyboard stays where it was.
        expect(page.locator(":focus"), f"focus lost after marking {person.full_name}").to_have_attribute(
            "aria-label", name
        )
    expect(page.locator("#marked-count")).to_have_text("4")
    assert [Attendance.objects.get(day=day, user=p).status for p in people] == [
        "present",
        "present",
        "late",
        "absent",
    ]


def test_post_a_reply_with_the_keyboard_and_the_live_news_is_announced(
    asgi_server,  # noqa: F811
    browser,
    transactional_db,
):
    la = make_la("Forumby Council", Arm.TREATMENT)
    writer_person = make_user(Role.KEYWORKER, la, email="writer@example.org", name="Wendy Writer")
    reader_person = make_user(Role.KEYWORKER, la, email="reader@example.org", name="Rita Reader")
    forum_services.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.ALL_TREATMENT)
    thread = forum_services.thread_create(
        user=reader_person, board=board, title="Using genograms with teenagers", body="Any tips?"
    )
    pages = []
    for email in ("writer@example.org", "reader@example.org"):
        context = browser.new_context(base_url=asgi_server)
        p = context.new_page()
        p.set_default_timeout(10_000)
        keyboard_sign_in(p, email)
        pages.append(p)
    writer, reader = pages
    reader.goto(thread.get_absolute_url())
    reader.wait_for_selector('#forum-live[data-connected="1"]', state="attached")

    follow(writer, "Forum")
    follow(writer, "All treatment LAs")
    follow(writer, "Using genograms with teenagers")
    tab_to(writer, "Your reply")
    writer.keyboard.type("Draw it with them, not about them.")
    follow(writer, "Post reply")
    expect(writer.locator("article.forum-post", has_text="Draw it with them")).to_have_count(1)
    assert Post.objects.filter(thread=thread, author=writer_person).count() == 1

    # The other person's open page is told, in a polite live region.
    status = reader.locator("#forum-status")
    expect(status).to_have_text("New reply from Wendy Writer.")
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("role") == "status"
    expect(reader.locator("article.forum-post", has_text="Draw it with them")).to_have_count(1)
    for p in pages:
        p.context.close()
