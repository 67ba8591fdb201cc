from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hub.models import Arm, Role
from hub.notifications.models import Notification
from reflective_practice import selectors, services
from reflective_practice.models import Ordinal, SessionStatus, Weekday
from tests.factories import make_la, make_user, set_pilot

#: A moment before the 2025 pilot the helper sets, when its series are set up.
BEFORE_THE_PILOT = dt.datetime(2024, 12, 2, 9, 0, tzinfo=dt.UTC)


def _series(place, **kw):
    set_pilot(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    defaults = dict(
        now=BEFORE_THE_PILOT,
        actor=place.practitioner,
        teams=[place.kw1.memberships.get().team],
        ordinal=Ordinal.LAST,
        weekday=Weekday.THURSDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        venue="Civic Centre, room 2",
    )
    defaults.update(kw)
    return services.series_create(**defaults)


def test_a_series_has_one_session_a_month_for_the_pilot_at_local_time(place):
    series = _series(place, ordinal=Ordinal.SECOND, weekday=Weekday.TUESDAY)
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 12
    assert sessions[0].rule_date == dt.date(2025, 1, 14)
    assert sessions[0].starts_at == dt.datetime(2025, 1, 14, 10, 0, tzinfo=dt.UTC)
    # April is in BST: 10:00 local is 09:00 UTC.
    assert sessions[3].starts_at == dt.datetime(2025, 4, 8, 9, 0, tzinfo=dt.UTC)
    assert sessions[10].starts_at == dt.datetime(2025, 11, 11, 10, 0, tzinfo=dt.UTC)


def test_a_series_set_up_part_way_through_the_pilot_has_no_sessions_in_the_past(place):
    # Sunday 15 June 2025: June's second Tuesday (the 10th) has gone, so July's comes first.
    mid_june = dt.datetime(2025, 6, 15, 9, 0, tzinfo=dt.UTC)
    series = _series(place, ordinal=Ordinal.SECOND, weekday=Weekday.TUESDAY, now=mid_june)
    days = list(series.sessions.order_by("starts_at").values_list("rule_date", flat=True))
    assert days == [
        dt.date(2025, month, day) for month, day in [(7, 8), (8, 12), (9, 9), (10, 14), (11, 11), (12, 9)]
    ]
    assert not series.sessions.filter(starts_at__lt=mid_june).exists()
    # Nothing before the series existed can be marked as held for January.
    january = dt.date(2025, 1, 1)
    held = selectors.sessions_held_by_team_month(
        months=[january], organisation_ids=[place.la.pk], now=mid_june
    )
    assert held[place.kw1.memberships.get().team_id] == {january: False}


def test_a_series_set_up_after_the_pilots_last_session_date_is_refused_with_the_dates(place):
    after_december_session = dt.datetime(2025, 12, 20, 9, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as refused:
        _series(place, ordinal=Ordinal.SECOND, weekday=Weekday.TUESDAY, now=after_december_session)
    assert refused.value.messages == [
        "No session of this series falls between 20 December 2025 and 31 December 2025 (the pilot's end), "
        "so there is nothing to schedule."
    ]
    assert not place.la.session_series.exists()


def test_a_series_set_up_on_the_day_of_a_session_keeps_it_only_if_it_has_not_started(place):
    # 10 June 2025 is June's second Tuesday; 10:00 BST is 09:00 UTC.
    before = _series(
        place,
        ordinal=Ordinal.SECOND,
        weekday=Weekday.TUESDAY,
        now=dt.datetime(2025, 6, 10, 8, 0, tzinfo=dt.UTC),
    )
    after = _series(
        place,
        ordinal=Ordinal.SECOND,
        weekday=Weekday.TUESDAY,
        now=dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC),
    )
    assert before.sessions.order_by("starts_at").first().rule_date == dt.date(2025, 6, 10)
    assert after.sessions.order_by("starts_at").first().rule_date == dt.date(2025, 7, 8)


def test_a_practitioner_cannot_set_up_sessions_for_another_las_teams(place):
    other = make_la("Elsewhere Council", Arm.TREATMENT)
    with pytest.raises(ValidationError):
        _series(place, teams=[other.teams.first()])


def test_a_keyworker_cannot_set_up_sessions(place):
    with pytest.raises(ValidationError):
        _series(place, actor=place.kw1)


def test_invitees_are_the_keyworkers_of_the_invited_teams(place):
    session = _series(place).sessions.first()
    assert set(selectors.session_invitees(session)) == {place.kw1, place.kw2}


def test_moving_one_session_tells_the_invitees_why_and_leaves_the_rest(place):
    series = _series(place)
    march, april = list(series.sessions.order_by("starts_at"))[2:4]
    services.session_move(
        actor=place.practitioner,
        session=march,
        day=dt.date(2025, 3, 31),
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 30),
        reason="The room is needed for training",
        now=BEFORE_THE_PILOT,
    )
    march.refresh_from_db()
    april.refresh_from_db()
    # 31 March is after the clock change: 14:00 BST is 13:00 UTC.
    assert march.starts_at == dt.datetime(2025, 3, 31, 13, 0, tzinfo=dt.UTC)
    assert march.sequence == 1
    assert april.starts_at == dt.datetime(2025, 4, 24, 9, 0, tzinfo=dt.UTC)
    notes = Notification.objects.filter(user__in=[place.kw1, place.kw2])
    assert notes.count() == 2
    assert all("The room is needed for training" in n.body for n in notes)
    assert not Notification.objects.filter(user=place.kw_other_team).exists()


