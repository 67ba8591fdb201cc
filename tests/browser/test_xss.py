"""A held-out list of script-injection attempts, put through the real services into
every field whose text other people see, then opened in Chromium with the hub's
Content-Security-Policy in force. Nothing may run: no dialog opens, the marker the
payloads would set stays undefined, no live handler or script element reaches the
page, and the typed text is shown as text."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from champions import services as champion_services
from champions.models import ActivityKind, Nomination
from hub.forum import services as forum_services
from hub.forum.models import Board, BoardKind
from hub.models import Role
from hub.recruitment import services as eoi_services
from hub.recruitment.models import CONTACTS, OPEN_ANSWERS
from reflective_practice import services as rp_services
from tests.browser.conftest import sign_in
from tests.browser.test_forum import asgi_server  # noqa: F401  (the forum's live pages need ASGI)
from tests.factories import PASSWORD, make_user
from tests.hub.recruitment.helpers import answers, cleaned, make_round, pdf
from training import services as training_services
from training.models import Course

pytestmark = [pytest.mark.browser]

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1">',
    '"><script>window.__xss=1</script>',
    "[click](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1">x</a>',
    '<iframe src="javascript:window.__xss=1">',
    '<details open ontoggle="window.__xss=1">',
    "'><body onload=window.__xss=1>",
    "</textarea><script>window.__xss=1</script>",
    "{{7*7}}<style>@import 'javascript:window.__xss=1'</style>",
]

#: Anything that would let the payloads act, on a hub page (which has no inline scripts).
ACTIVE_MARKUP = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('script:not([src]), iframe, object, embed, svg:not(.fidelity-chart)')) {
    bad.push(el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (['href', 'src', 'action', 'formaction'].includes(attr.name)
          && attr.value.trim().toLowerCase().startsWith('javascript:')) bad.push(el.tagName + ' ' + attr.name);
    }
  }
  return bad;
}"""


