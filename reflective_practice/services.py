"""Writes of reflective practice: monthly sessions, RSVPs and attendance, consultation
availability and bookings, calendar feed tokens.

Services check the access policy themselves (views, the admin, the demo and tests all
call them), write inside a transaction and notify people once it commits."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from hub import access
from hub.models import Pilot, Team, User
from hub.notifications.services import notify
from hub.services import audit
from reflective_practice import recurrence, selectors
from reflective_practice.models import (
    ACTIVE_BOOKING,
    Attendance,
    AvailabilityPattern,
    Booking,
    BookingStatus,
    CalendarFeed,
    Mode,
    Reminder,
    Rsvp,
    Session,
    SessionSeries,
    SessionStatus,
    Slot,
    WaitlistEntry,
    new_feed_token,
)


class SlotTaken(ValidationError):
    """Someone else booked the slot first; carries the next free times to offer."""

    def __init__(self, message: str, *, next_free: list[Slot]):
        super().__init__(message)
        self.next_free = next_free


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%A %-d %B %Y at %H:%M}"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message)


# --- monthly group sessions ---------------------------------------------------------


def series_create(
    *,
    actor: User,
    teams: Iterable[Team],
    ordinal: int,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    title: str = "Group reflective practice",
    venue: str = "",
    online_link: str = "",
    capacity: int = 20,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SessionSeries:
    """Create a monthly series and its occurrences, each at the same local time whatever
    the clock change.

    Without `first_day`, the series runs from now (or the pilot's start, if later) to
    the pilot's end: a series set up part-way through the pilot gets no sessions in the
    past, which would otherwise count as missed, or could be marked as held. Days given
    explicitly are taken as they are (the demo data builds its history that way)."""
    now = now or timezone.now()
    teams = list(teams)
    if not teams:
        raise ValidationError({"teams": "Choose at least one team."})
    la_ids = {t.organisation_id for t in teams}
    if len(la_ids) != 1:
        raise ValidationError({"teams": "All the teams must belong to your local authority."})
    la_id = la_ids.pop()
    _require(access.can_manage_reflective(actor, la_id), "Only your LA's systemic practitioner can do that.")
    if end_time <= start_time:
        raise ValidationError({"end_time": "The session must end after it starts."})
    if not venue and not online_link:
        raise ValidationError({"venue": "Give a venue or an online joining link."})
    pilot = Pilot.current()
    from_now = first_day is None
    if from_now:
        first_day = max(pilot.starts_on, timezone.localtime(now, recurrence.LONDON).date())
    last_day = last_day or pilot.ends_on
    occurrences = [
        (day, starts, ends)
        for day, starts, ends in recurrence.monthly(
            ordinal=ordinal,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            first_day=first_day,
            last_day=last_day,
        )
        # Today's occurrence only if it has not started yet.
        if not from_now or starts >= now
    ]
    if not occurrences:
        raise ValidationError(
            f"No session of this series falls between {first_day:%-d %B %Y} and {last_day:%-d %B %Y} "
            "(the pilot's end), so there is nothing to schedule."
        )
    with transaction.atomic():
        series = SessionSeries.objects.create(
            organisation_id=la_id,
            practitioner=actor,
            title=title.strip() or "Group reflective practice",
            ordinal=ordinal,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            venue=venue,
            online_link=online_link,
            capacity=capacity,
        )
        series.teams.set(teams)
        Session.objects.bulk_create(
            Session(
                series=series,
                rule_date=day,
                starts_at=starts,
                ends_at=ends,
                venue=venue,
                online_link=online_link,
            )
            for day, starts, ends in occurrences
        )
        audit(actor=actor, action="reflective.series_create", detail=str(series))
    return series


def _tell_invitees(session: Session, *, title: str, body: str) -> None:
    url = reverse("reflective_session_detail", args=[session.pk])
    for person in selectors.session_invitees(session):
        notify(person, title=title, body=body, url=url)


def session_move(
    *,
    actor: User,
    session: Session,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    reason: str,
    venue: str | None = None,
    now: dt.datetime | None = None,
) -> Session:
    """Move one occurrence (the rest of the series stays) to a time still to come, and
    tell the invitees why."""
    _require(
        access.can_manage_reflective(actor, session.series.organisation_id),
        "Only your LA's systemic practitioner can do that.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is moving: the invitees will see it."})
    if end_time <= start_time:
        raise ValidationError({"end_time": "The session must end after it starts."})
    now = now or timezone.now()
    today = timezone.localtime(now, recurrence.LONDON).date()
    if day < today:
        raise ValidationError({"day": f"{day.day} {day:%B %Y} has passed. Choose a day still to come."})
    if recurrence.local_to_utc(day, start_time) <= now:
        raise ValidationError(
            {"start_time": f"{start_time:%H:%M} today has passed. Choose a later time, or another day."}
        )
    with transaction.atomic():
        # Read the row afresh under a lock, so a stale copy cannot move a session that
        # has just been cancelled.
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.is_cancelled:
            raise ValidationError("This session was cancelled; it cannot be moved.")
        session.starts_at = recurrence.local_to_utc(day, start_time)
        session.ends_at = recurrence.local_to_utc(day, end_time)
        if venue is not None:
            session.venue = venue
        session.change_reason = reason.strip()
        session.sequence = current.sequence + 1
        session.save(update_fields=["starts_at", "ends_at", "venue", "change_reason", "sequence"])
        _tell_invitees(
            session,
            title=f"{session.series.title} has moved to {_local(session.starts_at)}",
            body=f"Reason: {session.change_reason}",
        )
        audit(actor=actor, action="reflective.session_move", detail=f"{session}: {session.change_reason}")
    return session


def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel one occurrence and tell the invitees why, once: a session already
    cancelled is refused, so nobody is told twice."""
    _require(
        access.can_manage_reflective(actor, session.series.organisation_id),
        "Only your LA's systemic practitioner can do that.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled: the invitees will see it."})
    with transaction.atomic():
        # Read the row afresh under a lock: a second submission of the form (or a stale
        # tab) must not tell every invitee again or bump the calendar sequence.
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.is_cancelled:
            raise ValidationError("This session is already cancelled.")
        session.status = SessionStatus.CANCELLED
        session.change_reason = reason.strip()
        session.sequence = current.sequence + 1
        session.save(update_fields=["status", "change_reason", "sequence"])
        _tell_invitees(
            session,
            title=f"{session.series.title} on {_local(session.starts_at)} is cancelled",
            body=f"Reason: {session.change_reason}",
        )
        audit(actor=actor, action="reflective.session_cancel", detail=f"{session}: {session.change_reason}")
    return session