def test_a_move_or_cancel_needs_a_reason(place):
    session = _series(place).sessions.first()
    with pytest.raises(ValidationError) as exc:
        services.session_cancel(actor=place.practitioner, session=session, reason="  ")
    assert "reason" in exc.value.message_dict


def test_cancelling_one_session_notifies_the_invitees(place):
    session = _series(place).sessions.first()
    services.session_cancel(actor=place.practitioner, session=session, reason="Practitioner unwell")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert Notification.objects.filter(user=place.kw1, title__contains="cancelled").count() == 1


def test_cancelling_a_cancelled_session_is_refused_and_tells_no_one_again(place):
    session = _series(place).sessions.order_by("starts_at").last()
    services.session_cancel(actor=place.practitioner, session=session, reason="Ill")
    # A stale copy, as a second tab or a double-submitted form would hold.
    stale = selectors.session_detail(session.pk)
    stale.status = SessionStatus.SCHEDULED
    with pytest.raises(ValidationError, match="This session is already cancelled."):
        services.session_cancel(actor=place.practitioner, session=stale, reason="Ill")
    session.refresh_from_db()
    assert session.sequence == 1
    for person in (place.kw1, place.kw2):
        assert Notification.objects.filter(user=person, title__contains="is cancelled").count() == 1


def test_a_session_cannot_be_moved_to_a_time_that_has_passed(place):
    session = _series(place).sessions.order_by("starts_at").last()
    now = dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC)  # 13:00 in London
    move = dict(actor=place.practitioner, session=session, reason="Room", now=now)
    with pytest.raises(ValidationError) as exc:
        services.session_move(**move, day=dt.date(2025, 6, 9), start_time=dt.time(14), end_time=dt.time(15))
    assert exc.value.message_dict == {"day": ["9 June 2025 has passed. Choose a day still to come."]}
    with pytest.raises(ValidationError) as exc:
        services.session_move(
            **move, day=dt.date(2025, 6, 10), start_time=dt.time(12, 30), end_time=dt.time(15)
        )
    assert exc.value.message_dict == {
        "start_time": ["12:30 today has passed. Choose a later time, or another day."]
    }
    moved = services.session_move(
        **move, day=dt.date(2025, 6, 10), start_time=dt.time(13, 30), end_time=dt.time(15)
    )
    assert moved.starts_at == dt.datetime(2025, 6, 10, 12, 30, tzinfo=dt.UTC)
    assert moved.sequence == 1
    assert Notification.objects.filter(user=place.kw1, title__contains="has moved").count() == 1


def test_a_stale_copy_cannot_move_a_cancelled_session(place):
    session = _series(place).sessions.order_by("starts_at").last()
    stale = selectors.session_detail(session.pk)
    services.session_cancel(actor=place.practitioner, session=session, reason="Ill")
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.session_move(
            actor=place.practitioner,
            session=stale,
            day=stale.rule_date,
            start_time=dt.time(14, 0),
            end_time=dt.time(15, 0),
            reason="Room",
            now=BEFORE_THE_PILOT,
        )
    session.refresh_from_db()
    assert (session.status, session.sequence) == (SessionStatus.CANCELLED, 1)


