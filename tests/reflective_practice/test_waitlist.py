from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hub.models import Arm, Role
from hub.notifications.models import Notification
from reflective_practice import selectors, services
from reflective_practice.models import WaitlistEntry, Weekday
from tests.factories import make_la, make_user
from tests.reflective_practice.conftest import NOW, slot_at

#: NOW is Monday 3 March 2025; these are the Mondays of the next two weeks.
WEEK_2 = dt.date(2025, 3, 10)
WEEK_3 = dt.date(2025, 3, 17)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def _waiting_notes(user) -> list[str]:
    return [t for t in _titles(user) if "in the week of" in t]


def test_joining_keeps_the_monday_of_the_week_and_a_second_ask_keeps_the_first_place(place):
    first = services.waitlist_join(actor=place.kw1, day=WEEK_2 + dt.timedelta(days=3), now=NOW)
    again = services.waitlist_join(actor=place.kw1, day=WEEK_2, now=NOW)
    assert first.week_start == WEEK_2
    assert again.pk == first.pk
    assert WaitlistEntry.objects.filter(keyworker=place.kw1).count() == 1


def test_a_week_that_has_passed_is_refused(place):
    with pytest.raises(ValidationError) as exc:
        services.waitlist_join(actor=place.kw1, day=NOW.date() - dt.timedelta(days=1), now=NOW)
    assert "passed" in str(exc.value)
    # This week itself is still allowed.
    assert services.waitlist_join(actor=place.kw1, day=NOW.date(), now=NOW).week_start == NOW.date()


@pytest.mark.parametrize("who", ["practitioner", "control_keyworker"])
def test_only_keyworkers_of_treatment_las_can_join(place, who):
    person = (
        place.practitioner
        if who == "practitioner"
        else make_user(Role.KEYWORKER, make_la("Waitless Council", Arm.CONTROL))
    )
    with pytest.raises(ValidationError):
        services.waitlist_join(actor=person, day=WEEK_2, now=NOW)
    assert not WaitlistEntry.objects.exists()


def test_a_cancellation_tells_everyone_waiting_for_that_week_once_it_commits(
    place, django_capture_on_commit_callbacks
):
    slot = slot_at(place.practitioner, _at(WEEK_2 + dt.timedelta(days=2), 14), now=NOW)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    services.waitlist_join(actor=place.kw2, day=WEEK_2, now=NOW)
    services.waitlist_join(actor=place.kw_other_team, day=WEEK_3, now=NOW)
    with django_capture_on_commit_callbacks() as callbacks:
        services.booking_cancel(actor=place.kw1, booking=booking, reason="Ill", now=NOW)
        assert _waiting_notes(place.kw2) == []
    for callback in callbacks:
        callback()
    assert _waiting_notes(place.kw2) == ["A consultation time has been freed in the week of 10 March 2025"]
    # Someone waiting for another week, and the canceller, hear nothing.
    assert _waiting_notes(place.kw_other_team) == []
    assert _waiting_notes(place.kw1) == []
    assert WaitlistEntry.objects.get(keyworker=place.kw2).last_notified_at == NOW


