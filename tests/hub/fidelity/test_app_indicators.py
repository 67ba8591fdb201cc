"""The indicators read from the training and reflective-practice apps, built with
their real services, at the edges of the default bands."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.fidelity import selectors
from hub.fidelity.models import Status
from hub.models import Arm, OrganisationKind, Role
from reflective_practice import services as reflective
from tests.factories import make_la, make_org, make_user
from tests.hub.fidelity.helpers import APRIL, MARCH, at, joined, monthly_series, pilot
from training import services as training
from training.models import Course
from training.models import Status as Mark

pytestmark = pytest.mark.django_db

FEB_MONDAY = dt.date(2025, 2, 3)


def _cell(la, key: str, month: dt.date):
    data = selectors.fidelity_dashboard(month=month, pilot=pilot(), las=[la])
    return next(c for c in data.rows[0].cells if c.indicator.key == key)


def _cpd(la, n: int, first: dt.date = FEB_MONDAY):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    people = [make_user(Role.KEYWORKER, la) for _ in range(n)]
    for person in people:
        joined(person, dt.date(2024, 12, 1))
    cohort = training.cohort_create(
        actor=tutor, course=Course.objects.get(code="cpd5"), name="CPD", local_authorities=[la]
    )
    days = [
        training.day_schedule(actor=tutor, cohort=cohort, date=first + dt.timedelta(weeks=w))
        for w in range(5)
    ]
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, la=la)
    return tutor, cohort, days, people


def _mark(tutor, day, person, status, **kw):
    training.attendance_mark(
        actor=tutor, day=day, user=person, status=status, today=dt.date(2025, 6, 1), **kw
    )


def test_cpd_completion_of_nine_in_ten_is_green_and_a_catch_up_counts():
    la = make_la(arm=Arm.TREATMENT)
    tutor, _, days, people = _cpd(la, 10)
    for person in people[:9]:
        for n, day in enumerate(days):
            _mark(tutor, day, person, Mark.CAUGHT_UP if n == 2 else Mark.PRESENT)
    cell = _cell(la, "cpd_completion", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator, cell.status) == (9, 10, Status.GREEN)
    detail = selectors.fidelity_for(la, MARCH, pilot())
    assert sorted(k.cpd_days for k in detail.keyworkers) == [0] + [5] * 9


def test_cpd_completion_below_ninety_percent_is_amber_and_an_absence_does_not_count():
    la = make_la(arm=Arm.TREATMENT)
    tutor, _, days, people = _cpd(la, 10)
    for person in people[:8]:
        for day in days:
            _mark(tutor, day, person, Mark.PRESENT)
    for n, day in enumerate(days):
        _mark(tutor, day, people[8], Mark.ABSENT if n == 4 else Mark.PRESENT)
    cell = _cell(la, "cpd_completion", MARCH)
    assert (cell.figure.numerator, cell.status) == (8, Status.AMBER)


def test_cpd_attendance_counts_days_held_so_far():
    la = make_la(arm=Arm.TREATMENT)
    tutor, _, days, people = _cpd(la, 4)
    # February holds days 1-4 (3, 10, 17, 24 Feb); day 5 is 3 March.
    for day in days[:4]:
        for person in people[:3]:
            _mark(tutor, day, person, Mark.PRESENT)
        _mark(tutor, day, people[3], Mark.ABSENT)
    feb = _cell(la, "cpd_attendance", dt.date(2025, 2, 1))
    assert (feb.figure.numerator, feb.figure.denominator, feb.status) == (12, 16, Status.AMBER)
    for person in people:
        _mark(tutor, days[4], person, Mark.PRESENT)
    march = _cell(la, "cpd_attendance", MARCH)
    assert (march.figure.numerator, march.figure.denominator, march.status) == (16, 20, Status.AMBER)


def test_leaders_day_is_green_with_one_senior_leader_and_red_with_none():
    la, other = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    leader = make_user(Role.SENIOR_LEADER, la)
    make_user(Role.SENIOR_LEADER, other)
    cohort = training.cohort_create(
        actor=tutor, course=Course.objects.get(code="leaders"), name="Leaders", local_authorities=[la, other]
    )
    day = training.day_schedule(actor=tutor, cohort=cohort, date=dt.date(2025, 3, 12))
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, users=[leader])
    _mark(tutor, day, leader, Mark.PRESENT)
    assert _cell(la, "leaders_day", MARCH).status == Status.GREEN
    assert _cell(la, "leaders_day", dt.date(2025, 2, 1)).status == Status.RED
    assert _cell(other, "leaders_day", MARCH).status == Status.RED


# --- reflective practice ---------------------------------------------------------------


def _series(la, teams, practitioner):
    return monthly_series(practitioner, teams, dt.date(2025, 1, 1), dt.date(2025, 4, 30))


def test_reflective_sessions_count_team_months_with_a_session_held():
    la = make_la(arm=Arm.TREATMENT, teams=2)
    practitioner = make_user(Role.PRACTITIONER, la)
    keyworker = make_user(Role.KEYWORKER, la, team=la.teams.order_by("name").first())
    north = la.teams.order_by("name").first()
    series = _series(la, [north], practitioner)
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 4  # January to April
    # Held in January, February and March; April's held but attendance not marked.
    for session in sessions[:3]:
        reflective.attendance_mark(
            actor=practitioner, session=session, attendees=[keyworker], now=at(dt.date(2025, 5, 1))
        )
    cell = _cell(la, "reflective_sessions", MARCH)
    # Two teams over three months: the first team held all three, the second none.
    assert (cell.figure.numerator, cell.figure.denominator, cell.status) == (3, 6, Status.RED)
    single = make_la(arm=Arm.TREATMENT, teams=1)
    p2 = make_user(Role.PRACTITIONER, single)
    k2 = make_user(Role.KEYWORKER, single)
    s2 = list(_series(single, list(single.teams.all()), p2).sessions.order_by("starts_at"))
    for session in s2[:3]:
        reflective.attendance_mark(actor=p2, session=session, attendees=[k2], now=at(dt.date(2025, 5, 1)))
    assert _cell(single, "reflective_sessions", MARCH).status == Status.GREEN
    # April had no session held: 3 of 4 months.
    april = _cell(single, "reflective_sessions", APRIL)
    assert (april.figure.numerator, april.figure.denominator, april.status) == (3, 4, Status.RED)


def test_reflective_attendance_is_attendances_over_keyworker_invitations():
    la = make_la(arm=Arm.TREATMENT, teams=1)
    practitioner = make_user(Role.PRACTITIONER, la)
    people = [make_user(Role.KEYWORKER, la) for _ in range(5)]
    sessions = list(_series(la, list(la.teams.all()), practitioner).sessions.order_by("starts_at"))
    march = next(s for s in sessions if s.starts_at.month == 3)
    reflective.attendance_mark(
        actor=practitioner, session=march, attendees=people[:3], now=at(dt.date(2025, 5, 1))
    )
    cell = _cell(la, "reflective_attendance", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator, cell.status) == (3, 5, Status.GREEN)
    reflective.attendance_mark(
        actor=practitioner, session=march, attendees=people[:2], now=at(dt.date(2025, 5, 1))
    )
    assert _cell(la, "reflective_attendance", MARCH).status == Status.RED
    assert _cell(la, "reflective_attendance", APRIL).figure.text == "No sessions held"


def test_consultations_count_keyworkers_with_one_held_in_the_last_quarter():
    la = make_la(arm=Arm.TREATMENT, teams=1)
    practitioner = make_user(Role.PRACTITIONER, la)
    people = [make_user(Role.KEYWORKER, la) for _ in range(4)]
    for person in people:
        joined(person, dt.date(2024, 12, 1))
    booked_at = at(dt.date(2025, 1, 2))
    for n, person in enumerate(people[:3]):
        start = at(dt.date(2025, 1, 20 + n), 10)
        slot = reflective.slot_create(
            actor=practitioner, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
        )
        booking = reflective.booking_create(actor=person, slot=slot, purpose="A family", now=booked_at)
        reflective.booking_mark(actor=practitioner, booking=booking, held=n < 2, now=at(dt.date(2025, 2, 1)))
    march = _cell(la, "consultations", MARCH)  # quarter January-March
    assert (march.figure.numerator, march.figure.denominator, march.status) == (2, 4, Status.GREEN)
    april = _cell(la, "consultations", APRIL)  # February-April: January's no longer count
    assert (april.figure.numerator, april.status) == (0, Status.RED)


# --- champions -------------------------------------------------------------------------


def _champions(la, n_keyworkers: int, n_champions: int, on: dt.date):
    from champions import services as champions

    lead = make_user(Role.LA_LEAD, la)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    people = [make_user(Role.KEYWORKER, la) for _ in range(n_keyworkers)]
    for person in people[:n_champions]:
        nomination = champions.nomination_create(
            actor=lead, la=la, user=person, reason="Leads reflective talk"
        )
        champions.nomination_approve(actor=tutor, nomination=nomination, on=on)


def test_the_champions_ratio_is_green_from_ten_to_twenty_percent():
    low, high, below = (make_la(arm=Arm.TREATMENT) for _ in range(3))
    _champions(low, 10, 1, dt.date(2025, 3, 10))
    _champions(high, 10, 2, dt.date(2025, 3, 10))
    _champions(below, 20, 1, dt.date(2025, 3, 10))
    assert _cell(low, "champions_ratio", MARCH).status == Status.GREEN
    assert _cell(high, "champions_ratio", MARCH).status == Status.GREEN
    assert _cell(below, "champions_ratio", MARCH).status == Status.AMBER  # 5%
    # Approved in March: none yet in February.
    feb = _cell(low, "champions_ratio", dt.date(2025, 2, 1))
    assert (feb.figure.numerator, feb.status) == (0, Status.RED)


def test_a_champion_who_has_left_the_la_counts_in_no_month_and_agrees_with_the_champions_app():
    from champions import selectors as champion_reads
    from champions import services as champions
    from hub import services as hub
    from hub.models import Membership

    la = make_la(arm=Arm.TREATMENT)
    lead = make_user(Role.LA_LEAD, la)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    people = [make_user(Role.KEYWORKER, la) for _ in range(10)]
    for person in people[:2]:
        nomination = champions.nomination_create(actor=lead, la=la, user=person, reason="Leads huddles")
        champions.nomination_approve(actor=tutor, nomination=nomination, on=dt.date(2025, 2, 10))
    hub.membership_end(actor=lead, membership=Membership.objects.get(user=people[0], organisation=la))
    for month in (dt.date(2025, 2, 1), MARCH):
        cell = _cell(la, "champions_ratio", month)
        assert (cell.figure.numerator, cell.figure.denominator) == (1, 9)
        ratio = champion_reads.ratio_for(la, selectors._last_day(month))
        assert (ratio.champions, ratio.keyworkers) == (1, 9)


def test_an_anonymised_champion_is_not_counted_in_the_champions_ratio():
    from champions import services as champions
    from hub import privacy

    la = make_la(arm=Arm.TREATMENT)
    lead = make_user(Role.LA_LEAD, la)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    people = [make_user(Role.KEYWORKER, la) for _ in range(10)]
    for person in people[:2]:
        nomination = champions.nomination_create(actor=lead, la=la, user=person, reason="Leads huddles")
        champions.nomination_approve(actor=tutor, nomination=nomination, on=dt.date(2025, 2, 10))
    privacy.person_anonymise(actor=None, person=people[0], reason="Erasure request")
    cell = _cell(la, "champions_ratio", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator) == (1, 9)


# --- forum posts count as engagement -----------------------------------------------------


def test_a_forum_post_in_the_window_counts_as_engagement():
    from hub.forum import services as forum
    from hub.forum.models import Board, Post

    la = make_la(arm=Arm.TREATMENT)
    poster, quiet = make_user(Role.KEYWORKER, la), make_user(Role.KEYWORKER, la)
    for person in (poster, quiet):
        joined(person, dt.date(2024, 12, 1))
        person.last_active_at = None
        person.save(update_fields=["last_active_at"])
    board = Board.objects.filter(kind="all").first() or Board.objects.create(name="All", kind="all")
    thread = forum.thread_create(user=poster, board=board, title="Genograms", body="Has anyone tried one?")
    Post.objects.filter(thread=thread).update(created_at=at(dt.date(2025, 3, 15)))  # as if posted then
    cell = _cell(la, "engagement", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator) == (1, 2)
    assert _cell(la, "engagement", dt.date(2025, 5, 1)).figure.numerator == 0


def test_a_resource_view_in_the_window_counts_as_engagement():
    from resources.models import ResourceView

    la = make_la(arm=Arm.TREATMENT)
    reader, quiet = make_user(Role.KEYWORKER, la), make_user(Role.KEYWORKER, la)
    for person in (reader, quiet):
        joined(person, dt.date(2024, 12, 1))
        person.last_active_at = None
        person.save(update_fields=["last_active_at"])
    ResourceView.objects.create(user=reader, at=at(dt.date(2025, 3, 20)))
    cell = _cell(la, "engagement", MARCH)
    assert (cell.figure.numerator, cell.figure.denominator) == (1, 2)


# --- the dashboard's figures follow the training and champions apps' own rules ----------


def test_training_and_champions_figures_match_the_apps_own_selectors_month_by_month():
    """A joint cohort of two LAs, a keyworker of one who leads in the other (their place
    counts for the lower-numbered LA), a catch-up, a day left early, an absence, a removed enrolment, an ended role,
    the leaders' day and a withdrawn champion: every month's figure is the one the
    training and champions apps compute for that month."""
    from champions import selectors as champion_reads
    from champions import services as champions
    from hub import services as hub
    from training import selectors as training_reads
    from training.models import Enrolment

    first, second = make_la(arm=Arm.TREATMENT), make_la(arm=Arm.TREATMENT)
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    ours = [make_user(Role.KEYWORKER, first) for _ in range(4)]
    theirs = [make_user(Role.KEYWORKER, second) for _ in range(2)]
    both = make_user(Role.KEYWORKER, second)
    hub.membership_create(actor=None, user=both, organisation=first, role=Role.SENIOR_LEADER)
    cohort = training.cohort_create(
        actor=tutor,
        course=Course.objects.get(code="cpd5"),
        name="Joint CPD",
        local_authorities=[first, second],
    )
    days = [
        training.day_schedule(actor=tutor, cohort=cohort, date=FEB_MONDAY + dt.timedelta(weeks=w))
        for w in range(5)
    ]
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, la=first)
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, la=second)
    marks = {0: Mark.PRESENT, 1: Mark.CAUGHT_UP, 2: Mark.LEFT_EARLY, 3: Mark.ABSENT}
    for n, person in enumerate([*ours, *theirs, both]):
        for d, day in enumerate(days):
            _mark(tutor, day, person, marks[(n + d) % 4] if n % 2 else Mark.PRESENT)
    training.enrolment_remove(
        actor=tutor, enrolment=Enrolment.objects.get(cohort=cohort, user=ours[1]), reason="Moved team"
    )
    hub.membership_end(actor=None, membership=theirs[1].memberships.get())

    leaders = training.cohort_create(
        actor=tutor,
        course=Course.objects.get(code="leaders"),
        name="Leaders",
        local_authorities=[first, second],
    )
    leader, absent = make_user(Role.SENIOR_LEADER, first), make_user(Role.LA_LEAD, second)
    leaders_day = training.day_schedule(actor=tutor, cohort=leaders, date=dt.date(2025, 3, 12))
    training.enrolment_add_bulk(actor=tutor, cohort=leaders, users=[leader, absent])
    _mark(tutor, leaders_day, leader, Mark.PRESENT)
    _mark(tutor, leaders_day, absent, Mark.ABSENT)

    lead = make_user(Role.LA_LEAD, first)
    nominations = [
        champions.nomination_create(actor=lead, la=first, user=person, reason="Leads huddles")
        for person in (ours[0], ours[2])
    ]
    champions.nomination_approve(actor=tutor, nomination=nominations[0], on=dt.date(2025, 2, 10))
    champions.champion_withdraw(actor=lead, nomination=nominations[0], on=dt.date(2025, 3, 20), reason="Left")
    champions.nomination_approve(actor=tutor, nomination=nominations[1], on=dt.date(2025, 3, 25))

    months = [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    detail = {
        la.pk: {t.indicator.key: dict(t.points) for t in selectors.fidelity_for(la, APRIL, pilot()).trends}
        for la in (first, second)
    }
    checked = 0
    for month in months:
        last = selectors._last_day(month)
        completion = training_reads.cpd_completion_by_la(last)
        attendance = training_reads.attendance_counts("cpd5", last, la_ids=[first.pk, second.pk])
        leaders_there = training_reads.leaders_day_attendance(last)
        ratios = champion_reads.ratios([first, second], on=last)
        for la in (first, second):
            cells = detail[la.pk]
            done = completion[la.pk]
            cell = cells["cpd_completion"][month]
            assert (cell.figure.numerator, cell.figure.denominator) == (done["completed"], done["people"])
            held = attendance.get(la.pk, {"attended": 0, "scheduled": 0})
            cell = cells["cpd_attendance"][month]
            assert (cell.figure.numerator, cell.figure.denominator) == (held["attended"], held["scheduled"])
            assert cells["leaders_day"][month].figure.value == leaders_there.get(la.pk, 0)
            ratio = ratios[la.pk]
            cell = cells["champions_ratio"][month]
            assert (cell.figure.numerator, cell.figure.denominator) == (ratio.champions, ratio.keyworkers)
            checked += 1
    assert checked == 8
    # The data reaches every rule: some but not all completed, days held in both LAs,
    # the leader counted from March, one champion in March after the withdrawal.
    march = {la.pk: detail[la.pk] for la in (first, second)}
    assert 0 < march[first.pk]["cpd_completion"][MARCH].figure.numerator < 4
    assert march[second.pk]["cpd_attendance"][MARCH].figure.denominator > 0
    assert [march[first.pk]["leaders_day"][m].figure.value for m in months] == [0, 0, 1, 1]
    assert [march[first.pk]["champions_ratio"][m].figure.numerator for m in months] == [0, 1, 1, 1]
