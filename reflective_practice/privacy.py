"""Reflective practice's part of a person's own data and of their anonymisation
(hub/privacy.py). Who attended which session or consultation stays as a pseudonymous
research record. What the person wrote, what was written about them, their calendar
feed and their waiting-list places do not, and their future consultations are freed
(a practitioner's are cancelled, and their keyworkers told)."""

from __future__ import annotations

from django.utils import timezone

from hub.privacy import iso
from reflective_practice.models import (
    Attendance,
    Booking,
    BookingStatus,
    CalendarFeed,
    Rsvp,
    Slot,
    WaitlistEntry,
)

CLOSED = "The keyworker's account was closed."
PRACTITIONER_CLOSED = "The practitioner's account was closed."


def export_for(user) -> dict:
    """The practitioner's private notes on a consultation are left out: they are the
    practitioner's working notes, given on a subject access request after review."""
    return {
        "session_replies": [
            {"session": str(r.session), "going": r.going, "answered_at": iso(r.answered_at)}
            for r in Rsvp.objects.filter(user=user)
            .select_related("session__series")
            .order_by("session__starts_at")
        ],
        "sessions_attended": [
            str(a.session)
            for a in Attendance.objects.filter(user=user)
            .select_related("session__series")
            .order_by("session__starts_at")
        ],
        "consultations": [
            {
                "starts_at": iso(b.slot.starts_at),
                "with": b.slot.practitioner.get_full_name(),
                "purpose": b.purpose,
                "status": b.get_status_display(),
                "booked_at": iso(b.created_at),
                "cancelled_at": iso(b.cancelled_at),
                "cancel_reason": b.cancel_reason,
            }
            for b in Booking.objects.filter(keyworker=user)
            .select_related("slot__practitioner")
            .order_by("slot__starts_at")
        ],
        "consultation_times_offered": [
            {"starts_at": iso(s.starts_at), "ends_at": iso(s.ends_at), "location": s.location}
            for s in Slot.objects.filter(practitioner=user).order_by("starts_at")
        ],
        "waiting_list": [
            iso(w.week_start) for w in WaitlistEntry.objects.filter(keyworker=user).order_by("week_start")
        ],
        "has_calendar_feed": CalendarFeed.objects.filter(user=user).exists(),
    }


def anonymise(user) -> None:
    from reflective_practice.services import bookings_cancel_for_closed_account

    now = timezone.now()
    future = Booking.objects.filter(status=BookingStatus.BOOKED, slot__starts_at__gt=now)
    bookings_cancel_for_closed_account(
        bookings=future.filter(keyworker=user), tell=lambda b: b.slot.practitioner, reason=CLOSED, now=now
    )
    # A practitioner's future consultations cannot be held: the keyworkers are told,
    # rather than reminded of them, and the times they offered are no longer bookable.
    bookings_cancel_for_closed_account(
        bookings=future.filter(slot__practitioner=user),
        tell=lambda b: b.keyworker,
        reason=PRACTITIONER_CLOSED,
        now=now,
    )
    Slot.objects.filter(practitioner=user, withdrawn_at__isnull=True, starts_at__gt=now).update(
        withdrawn_at=now
    )
    mine = Booking.objects.filter(keyworker=user)
    mine.update(purpose="", private_note="")
    mine.exclude(cancel_reason=CLOSED).update(cancel_reason="")
    Rsvp.objects.filter(user=user, session__starts_at__gt=now).delete()
    WaitlistEntry.objects.filter(keyworker=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