def rsvp_set(*, user: User, session: Session, going: bool, now: dt.datetime | None = None) -> Rsvp:
    """Record whether an invitee is going; a full session refuses more people going."""
    now = now or timezone.now()
    if not selectors.session_invitees(session).filter(pk=user.pk).exists():
        raise ValidationError("Only keyworkers of the invited teams can reply to this session.")
    if session.is_cancelled:
        raise ValidationError("This session has been cancelled.")
    if session.starts_at <= now:
        raise ValidationError("This session has already started.")
    with transaction.atomic():
        # Lock the session so two replies cannot both take the last place.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        if going:
            taken = session.rsvps.filter(going=True).exclude(user=user).count()
            if taken >= session.series.capacity:
                raise ValidationError("This session is full.")
        rsvp, _ = Rsvp.objects.update_or_create(
            session=session, user=user, defaults={"going": going, "answered_at": now}
        )
    return rsvp


THEME_WARNING = (
    "A short topic only, such as 'working with fathers'. Do not write names, places or "
    "anything else that could identify a family."
)


def attendance_mark(
    *,
    actor: User,
    session: Session,
    attendees: Iterable[User],
    theme: str = "",
    now: dt.datetime | None = None,
) -> Session:
    """Record who came (replacing any earlier marks) and the session's theme."""
    now = now or timezone.now()
    _require(
        access.can_manage_reflective(actor, session.series.organisation_id),
        "Only your LA's systemic practitioner can do that.",
    )
    if session.is_cancelled:
        raise ValidationError("This session was cancelled.")
    if session.starts_at > now:
        raise ValidationError("You can mark attendance once the session has started.")
    attendees = list(attendees)
    invited = set(selectors.session_invitees(session).values_list("pk", flat=True))
    strangers = [p for p in attendees if p.pk not in invited]
    if strangers:
        raise ValidationError({"attendees": "Only invited keyworkers can be marked as attending."})
    with transaction.atomic():
        session.attendances.exclude(user__in=attendees).delete()
        have = set(session.attendances.values_list("user_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(session=session, user=p) for p in attendees if p.pk not in have
        )
        session.theme = theme.strip()[:120]
        session.attendance_marked_at = now
        session.save(update_fields=["theme", "attendance_marked_at"])
    return session


# --- consultation availability -------------------------------------------------------


def _overlapping(practitioner: User, starts_at: dt.datetime, ends_at: dt.datetime):
    return Slot.objects.filter(
        practitioner=practitioner, withdrawn_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


def _check_window(min_hours_ahead: int, max_weeks_ahead: int) -> None:
    if max_weeks_ahead < 1:
        raise ValidationError({"max_weeks_ahead": "Allow booking at least one week ahead."})
    if min_hours_ahead > max_weeks_ahead * 7 * 24:
        raise ValidationError({"min_hours_ahead": "The minimum notice is longer than the booking window."})


def slot_create(
    *,
    actor: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    mode: str = Mode.ONLINE,
    location: str = "",
    min_hours_ahead: int = 24,
    max_weeks_ahead: int = 8,
    now: dt.datetime | None = None,
) -> Slot:
    """Offer one consultation time. A practitioner's times never overlap: checked here
    for a clear message, and guaranteed by an exclusion constraint on PostgreSQL."""
    la = access.home_la(actor)
    _require(
        la is not None and access.can_manage_reflective(actor, la.pk),
        "Only a systemic practitioner can offer consultations.",
    )
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The consultation must end after it starts."})
    _check_window(min_hours_ahead, max_weeks_ahead)
    clash = _overlapping(actor, starts_at, ends_at).first()
    if clash:
        raise ValidationError({"starts_at": f"This overlaps a time you already offer ({clash})."})
    try:
        with transaction.atomic():
            slot = Slot.objects.create(
                organisation=la,
                practitioner=actor,
                starts_at=starts_at,
                ends_at=ends_at,
                mode=mode,
                location=location,
                min_hours_ahead=min_hours_ahead,
                max_weeks_ahead=max_weeks_ahead,
            )
            _tell_waiting(
                slots=[slot], why="A new consultation time has been offered", now=now or timezone.now()
            )
            return slot
    except IntegrityError as exc:
        raise ValidationError({"starts_at": "This overlaps a time you already offer."}) from exc


def pattern_create(
    *,
    actor: User,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    slot_minutes: int,
    first_day: dt.date,
    last_day: dt.date,
    buffer_minutes: int = 0,
    mode: str = Mode.ONLINE,
    location: str = "",
    min_hours_ahead: int = 24,
    max_weeks_ahead: int = 8,
    now: dt.datetime | None = None,
) -> AvailabilityPattern:
    """Offer a weekly run of slots (e.g. Wednesdays 13:00–16:00 in 45-minute slots with a
    15-minute buffer). Refused whole if any slot would overlap a time already offered."""
    la = access.home_la(actor)
    _require(
        la is not None and access.can_manage_reflective(actor, la.pk),
        "Only a systemic practitioner can offer consultations.",
    )
    if end_time <= start_time:
        raise ValidationError({"end_time": "The window must end after it starts."})
    if slot_minutes < 10:
        raise ValidationError({"slot_minutes": "Slots must be at least 10 minutes long."})
    if last_day < first_day:
        raise ValidationError({"last_day": "The last day must be on or after the first day."})
    _check_window(min_hours_ahead, max_weeks_ahead)
    times = recurrence.weekly_slots(
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
        first_day=first_day,
        last_day=last_day,
    )
    if not times:
        raise ValidationError({"end_time": "No slot of that length fits in the window on those days."})
    span = Slot.objects.filter(
        practitioner=actor, withdrawn_at__isnull=True, starts_at__lt=times[-1][1], ends_at__gt=times[0][0]
    )
    existing = list(span.values_list("starts_at", "ends_at"))
    for starts, ends in times:
        for other_start, other_end in existing:
            if starts < other_end and ends > other_start:
                raise ValidationError(
                    {"start_time": f"The slot on {_local(starts)} overlaps a time you already offer."}
                )
    try:
        with transaction.atomic():
            pattern = AvailabilityPattern.objects.create(
                organisation=la,
                practitioner=actor,
                weekday=weekday,
                start_time=start_time,
                end_time=end_time,
                slot_minutes=slot_minutes,
                buffer_minutes=buffer_minutes,
                first_day=first_day,
                last_day=last_day,
            )
            Slot.objects.bulk_create(
                Slot(
                    organisation=la,
                    practitioner=actor,
                    pattern=pattern,
                    starts_at=starts,
                    ends_at=ends,
                    mode=mode,
                    location=location,
                    min_hours_ahead=min_hours_ahead,
                    max_weeks_ahead=max_weeks_ahead,
                )
                for starts, ends in times
            )
            _tell_waiting(
                slots=list(pattern.slots.all()),
                why="New consultation times have been offered",
                now=now or timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError({"start_time": "These times overlap times you already offer."}) from exc
    return pattern


def slot_withdraw(*, actor: User, slot: Slot, now: dt.datetime | None = None) -> Slot:
    _require(
        slot.practitioner_id == actor.pk and access.can_manage_reflective(actor, slot.organisation_id),
        "Only the practitioner who offered this time can withdraw it.",
    )
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        if slot.bookings.filter(ACTIVE_BOOKING).exists():
            raise ValidationError("This time is booked: cancel the booking first.")
        slot.withdrawn_at = now or timezone.now()
        slot.save(update_fields=["withdrawn_at"])
    return slot


# --- bookings -------------------------------------------------------------------------


def _check_bookable(slot: Slot, now: dt.datetime) -> None:
    if slot.withdrawn_at is not None:
        raise ValidationError("This time is no longer offered.")
    if slot.starts_at <= now:
        raise ValidationError("This time has passed.")
    if slot.starts_at < now + dt.timedelta(hours=slot.min_hours_ahead):
        raise ValidationError(f"This time must be booked at least {slot.min_hours_ahead} hours ahead.")
    if slot.starts_at > now + dt.timedelta(weeks=slot.max_weeks_ahead):
        raise ValidationError(f"This time cannot be booked more than {slot.max_weeks_ahead} weeks ahead yet.")


TAKEN = "That time has just been taken."
PURPOSE_WARNING = "A few words on what you would like to talk about. Do not name or identify a family."


def _retry_if_sqlite_is_busy(func):
    """SQLite reports a locked table at once instead of waiting for the other writer;
    PostgreSQL waits on the row lock, so this only ever loops on SQLite."""

    def wrapped(**kwargs):
        for attempt in range(50):
            try:
                return func(**kwargs)
            except OperationalError as exc:
                if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.02)

    wrapped.__doc__ = func.__doc__
    wrapped.__name__ = func.__name__
    return wrapped


@_retry_if_sqlite_is_busy
def booking_create(*, actor: User, slot: Slot, purpose: str, now: dt.datetime | None = None) -> Booking:
    """Book a slot for a keyworker of the practitioner's own LA.

    Never double-booked: the slot row is locked while the booking is written, and a
    partial unique constraint allows one active booking per slot; the loser of a race
    gets `SlotTaken` with the next free times."""
    now = now or timezone.now()
    if not access.can_book_slot(actor, slot):
        raise ValidationError("You can book consultations only with your own LA's systemic practitioner.")
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "Say briefly what you would like to talk about."})
    try:
        with transaction.atomic():
            locked = Slot.objects.select_for_update().get(pk=slot.pk)
            _check_bookable(locked, now)
            if locked.bookings.filter(ACTIVE_BOOKING).exists():
                raise IntegrityError("slot already booked")
            with transaction.atomic():
                booking = Booking.objects.create(
                    slot=locked, keyworker=actor, purpose=purpose[:300], created_at=now
                )
            WaitlistEntry.objects.filter(
                keyworker=actor,
                organisation_id=locked.organisation_id,
                week_start=recurrence.local_week(locked.starts_at),
            ).delete()
            notify(
                locked.practitioner,
                title=f"New consultation booked for {_local(locked.starts_at)}",
                body=f"Booked by {actor.get_full_name()}.",
                url=reverse("reflective_booking_detail", args=[booking.pk]),
            )
    except IntegrityError:
        raise SlotTaken(
            TAKEN, next_free=list(selectors.free_slots(organisation_id=slot.organisation_id, now=now)[:3])
        ) from None
    return booking


