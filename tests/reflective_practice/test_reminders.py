from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hub import services as hub_services
from hub.models import AccessRefusal, Arm, Role
from hub.notifications.models import Notification
from reflective_practice import selectors, services
from reflective_practice.models import Ordinal, Reminder, Weekday
from reflective_practice.tasks import send_reminders
from tests.factories import make_la
from tests.reflective_practice.conftest import NOW, slot_at


def _session(place):
    """The March 2025 session of a monthly series (second Tuesday: 11 March, 10:00)."""
    series = services.series_create(
        actor=place.practitioner,
        teams=[place.kw1.memberships.get().team],
        ordinal=Ordinal.SECOND,
        weekday=Weekday.TUESDAY,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 30),
        venue="Town Hall",
        first_day=dt.date(2025, 3, 1),
        last_day=dt.date(2025, 3, 31),
    )
    return series.sessions.get()


def _reminded(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, title__startswith="Reminder:")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_people_going_get_one_reminder_a_day_before_a_session(place):
    session = _session(place)
    services.rsvp_set(user=place.kw1, session=session, going=True, now=NOW)
    services.rsvp_set(user=place.kw2, session=session, going=False, now=NOW)
    # Two days before: nothing is due yet.
    assert services.reminders_send(now=session.starts_at - dt.timedelta(hours=48)) == 0
    day_before = session.starts_at - dt.timedelta(hours=23, minutes=50)
    assert services.reminders_send(now=day_before) == 1
    assert _reminded(place.kw1) == ["Reminder: Group reflective practice on Tuesday 11 March 2025 at 10:00"]
    assert _reminded(place.kw2) == []
    # Running again, later, sends nothing new.
    assert services.reminders_send(now=day_before + dt.timedelta(hours=1)) == 0
    assert len(_reminded(place.kw1)) == 1


def test_a_moved_session_gets_a_fresh_reminder_and_a_cancelled_one_none(place):
    session = _session(place)
    services.rsvp_set(user=place.kw1, session=session, going=True, now=NOW)
    services.reminders_send(now=session.starts_at - dt.timedelta(hours=20))
    moved = services.session_move(
        actor=place.practitioner,
        session=session,
        day=dt.date(2025, 3, 12),
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 30),
        reason="Room double-booked",
        now=session.starts_at - dt.timedelta(hours=19),
    )
    assert services.reminders_send(now=moved.starts_at - dt.timedelta(hours=20)) == 1
    assert (
        _reminded(place.kw1)[-1] == "Reminder: Group reflective practice on Wednesday 12 March 2025 at 14:00"
    )
    assert list(
        Reminder.objects.filter(session=session).values_list("sequence", flat=True).order_by("sequence")
    ) == [
        0,
        1,
    ]
    services.session_cancel(actor=place.practitioner, session=moved, reason="Illness")
    session.refresh_from_db()
    assert services.reminders_send(now=session.starts_at - dt.timedelta(hours=2)) == 0


def _move_to_a_control_la(person) -> None:
    hub_services.membership_end(actor=None, membership=person.memberships.get(ended_at__isnull=True))
    control = make_la("Control Borough", Arm.CONTROL)
    hub_services.membership_create(
        actor=None, user=person, organisation=control, role=Role.KEYWORKER, team=control.teams.first()
    )


def test_no_session_reminder_for_someone_who_has_moved_to_a_control_la(place):
    session = _session(place)
    services.rsvp_set(user=place.kw1, session=session, going=True, now=NOW)
    services.rsvp_set(user=place.kw2, session=session, going=True, now=NOW)
    _move_to_a_control_la(place.kw1)
    assert place.kw1 not in selectors.session_invitees(session)
    assert services.reminders_send(now=session.starts_at - dt.timedelta(hours=20)) == 1
    assert _reminded(place.kw1) == []
    assert len(_reminded(place.kw2)) == 1
    # Leaving someone out is not them asking to see a treatment surface.
    assert not AccessRefusal.objects.filter(user=place.kw1).exists()