def test_rsvp_going_and_not_going_and_refusals(place):
    series = _series(place, capacity=1)
    session = series.sessions.order_by("starts_at").last()
    before = session.starts_at - dt.timedelta(days=2)
    services.rsvp_set(user=place.kw1, session=session, going=True, now=before)
    with pytest.raises(ValidationError, match="full"):
        services.rsvp_set(user=place.kw2, session=session, going=True, now=before)
    services.rsvp_set(user=place.kw1, session=session, going=False, now=before)
    services.rsvp_set(user=place.kw2, session=session, going=True, now=before)
    assert session.rsvps.get(user=place.kw1).going is False
    with pytest.raises(ValidationError, match="invited teams"):
        services.rsvp_set(user=place.kw_other_team, session=session, going=True, now=before)
    with pytest.raises(ValidationError, match="already started"):
        services.rsvp_set(user=place.kw1, session=session, going=True, now=session.starts_at)


def test_marking_attendance_records_who_came_and_a_theme(place):
    session = _series(place).sessions.first()
    after = session.ends_at + dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="once the session has started"):
        services.attendance_mark(
            actor=place.practitioner,
            session=session,
            attendees=[place.kw1],
            now=session.starts_at - dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=place.practitioner, session=session, attendees=[place.kw_other_team], now=after
        )
    services.attendance_mark(
        actor=place.practitioner,
        session=session,
        attendees=[place.kw1, place.kw2],
        theme="Working with fathers",
        now=after,
    )
    services.attendance_mark(
        actor=place.practitioner,
        session=session,
        attendees=[place.kw1],
        theme="Working with fathers",
        now=after,
    )
    assert list(session.attendances.values_list("user", flat=True)) == [place.kw1.pk]
    session.refresh_from_db()
    assert session.theme == "Working with fathers"
    with pytest.raises(ValidationError):
        services.attendance_mark(actor=place.kw1, session=session, attendees=[place.kw1], now=after)


def test_sessions_held_by_team_and_month(place):
    team1 = place.kw1.memberships.get().team
    team2 = place.kw_other_team.memberships.get().team
    series = _series(place)
    jan, feb, mar = list(series.sessions.order_by("starts_at"))[:3]
    services.attendance_mark(actor=place.practitioner, session=jan, attendees=[place.kw1], now=jan.ends_at)
    services.session_cancel(actor=place.practitioner, session=feb, reason="Snow")
    # March happened but attendance was never marked: not held.
    months = [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    now = mar.ends_at + dt.timedelta(days=1)
    held = selectors.sessions_held_by_team_month(months=months, organisation_ids=[place.la.pk], now=now)
    assert held == {
        team1.pk: {months[0]: True, months[1]: False, months[2]: False},
        team2.pk: {months[0]: False, months[1]: False, months[2]: False},
    }


def test_the_held_selector_uses_the_local_month_of_a_late_evening_session(place):
    # 00:15 on 1 April BST is 23:15 UTC on 31 March: it counts for April.
    series = _series(
        place,
        ordinal=Ordinal.LAST,
        weekday=Weekday.MONDAY,
        start_time=dt.time(22, 30),
        end_time=dt.time(23, 30),
    )
    session = series.sessions.get(rule_date=dt.date(2025, 3, 31))
    services.session_move(
        actor=place.practitioner,
        session=session,
        day=dt.date(2025, 4, 1),
        start_time=dt.time(0, 15),
        end_time=dt.time(0, 45),
        reason="Later",
        now=BEFORE_THE_PILOT,
    )
    services.attendance_mark(actor=place.practitioner, session=session, attendees=[], now=session.ends_at)
    team = place.kw1.memberships.get().team
    months = [dt.date(2025, 3, 1), dt.date(2025, 4, 1)]
    held = selectors.sessions_held_by_team_month(
        months=months, organisation_ids=[place.la.pk], now=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    )
    assert session.starts_at.date() == dt.date(2025, 3, 31)
    assert held[team.pk] == {months[0]: False, months[1]: True}


def test_a_control_la_practitioner_role_cannot_run_sessions(place):
    control = make_la("Controlby Council", Arm.CONTROL)
    lead = make_user(Role.LA_LEAD, control)
    with pytest.raises(ValidationError):
        _series(place, actor=lead, teams=[control.teams.first()])