def _cutoff_hours() -> int:
    return int(getattr(settings, "CONSULTATION_CANCEL_CUTOFF_HOURS", 24))


def _check_keyworker_cutoff(booking: Booking, now: dt.datetime) -> None:
    hours = _cutoff_hours()
    if booking.slot.starts_at - now < dt.timedelta(hours=hours):
        raise ValidationError(
            f"It is less than {hours} hours to the consultation: contact your practitioner instead."
        )


def booking_cancel(*, actor: User, booking: Booking, reason: str, now: dt.datetime | None = None) -> Booking:
    """Cancel a booking: the keyworker up to the cut-off, the practitioner at any time
    before it is held. The other party is told why."""
    now = now or timezone.now()
    is_keyworker = booking.keyworker_id == actor.pk
    is_practitioner = access.can_manage_booking(actor, booking)
    _require(is_keyworker or is_practitioner, "You cannot cancel this booking.")
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError("This booking is no longer open.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are cancelling: the other person will see it."})
    if is_keyworker and not is_practitioner:
        _check_keyworker_cutoff(booking, now)
    with transaction.atomic():
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = actor
        booking.cancel_reason = reason.strip()[:300]
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        other = booking.slot.practitioner if is_keyworker else booking.keyworker
        notify(
            other,
            title=f"Consultation on {_local(booking.slot.starts_at)} cancelled",
            body=f"Cancelled by {actor.get_full_name()}. Reason: {booking.cancel_reason}",
            url=reverse("reflective_booking_detail", args=[booking.pk]),
        )
        _tell_waiting(
            slots=[booking.slot], why="A consultation time has been freed", now=now, skip_user_ids={actor.pk}
        )
    return booking