def test_no_session_reminder_once_the_team_is_no_longer_invited(place):
    session = _session(place)
    services.rsvp_set(user=place.kw1, session=session, going=True, now=NOW)
    session.series.teams.set([place.kw_other_team.memberships.get().team])
    assert services.reminders_send(now=session.starts_at - dt.timedelta(hours=20)) == 0
    assert _reminded(place.kw1) == []


def test_no_consultation_reminder_for_a_keyworker_who_has_moved_to_a_control_la(place):
    slot = slot_at(place.practitioner, NOW + dt.timedelta(days=3))
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    _move_to_a_control_la(place.kw1)
    assert services.reminders_send(now=slot.starts_at - dt.timedelta(hours=12)) == 1
    assert _reminded(place.kw1) == []
    assert _reminded(place.practitioner) == [
        "Reminder: consultation with Kay One on Thursday 6 March 2025 at 09:00"
    ]
    assert not AccessRefusal.objects.filter(user=place.kw1).exists()


def test_no_consultation_reminder_for_a_practitioner_who_has_left_the_la(place):
    slot = slot_at(place.practitioner, NOW + dt.timedelta(days=3))
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    hub_services.membership_end(actor=None, membership=place.practitioner.memberships.get())
    assert services.reminders_send(now=slot.starts_at - dt.timedelta(hours=12)) == 1
    assert _reminded(place.practitioner) == []
    assert len(_reminded(place.kw1)) == 1


def test_both_people_get_one_reminder_for_a_booked_consultation(place):
    slot = slot_at(place.practitioner, NOW + dt.timedelta(days=3))
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    before = slot.starts_at - dt.timedelta(hours=12)
    assert services.reminders_send(now=before) == 2
    assert services.reminders_send(now=before + dt.timedelta(hours=1)) == 0
    assert _reminded(place.kw1) == [
        "Reminder: consultation with Pat Practitioner on Thursday 6 March 2025 at 09:00"
    ]
    assert _reminded(place.practitioner) == [
        "Reminder: consultation with Kay One on Thursday 6 March 2025 at 09:00"
    ]
    assert set(Reminder.objects.filter(booking=booking).values_list("user_id", flat=True)) == {
        place.kw1.pk,
        place.practitioner.pk,
    }


def test_a_moved_booking_is_reminded_afresh_and_a_cancelled_one_not_at_all(place):
    first = slot_at(place.practitioner, NOW + dt.timedelta(days=3))
    second = slot_at(place.practitioner, NOW + dt.timedelta(days=3, hours=2))
    booking = services.booking_create(actor=place.kw1, slot=first, purpose="Help", now=NOW)
    moved = services.booking_move(actor=place.kw1, booking=booking, slot=second, reason="Clash", now=NOW)
    assert services.reminders_send(now=second.starts_at - dt.timedelta(hours=23)) == 2
    assert set(Reminder.objects.values_list("booking_id", flat=True)) == {moved.pk}
    services.booking_cancel(actor=place.practitioner, booking=moved, reason="Ill", now=NOW)
    third = slot_at(place.practitioner, NOW + dt.timedelta(days=4))
    cancelled = services.booking_create(actor=place.kw2, slot=third, purpose="Help", now=NOW)
    services.booking_cancel(actor=place.kw2, booking=cancelled, reason="Not needed", now=NOW)
    assert services.reminders_send(now=third.starts_at - dt.timedelta(hours=1)) == 0


def test_the_command_sends_reminder_emails_once_however_often_it_runs(
    place, django_capture_on_commit_callbacks
):
    # Relative to the real clock, because the command asks it for the time.
    now = timezone.now()
    slot = slot_at(place.practitioner, now + dt.timedelta(hours=5), min_hours_ahead=1)
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=now)
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["2 reminders sent.", "0 reminders sent."]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([place.kw1.email, place.practitioner.email])
    assert all("Reminder: consultation with" in m.subject for m in mail.outbox)


def test_the_task_sends_the_same_reminders(place):
    now = timezone.now()
    slot = slot_at(place.practitioner, now + dt.timedelta(hours=5), min_hours_ahead=1)
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=now)
    result = send_reminders.enqueue()
    assert result.return_value == 2
    assert send_reminders.enqueue().return_value == 0