class Watch:
    """A signed-in page that records every dialog and every uncaught error."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self, path: str | None, shown: list[str], where: str = "main") -> str:
        """Open path (or stay), and assert nothing ran and every text in shown appears."""
        if path is not None:
            self.page.goto(path)
        self.page.wait_for_load_state("load")
        assert self.page.evaluate("typeof window.__xss") == "undefined", f"a payload ran on {self.page.url}"
        assert self.dialogs == [], f"a dialog opened on {self.page.url}: {self.dialogs}"
        assert self.page.evaluate(ACTIVE_MARKUP) == [], f"active markup on {self.page.url}"
        text = self.page.locator(where).inner_text()
        for item in shown:
            assert item in text, f"{item!r} is not shown as text on {self.page.url}"
        return text


def _secret(person) -> str | None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).first()
    return decrypt(totp.data["secret"]) if totp else None


def _open(browser, base_url: str, person) -> Watch:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = Watch(page)
    sign_in(page, person.email, PASSWORD, totp_secret=_secret(person))
    assert "/accounts/login/" not in page.url
    return watch


def cpd_course() -> Course:
    """The five-day CPD course (seeded by a migration, so emptied by earlier browser tests)."""
    seed = importlib.import_module("training.migrations.0002_seed_courses")
    spec = next(c for c in seed.COURSES if c["code"] == "cpd5")
    return Course.objects.get_or_create(code="cpd5", defaults={k: v for k, v in spec.items() if k != "code"})[
        0
    ]


def _hostile_people(org, role=Role.KEYWORKER) -> list:
    return [
        make_user(role, org, email=f"hostile{n}@example.org", name=payload)
        for n, payload in enumerate(PAYLOADS)
    ]


def test_forum_titles_posts_and_names_stay_inert_on_board_thread_search_and_live_pages(
    asgi_server,  # noqa: F811
    browser,
    world,
    settings,
):
    settings.FORUM_POSTS_PER_MINUTE = 1000
    forum_services.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.ALL_TREATMENT)
    authors = _hostile_people(world.treatment)
    reader = _open(browser, asgi_server, world["o_keyworker"])
    reader.page.goto(board.get_absolute_url())
    reader.page.wait_for_selector('#forum-live[data-connected="1"]', state="attached")

    threads = []
    for author, payload in zip(authors, PAYLOADS, strict=True):
        # A plain word in each body lets both search backends (PostgreSQL full text and
        # SQLite's substring match) find the threads.
        thread = forum_services.thread_create(
            user=author, board=board, title=payload, body="Safeguarding " + payload
        )
        forum_services.post_create(user=world["t_keyworker"], thread=thread, body="Reply: " + payload)
        threads.append(thread)
    # The open board page adds each new thread as it arrives, titles as text.
    live_list = reader.page.locator("#forum-threads")
    for payload in PAYLOADS:
        expect(live_list.get_by_role("link", name=payload, exact=True)).to_have_count(1)
    reader.check(None, PAYLOADS)

    # Reloaded: titles and the people who started them.
    board_text = reader.check(board.get_absolute_url(), PAYLOADS)
    for payload in PAYLOADS:
        assert f"Started by {payload}" in board_text

    for thread, payload in zip(threads, PAYLOADS, strict=True):
        text = reader.check(thread.get_absolute_url(), [payload])
        assert reader.page.get_by_role("heading", level=1).inner_text() == payload
        assert reader.page.locator(".post-author").first.inner_text() == payload
        if payload.startswith("[click]"):
            # Markdown makes a link of it, and the sanitiser drops the javascript: address.
            assert reader.page.locator(".post-body a", has_text="click").count() == 2
        else:
            assert text.count(payload) >= 3  # the title, the first post and the reply

    # A live reply on an open thread page: the post arrives through the page's script.
    thread = threads[0]
    reader.page.goto(thread.get_absolute_url())
    reader.page.wait_for_selector('#forum-live[data-connected="1"]', state="attached")
    for payload in PAYLOADS:
        forum_services.post_create(user=authors[1], thread=thread, body="Live " + payload)
    expect(reader.page.locator("article.forum-post")).to_have_count(2 + len(PAYLOADS))
    expect(reader.page.locator("#forum-status")).to_contain_text("New reply from")
    reader.check(None, [PAYLOADS[1]])

    # Search shows titles, names and post text; the query itself is echoed back too.
    reader.check("/forum/search/?q=safeguarding", [PAYLOADS[0]])
    for payload in PAYLOADS:
        reader.page.goto("/forum/search/")
        reader.page.get_by_label("Search").first.fill(payload)
        reader.page.get_by_role("button", name="Search").last.click()
        reader.check(None, [])
        assert reader.page.get_by_label("Search").first.input_value() == payload
    reader.page.context.close()


def test_reflective_session_themes_stay_inert_for_the_keyworkers_invited(page, live_server, world):
    la = world.treatment
    practitioner = world["t_practitioner"]
    team = world["t_keyworker"].memberships.first().team
    today = timezone.localdate()
    series = rp_services.series_create(
        actor=practitioner,
        teams=[team],
        ordinal=1,
        weekday=today.weekday(),
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        venue="Room 1",
        first_day=today - dt.timedelta(days=70),
        last_day=today - dt.timedelta(days=1),
    )
    session = series.sessions.order_by("starts_at").first()
    assert session is not None and session.series.organisation_id == la.pk
    watch = Watch(page)
    sign_in(page, world["t_keyworker"].email, PASSWORD)
    for payload in PAYLOADS:
        rp_services.attendance_mark(
            actor=practitioner, session=session, attendees=[world["t_keyworker"]], theme=payload
        )
        watch.check(f"/reflective/sessions/{session.pk}/", [payload])


def test_champion_activity_descriptions_and_champion_names_stay_inert_for_the_lead(
    browser, live_server, world
):
    lead, tutor = world["t_la_lead"], world["tutor"]
    # Twelve keyworkers allow two champions (at most 20%): one with a hostile name.
    champions = [_hostile_people(world.treatment)[2], world["t_keyworker"]]
    for person in champions:
        nomination = champion_services.nomination_create(
            actor=lead, la=world.treatment, user=person, reason="Leads the huddles."
        )
        champion_services.nomination_approve(actor=tutor, nomination=nomination)
    assert Nomination.objects.count() == len(champions)
    # The service refuses descriptions with an "@" (they may be an email address).
    described = [p for p in PAYLOADS if "@" not in p]
    for payload in described:
        champion_services.activity_log(
            actor=world["t_keyworker"],
            date=timezone.localdate(),
            kind=ActivityKind.HUDDLE,
            colleagues=3,
            description=payload,
        )
    watch = _open(browser, live_server.url, lead)
    watch.check("/champions/activities/", described)
    watch.check("/champions/directory/", [PAYLOADS[2]])
    watch.check("/champions/", [])
    watch.page.context.close()


def test_eoi_open_answers_and_contact_names_stay_inert_for_assessors(browser, live_server, world):
    rnd = make_round("Pilot recruitment 2024")
    data = answers("Kent", "lead@kent.example")
    for n, (f, _label, _limit) in enumerate(OPEN_ANSWERS):
        data[f] = PAYLOADS[n % len(PAYLOADS)]
    for n, (prefix, _title) in enumerate(CONTACTS):
        data[f"{prefix}_first_name"] = PAYLOADS[(n + 3) % len(PAYLOADS)]
        data[f"{prefix}_surname"] = PAYLOADS[(n + 5) % len(PAYLOADS)]
        data[f"{prefix}_job_title"] = PAYLOADS[(n + 7) % len(PAYLOADS)]
    data["systemic_practice_recently"] = "yes"
    data["systemic_practice_details"] = PAYLOADS[-1]
    eoi, _token = eoi_services.eoi_save(round=rnd, answers=cleaned(data), letter=pdf())
    eoi = eoi_services.eoi_submit(eoi=eoi)
    shown = sorted({data[f] for f, _l, _m in OPEN_ANSWERS})
    watch = _open(browser, live_server.url, world["hub_admin"])
    watch.check("/eoi/assess/", ["Kent"])
    watch.check(f"/eoi/assess/{eoi.pk}/", shown + [data["lead_job_title"], PAYLOADS[-1]])
    watch.page.context.close()


def test_peoples_names_stay_inert_in_the_people_list_and_the_training_register(browser, live_server, world):
    people = _hostile_people(world.treatment)
    admin = _open(browser, live_server.url, world["hub_admin"])
    admin.check(f"/manage/people/{world.treatment.pk}/", PAYLOADS)
    admin.page.context.close()

    tutor = world["tutor"]
    cohort = training_services.cohort_create(
        actor=tutor,
        course=cpd_course(),
        name="Treatville CPD",
        local_authorities=[world.treatment],
    )
    today = timezone.localdate()
    for n in range(5):
        training_services.day_schedule(
            actor=tutor, cohort=cohort, date=today - dt.timedelta(days=1) + dt.timedelta(weeks=n)
        )
    training_services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=world.treatment)
    day = cohort.days.get(number=1)
    watch = _open(browser, live_server.url, tutor)
    watch.check(f"/training/cohorts/{cohort.pk}/", [people[0].full_name])
    watch.check(f"/training/days/{day.pk}/register/", PAYLOADS)
    # A mark sent in the background redraws the row; the name stays text.
    watch.page.get_by_role("button", name=f"Present: {PAYLOADS[1]}", exact=True).click()
    expect(watch.page.locator(f'.register-row[data-person="{people[1].pk}"] .register-status')).to_have_text(
        "Present"
    )
    watch.check(None, PAYLOADS)
    watch.page.context.close()