def bookings_cancel_for_closed_account(*, bookings, tell, reason: str, now: dt.datetime) -> None:
    """Cancel future bookings that cannot be held because an account is being closed
    (no one cancels them by hand): `tell(booking)` is the other person, who is told why."""
    for booking in bookings.select_related("slot__practitioner", "keyworker"):
        notify(
            tell(booking),
            title=f"Consultation on {_local(booking.slot.starts_at)} cancelled",
            body=reason,
            url=reverse("reflective_booking_detail", args=[booking.pk]),
        )
    bookings.update(status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=None, cancel_reason=reason)


def booking_move(
    *, actor: User, booking: Booking, slot: Slot, reason: str, now: dt.datetime | None = None
) -> Booking:
    """Move a keyworker's booking to another free slot: both happen or neither."""
    now = now or timezone.now()
    _require(booking.keyworker_id == actor.pk, "Only the keyworker who booked can move this booking.")
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError("This booking is no longer open.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are moving it: your practitioner will see it."})
    _check_keyworker_cutoff(booking, now)
    with transaction.atomic():
        new = booking_create(actor=actor, slot=slot, purpose=booking.purpose, now=now)
        booking_cancel(
            actor=actor, booking=booking, reason=f"Moved to {_local(slot.starts_at)}: {reason}", now=now
        )
    return new


