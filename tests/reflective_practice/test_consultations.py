from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from hub import access
from hub.models import Arm, Role
from hub.notifications.models import Notification
from reflective_practice import selectors, services
from reflective_practice.models import Booking, BookingStatus, Slot, Weekday
from tests.factories import make_la, make_user
from tests.reflective_practice.conftest import NOW, slot_at

IN_TWO_DAYS = NOW + dt.timedelta(days=2)


def test_a_weekly_pattern_offers_slots_with_buffers(place):
    pattern = services.pattern_create(
        actor=place.practitioner,
        weekday=Weekday.WEDNESDAY,
        start_time=dt.time(13, 0),
        end_time=dt.time(16, 0),
        slot_minutes=45,
        buffer_minutes=15,
        first_day=dt.date(2025, 3, 3),
        last_day=dt.date(2025, 3, 16),
    )
    assert pattern.slots.count() == 6
    assert pattern.slots.order_by("starts_at").first().starts_at == dt.datetime(
        2025, 3, 5, 13, 0, tzinfo=dt.UTC
    )


def test_a_practitioners_times_cannot_overlap(place):
    slot_at(place.practitioner, IN_TWO_DAYS)
    with pytest.raises(ValidationError) as exc:
        slot_at(place.practitioner, IN_TWO_DAYS + dt.timedelta(minutes=30))
    assert "overlaps" in str(exc.value)
    with pytest.raises(ValidationError):
        services.pattern_create(
            actor=place.practitioner,
            weekday=IN_TWO_DAYS.weekday(),
            start_time=dt.time(8, 0),
            end_time=dt.time(12, 0),
            slot_minutes=60,
            first_day=IN_TWO_DAYS.date(),
            last_day=IN_TWO_DAYS.date(),
        )
    # Back to back is fine.
    slot_at(place.practitioner, IN_TWO_DAYS + dt.timedelta(minutes=45))


def test_on_postgresql_the_database_itself_refuses_overlapping_slots(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, Slot._meta.db_table)
    if connection.vendor == "postgresql":
        assert "slot_no_overlap_per_practitioner" in names
        with pytest.raises(IntegrityError), transaction.atomic():
            Slot.objects.create(
                organisation=place.la,
                practitioner=place.practitioner,
                starts_at=slot.starts_at + dt.timedelta(minutes=10),
                ends_at=slot.ends_at + dt.timedelta(minutes=10),
            )
    else:
        # SQLite has no exclusion constraints: the service's check is the guard there.
        assert "slot_no_overlap_per_practitioner" not in names
        with pytest.raises(ValidationError):
            slot_at(place.practitioner, slot.starts_at + dt.timedelta(minutes=10))