def test_a_new_time_in_the_week_tells_the_waiting_in_the_order_they_joined(
    place, django_capture_on_commit_callbacks
):
    services.waitlist_join(actor=place.kw2, day=WEEK_2, now=NOW)
    services.waitlist_join(actor=place.kw1, day=WEEK_2, now=NOW + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        services.pattern_create(
            actor=place.practitioner,
            weekday=Weekday.WEDNESDAY,
            start_time=dt.time(13, 0),
            end_time=dt.time(14, 30),
            slot_minutes=45,
            first_day=WEEK_2,
            last_day=WEEK_2 + dt.timedelta(days=6),
            now=NOW,
        )
    notes = Notification.objects.filter(title__contains="in the week of").order_by("pk")
    assert [(n.user_id, n.title) for n in notes] == [
        (place.kw2.pk, "New consultation times have been offered in the week of 10 March 2025"),
        (place.kw1.pk, "New consultation times have been offered in the week of 10 March 2025"),
    ]


def test_a_time_too_close_to_book_tells_no_one(place, django_capture_on_commit_callbacks):
    services.waitlist_join(actor=place.kw1, day=NOW.date(), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        slot_at(place.practitioner, NOW + dt.timedelta(hours=5), now=NOW)
    assert _waiting_notes(place.kw1) == []


def test_a_time_beyond_its_booking_window_tells_no_one(place, django_capture_on_commit_callbacks):
    # Waiting for the week of 24 March, three weeks ahead; the time offered then may be
    # booked at most one week ahead, so it cannot be booked yet.
    week_4 = dt.date(2025, 3, 24)
    services.waitlist_join(actor=place.kw1, day=week_4, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        slot = slot_at(place.practitioner, _at(week_4 + dt.timedelta(days=2), 14), max_weeks_ahead=1, now=NOW)
    assert slot not in selectors.free_slots(organisation_id=place.la.pk, now=NOW)
    with pytest.raises(ValidationError, match="more than 1 weeks ahead"):
        services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    assert _waiting_notes(place.kw1) == []
    assert WaitlistEntry.objects.get(keyworker=place.kw1).last_notified_at is None


def test_the_waiting_list_is_told_once_when_a_time_comes_into_its_booking_window(
    place, django_capture_on_commit_callbacks
):
    week_4 = dt.date(2025, 3, 24)
    services.waitlist_join(actor=place.kw1, day=week_4, now=NOW)
    services.waitlist_join(actor=place.kw2, day=WEEK_2, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        # Wednesday 26 March, 14:00, bookable at most one week ahead: from 19 March, 14:00.
        slot = slot_at(place.practitioner, _at(week_4 + dt.timedelta(days=2), 14), max_weeks_ahead=1, now=NOW)
    opens = slot.starts_at - dt.timedelta(weeks=1)
    assert services.waitlist_tell_newly_open(now=opens - dt.timedelta(minutes=1)) == 0
    assert services.waitlist_tell_newly_open(now=opens + dt.timedelta(minutes=5)) == 1
    assert services.waitlist_tell_newly_open(now=opens + dt.timedelta(minutes=10)) == 0
    assert _waiting_notes(place.kw1) == ["A consultation time can now be booked in the week of 24 March 2025"]
    assert _waiting_notes(place.kw2) == []
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=opens + dt.timedelta(minutes=15))


def test_joining_while_a_time_is_already_open_tells_no_one_later(place):
    slot = slot_at(place.practitioner, _at(WEEK_2 + dt.timedelta(days=2), 14), now=NOW)
    services.waitlist_join(actor=place.kw1, day=WEEK_2, now=NOW + dt.timedelta(hours=1))
    assert services.waitlist_tell_newly_open(now=NOW + dt.timedelta(hours=2)) == 0
    assert slot in selectors.free_slots(organisation_id=place.la.pk, now=NOW + dt.timedelta(hours=2))


def test_booking_a_time_in_the_week_takes_the_keyworker_off_that_weeks_list(place):
    services.waitlist_join(actor=place.kw1, day=WEEK_2, now=NOW)
    services.waitlist_join(actor=place.kw1, day=WEEK_3, now=NOW)
    slot = slot_at(place.practitioner, _at(WEEK_2 + dt.timedelta(days=1), 10), now=NOW)
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    assert list(WaitlistEntry.objects.filter(keyworker=place.kw1).values_list("week_start", flat=True)) == [
        WEEK_3
    ]


def test_only_the_keyworker_can_take_themselves_off(place):
    entry = services.waitlist_join(actor=place.kw1, day=WEEK_2, now=NOW)
    with pytest.raises(ValidationError):
        services.waitlist_leave(actor=place.kw2, entry=entry)
    services.waitlist_leave(actor=place.kw1, entry=entry)
    assert not WaitlistEntry.objects.exists()


def test_a_keyworker_joins_and_leaves_the_waiting_list_from_the_consultations_pages(place, client):
    client.force_login(place.kw1)
    page = client.get(reverse("reflective_waitlist_join"))
    week = page.context["form"].fields["week"].choices[1][0]
    response = client.post(reverse("reflective_waitlist_join"), {"week": week})
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(keyworker=place.kw1)
    assert entry.week_start.isoformat() == week
    listing = client.get(reverse("reflective_consultations")).content.decode()
    assert f"Week beginning {entry.week_start:%A %-d %B %Y}" in listing
    client.post(reverse("reflective_waitlist_leave", args=[entry.pk]))
    assert not WaitlistEntry.objects.exists()


def test_a_week_not_offered_is_refused_next_to_the_field(place, client):
    client.force_login(place.kw1)
    response = client.post(reverse("reflective_waitlist_join"), {"week": "2001-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["week"] == ["Choose one of the weeks listed."]
    assert 'id="id_week_error"' in response.content.decode()


@pytest.mark.parametrize(
    "change", ["account switched off", "left the LA", "moved to a control LA", "moved to another LA"]
)
def test_only_people_who_can_still_book_in_the_la_hear_of_its_free_times(
    place, change, django_capture_on_commit_callbacks
):
    from hub import services as hub_services

    week_4 = dt.date(2025, 3, 24)
    for person in (place.kw1, place.kw2):
        services.waitlist_join(actor=person, day=WEEK_2, now=NOW)
        services.waitlist_join(actor=person, day=week_4, now=NOW)
    if change == "account switched off":
        place.kw1.is_active = False
        place.kw1.save(update_fields=["is_active"])
    else:
        hub_services.membership_end(actor=None, membership=place.kw1.memberships.get())
        if change != "left the LA":
            arm = Arm.CONTROL if change == "moved to a control LA" else Arm.TREATMENT
            hub_services.membership_create(
                actor=None,
                user=place.kw1,
                organisation=make_la("Elsewhere Council", arm),
                role=Role.KEYWORKER,
            )
    with django_capture_on_commit_callbacks(execute=True):
        slot_at(place.practitioner, _at(WEEK_2 + dt.timedelta(days=2), 14), now=NOW)
        later = slot_at(
            place.practitioner, _at(week_4 + dt.timedelta(days=2), 14), max_weeks_ahead=1, now=NOW
        )
    services.waitlist_tell_newly_open(now=later.starts_at - dt.timedelta(days=6))
    assert _waiting_notes(place.kw1) == []
    assert _waiting_notes(place.kw2) == [
        "A new consultation time has been offered in the week of 10 March 2025",
        "A consultation time can now be booked in the week of 24 March 2025",
    ]