def booking_mark(*, actor: User, booking: Booking, held: bool, now: dt.datetime | None = None) -> Booking:
    now = now or timezone.now()
    _require(access.can_manage_booking(actor, booking), "Only the practitioner can mark this consultation.")
    if booking.status == BookingStatus.CANCELLED:
        raise ValidationError("This booking was cancelled.")
    if booking.slot.starts_at > now:
        raise ValidationError("You can mark a consultation once its time has come.")
    booking.status = BookingStatus.HELD if held else BookingStatus.NOT_ATTENDED
    booking.save(update_fields=["status"])
    return booking


def booking_note_set(*, actor: User, booking: Booking, note: str) -> Booking:
    _require(access.can_read_private_note(actor, booking), "Only the practitioner can keep a note here.")
    booking.private_note = note.strip()
    booking.save(update_fields=["private_note"])
    return booking


# --- calendar feeds ---------------------------------------------------------------------


def feed_get_or_create(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_feed_token()
            feed.created_at = timezone.now()
            feed.save(update_fields=["token", "created_at"])
        audit(actor=user, action="reflective.feed_regenerate", detail=f"Calendar feed of {user.pk}")
    return feed


# --- waiting list -------------------------------------------------------------------------


def waitlist_join(*, actor: User, day: dt.date, now: dt.datetime | None = None) -> WaitlistEntry:
    """Put a keyworker on the waiting list for the week holding `day` (kept as its
    Monday). Asking again for the same week keeps their place in the line."""
    now = now or timezone.now()
    _require(access.can_join_waitlist(actor), "Only keyworkers can join the waiting list for consultations.")
    week = recurrence.week_start(day)
    if week + dt.timedelta(days=7) <= timezone.localtime(now, recurrence.LONDON).date():
        raise ValidationError({"week": "That week has passed: choose this week or a later one."})
    la = access.home_la(actor)
    with transaction.atomic():
        entry, _ = WaitlistEntry.objects.get_or_create(
            keyworker=actor, organisation=la, week_start=week, defaults={"created_at": now}
        )
    return entry


def waitlist_leave(*, actor: User, entry: WaitlistEntry) -> None:
    _require(entry.keyworker_id == actor.pk, "You can only take yourself off the waiting list.")
    WaitlistEntry.objects.filter(pk=entry.pk).delete()


def _tell_waiting(
    *, slots: list[Slot], why: str, now: dt.datetime, skip_user_ids: set[int] = frozenset()
) -> None:
    """Once the transaction commits, tell everyone waiting for a week in which one of
    `slots` is free to book, and who could still book it, in the order they joined.
    Times that cannot be booked now (inside their minimum notice, or beyond their
    booking window) tell no one."""
    weeks: dict[int, set[dt.date]] = {}
    for slot in slots:
        if slot.withdrawn_at is None and selectors.in_booking_window(slot, now=now):
            weeks.setdefault(slot.organisation_id, set()).add(recurrence.local_week(slot.starts_at))
    if not weeks:
        return

    def send() -> None:
        for organisation_id, week_starts in weeks.items():
            entries = [
                entry
                for entry in WaitlistEntry.objects.filter(
                    organisation_id=organisation_id, week_start__in=week_starts
                )
                .exclude(keyworker_id__in=skip_user_ids)
                .select_related("keyworker")
                .order_by("created_at", "pk")
                if access.waitlist_hears(entry.keyworker, organisation_id)
            ]
            for entry in entries:
                notify(
                    entry.keyworker,
                    title=f"{why} in the week of {entry.week_start:%-d %B %Y}",
                    body="Book it on the consultations page before someone else does.",
                    url=reverse("reflective_consultations"),
                )
            WaitlistEntry.objects.filter(pk__in=[e.pk for e in entries]).update(last_notified_at=now)

    transaction.on_commit(send)


def waitlist_tell_newly_open(*, now: dt.datetime | None = None) -> int:
    """Tell each person waiting for a week of a free time in it that has come into its
    booking window since they joined or were last told. Returns how many were told.
    Safe to run as often as wanted: each entry records when it was last told."""
    now = now or timezone.now()
    told = 0
    with transaction.atomic():
        for entry in selectors.waitlist_newly_open(now=now):
            notify(
                entry.keyworker,
                title=f"A consultation time can now be booked in the week of {entry.week_start:%-d %B %Y}",
                body="Book it on the consultations page before someone else does.",
                url=reverse("reflective_consultations"),
            )
            WaitlistEntry.objects.filter(pk=entry.pk).update(last_notified_at=now)
            told += 1
    return told


# --- reminders ------------------------------------------------------------------------------

REMINDER_HOURS = 24


def _remind(*, user: User, title: str, body: str, url: str, **key) -> bool:
    """Record the reminder and send it, or do neither if it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(user=user, **key)
            notify(user, title=title, body=body, url=url)
    except IntegrityError:
        return False
    return True


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Email a reminder for each group session (to the people going) and each booked
    consultation (to the keyworker and the practitioner) starting within the next
    24 hours. Returns how many were sent.

    Never twice: each reminder is recorded, keyed by the session's change counter, so
    running this again sends nothing new, while a moved session gets a fresh reminder.
    Cancelled sessions and bookings get none."""
    now = now or timezone.now()
    until = now + dt.timedelta(hours=REMINDER_HOURS)
    sent = 0
    for rsvp in selectors.session_reminders_due(now=now, until=until):
        session = rsvp.session
        where = session.online_link or session.venue
        sent += _remind(
            user=rsvp.user,
            session=session,
            sequence=session.sequence,
            title=f"Reminder: {session.series.title} on {_local(session.starts_at)}",
            body=f"Where: {where}" if where else "",
            url=reverse("reflective_session_detail", args=[session.pk]),
        )
    for booking, person in selectors.booking_reminders_due(now=now, until=until):
        other = booking.keyworker if person.pk == booking.slot.practitioner_id else booking.slot.practitioner
        where = booking.slot.location
        sent += _remind(
            user=person,
            booking=booking,
            title=f"Reminder: consultation with {other.get_full_name()} on {_local(booking.slot.starts_at)}",
            body=f"{booking.slot.get_mode_display()}{f': {where}' if where else ''}.",
            url=reverse("reflective_booking_detail", args=[booking.pk]),
        )
    return sent