def test_a_keyworker_books_a_free_slot_and_the_practitioner_is_told(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    assert selectors.free_slots(organisation_id=place.la.pk, now=NOW) == [slot]
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Talking about endings", now=NOW)
    assert booking.status == BookingStatus.BOOKED
    assert selectors.free_slots(organisation_id=place.la.pk, now=NOW) == []
    assert Notification.objects.filter(user=place.practitioner).count() == 1


def test_a_second_booking_of_the_same_slot_is_refused_with_the_next_free_times(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    later = slot_at(place.practitioner, IN_TWO_DAYS + dt.timedelta(hours=2))
    services.booking_create(actor=place.kw1, slot=slot, purpose="One", now=NOW)
    with pytest.raises(services.SlotTaken) as exc:
        services.booking_create(actor=place.kw2, slot=slot, purpose="Two", now=NOW)
    assert exc.value.messages == ["That time has just been taken."]
    assert exc.value.next_free == [later]
    assert Booking.objects.count() == 1


def test_the_database_allows_one_active_booking_per_slot(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    Booking.objects.create(slot=slot, keyworker=place.kw1, purpose="One")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, keyworker=place.kw2, purpose="Two")
    # A cancelled booking does not hold the slot.
    Booking.objects.filter(slot=slot).update(status=BookingStatus.CANCELLED)
    Booking.objects.create(slot=slot, keyworker=place.kw2, purpose="Two")


@pytest.mark.parametrize(
    ("starts_in", "message"),
    [
        (dt.timedelta(hours=-1), "passed"),
        (dt.timedelta(hours=3), "at least 24 hours ahead"),
        (dt.timedelta(weeks=9), "more than 8 weeks ahead"),
    ],
)
def test_booking_outside_the_window_is_refused(place, starts_in, message):
    slot = slot_at(place.practitioner, NOW + starts_in)
    with pytest.raises(ValidationError, match=message):
        services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)


def test_a_keyworker_of_another_la_cannot_book(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    other = make_user(Role.KEYWORKER, make_la("Otherplace Council", Arm.TREATMENT))
    with pytest.raises(ValidationError, match="your own LA"):
        services.booking_create(actor=other, slot=slot, purpose="Help", now=NOW)


def test_a_control_arm_keyworker_cannot_book_and_the_refusal_is_recorded(place):
    from hub.models import AccessRefusal

    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    control_kw = make_user(Role.KEYWORKER, make_la("Controlham Council", Arm.CONTROL))
    assert not access.can_book_slot(control_kw, slot)
    assert AccessRefusal.objects.filter(user=control_kw).exists()


def test_a_purpose_is_needed(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(actor=place.kw1, slot=slot, purpose=" ", now=NOW)
    assert "purpose" in exc.value.message_dict


def test_a_keyworker_cancels_up_to_the_cut_off_with_a_reason(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    with pytest.raises(ValidationError, match="less than 24 hours"):
        services.booking_cancel(
            actor=place.kw1, booking=booking, reason="Ill", now=slot.starts_at - dt.timedelta(hours=23)
        )
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=place.kw1, booking=booking, reason="", now=NOW)
    services.booking_cancel(actor=place.kw1, booking=booking, reason="Court hearing", now=NOW)
    assert booking.status == BookingStatus.CANCELLED
    assert Notification.objects.filter(user=place.practitioner, body__contains="Court hearing").exists()
    # The slot is free again.
    assert selectors.free_slots(organisation_id=place.la.pk, now=NOW) == [slot]


@override_settings(CONSULTATION_CANCEL_CUTOFF_HOURS=2)
def test_the_cut_off_comes_from_the_setting(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    services.booking_cancel(
        actor=place.kw1, booking=booking, reason="Ill", now=slot.starts_at - dt.timedelta(hours=3)
    )


def test_the_practitioner_cancels_late_with_a_reason_and_the_keyworker_is_told(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    services.booking_cancel(
        actor=place.practitioner, booking=booking, reason="Unwell", now=slot.starts_at - dt.timedelta(hours=1)
    )
    assert Notification.objects.filter(user=place.kw1, body__contains="Unwell").exists()


def test_another_keyworker_cannot_cancel_someone_elses_booking(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=place.kw2, booking=booking, reason="No", now=NOW)


def test_moving_a_booking_frees_the_old_slot_and_takes_the_new(place):
    first = slot_at(place.practitioner, IN_TWO_DAYS)
    second = slot_at(place.practitioner, IN_TWO_DAYS + dt.timedelta(days=1))
    booking = services.booking_create(actor=place.kw1, slot=first, purpose="Help", now=NOW)
    new = services.booking_move(actor=place.kw1, booking=booking, slot=second, reason="Clash", now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert new.slot == second and new.is_active
    assert selectors.free_slots(organisation_id=place.la.pk, now=NOW) == [first]


def test_a_move_to_a_taken_slot_keeps_the_original_booking(place):
    first = slot_at(place.practitioner, IN_TWO_DAYS)
    second = slot_at(place.practitioner, IN_TWO_DAYS + dt.timedelta(days=1))
    booking = services.booking_create(actor=place.kw1, slot=first, purpose="Help", now=NOW)
    services.booking_create(actor=place.kw2, slot=second, purpose="Mine", now=NOW)
    with pytest.raises(services.SlotTaken):
        services.booking_move(actor=place.kw1, booking=booking, slot=second, reason="Clash", now=NOW)
    booking.refresh_from_db()
    assert booking.is_active


def test_the_practitioner_marks_held_or_not_attended_and_keeps_a_private_note(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    with pytest.raises(ValidationError, match="once its time"):
        services.booking_mark(actor=place.practitioner, booking=booking, held=True, now=NOW)
    services.booking_mark(actor=place.practitioner, booking=booking, held=False, now=slot.ends_at)
    assert booking.status == BookingStatus.NOT_ATTENDED
    services.booking_mark(actor=place.practitioner, booking=booking, held=True, now=slot.ends_at)
    assert booking.status == BookingStatus.HELD
    with pytest.raises(ValidationError):
        services.booking_mark(actor=place.kw1, booking=booking, held=True, now=slot.ends_at)
    services.booking_note_set(actor=place.practitioner, booking=booking, note="Follow up on supervision")
    with pytest.raises(ValidationError):
        services.booking_note_set(actor=place.kw1, booking=booking, note="mine")


def test_only_the_practitioner_may_read_the_private_note(place, world):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    booking = services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    lead = make_user(Role.LA_LEAD, place.la)
    assert access.can_read_private_note(place.practitioner, booking)
    for person in (place.kw1, lead, world["delivery_lead"], world["hub_admin"]):
        assert not access.can_read_private_note(person, booking)


def test_withdrawing_a_booked_slot_is_refused(place):
    slot = slot_at(place.practitioner, IN_TWO_DAYS)
    services.booking_create(actor=place.kw1, slot=slot, purpose="Help", now=NOW)
    with pytest.raises(ValidationError, match="booked"):
        services.slot_withdraw(actor=place.practitioner, slot=slot, now=NOW)
