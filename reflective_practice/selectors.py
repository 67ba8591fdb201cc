"""Reads of reflective practice: who is invited, what a person may see, free slots,
and the per-team, per-month record of sessions held that the fidelity dashboard reads."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from hub import access
from hub.models import Membership, Role, Team, User
from reflective_practice import recurrence
from reflective_practice.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingStatus,
    Reminder,
    Rsvp,
    Session,
    SessionStatus,
    Slot,
    WaitlistEntry,
)
from training import ics as training_ics


def _invited(user, series) -> Exists:
    """Whether `user` is invited to `series` (each a value or an OuterRef): a current
    keyworker membership of one of the series' teams."""
    return Exists(
        Membership.objects.filter(
            user=user, role=Role.KEYWORKER, ended_at__isnull=True, team__session_series=series
        )
    )


def session_invitees(session: Session) -> QuerySet[User]:
    """The keyworkers of the teams the session's series invites."""
    return User.objects.filter(_invited(OuterRef("pk"), session.series_id), is_active=True).order_by(
        "full_name", "email"
    )


def _visible_sessions(user) -> QuerySet[Session]:
    la_ids = access.reflective_la_ids(user)
    if la_ids is None:
        return Session.objects.all()
    q = Q(series__organisation_id__in=la_ids)
    team = access.home_team(user)
    if access.is_keyworker(user) and team is not None:
        q |= Q(series__teams=team)
    return Session.objects.filter(pk__in=Session.objects.filter(q).values("pk"))


def sessions_for(
    user, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> QuerySet[Session]:
    """The sessions a person may see, with counts of people going and attending and the
    person's own reply (`my_going`: True, False or None), in a fixed number of queries."""
    qs = _visible_sessions(user)
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    if until is not None:
        qs = qs.filter(starts_at__lt=until)
    mine = Rsvp.objects.filter(session=OuterRef("pk"), user=user).values("going")[:1]
    return (
        qs.select_related("series", "series__organisation")
        .prefetch_related("series__teams")
        .annotate(
            going_count=Count("rsvps", filter=Q(rsvps__going=True), distinct=True),
            attended_count=Count("attendances", distinct=True),
            my_going=Subquery(mine),
        )
        .order_by("starts_at")
    )


def session_detail(pk: int) -> Session:
    return Session.objects.select_related("series", "series__organisation", "series__practitioner").get(pk=pk)


def sessions_held_by_team_month(
    *, months: list[dt.date], organisation_ids: list[int] | None = None, now: dt.datetime | None = None
) -> dict[int, dict[dt.date, bool]]:
    """Whether each team had a group session held in each month.

    Returns ``{team_id: {first_day_of_month: held}}`` for every team of the given LAs
    (all LAs when None) and every month in `months` (first days of months, as
    `Pilot.months()` gives them). A session counts as held in a month when its
    Europe/London start date falls in that month, it was not cancelled, it started
    before `now`, and its practitioner marked attendance. Two queries, whatever the
    number of teams or months."""
    now = now or timezone.now()
    teams = Team.objects.all()
    if organisation_ids is not None:
        teams = teams.filter(organisation_id__in=organisation_ids)
    result = {team_id: dict.fromkeys(months, False) for team_id in teams.values_list("pk", flat=True)}
    if not months or not result:
        return result
    first = recurrence.local_to_utc(min(months), dt.time(0, 0))
    last_month = max(months)
    after = (last_month + dt.timedelta(days=32)).replace(day=1)
    held = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            attendance_marked_at__isnull=False,
            starts_at__lt=min(now, recurrence.local_to_utc(after, dt.time(0, 0))),
            starts_at__gte=first,
            series__teams__in=list(result),
        )
        .values_list("series__teams", "starts_at")
        .distinct()
    )
    for team_id, starts_at in held:
        month = timezone.localtime(starts_at, recurrence.LONDON).date().replace(day=1)
        if month in result[team_id]:
            result[team_id][month] = True
    return result


# --- consultations -------------------------------------------------------------------


def _unbooked() -> Exists:
    return ~Exists(Booking.objects.filter(ACTIVE_BOOKING, slot=OuterRef("pk")))


def in_booking_window(slot: Slot, *, now: dt.datetime) -> bool:
    """Whether the time may be booked at `now`: no sooner than its minimum notice, and no
    further ahead than its booking window."""
    return (
        now + dt.timedelta(hours=slot.min_hours_ahead)
        <= slot.starts_at
        <= now + dt.timedelta(weeks=slot.max_weeks_ahead)
    )


def free_slots(*, organisation_id: int, now: dt.datetime | None = None) -> list[Slot]:
    """Slots of an LA's practitioner that a keyworker could book now: not withdrawn, not
    booked, and inside each slot's booking window."""
    now = now or timezone.now()
    candidates = (
        Slot.objects.filter(organisation_id=organisation_id, withdrawn_at__isnull=True, starts_at__gt=now)
        .filter(_unbooked())
        .select_related("practitioner")
        .order_by("starts_at")
    )
    return [s for s in candidates if in_booking_window(s, now=now)]


def practitioner_slots(practitioner: User, *, since: dt.datetime) -> QuerySet[Slot]:
    """A practitioner's offered times from `since`, each with `active_bookings` (0 or 1)."""
    return (
        Slot.objects.filter(practitioner=practitioner, withdrawn_at__isnull=True, ends_at__gte=since)
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(ACTIVE_BOOKING).select_related("keyworker"),
                to_attr="active_bookings",
            )
        )
        .order_by("starts_at")
    )


def bookings_of(keyworker: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(keyworker=keyworker)
        .select_related("slot", "slot__practitioner")
        .order_by("-slot__starts_at")
    )


def booking_detail(pk: int) -> Booking:
    return Booking.objects.select_related("slot", "slot__practitioner", "keyworker", "cancelled_by").get(
        pk=pk
    )


def waitlist_of(keyworker: User, *, now: dt.datetime) -> QuerySet[WaitlistEntry]:
    """The weeks a keyworker is waiting for, from this week on."""
    this_week = recurrence.week_start(timezone.localtime(now, recurrence.LONDON).date())
    return WaitlistEntry.objects.filter(keyworker=keyworker, week_start__gte=this_week).order_by("week_start")


def waitlist_weeks(*, now: dt.datetime, weeks: int = 8) -> list[dt.date]:
    """The Mondays of this week and the next few, to offer on the waiting-list form."""
    this_week = recurrence.week_start(timezone.localtime(now, recurrence.LONDON).date())
    return [this_week + dt.timedelta(weeks=n) for n in range(weeks)]


def waitlist_newly_open(*, now: dt.datetime) -> list[WaitlistEntry]:
    """Waiting-list entries, in the order people joined, whose week holds a free time
    that came into its booking window after they joined or were last told: a time
    offered further ahead than it may be booked tells no one when it is offered, so it
    is told here once it opens. Two queries per LA with people waiting."""
    this_week = recurrence.week_start(timezone.localtime(now, recurrence.LONDON).date())
    entries = list(
        WaitlistEntry.objects.filter(week_start__gte=this_week)
        .select_related("keyworker")
        .order_by("created_at", "pk")
    )
    opened: dict[tuple[int, dt.date], list[dt.datetime]] = {}
    for organisation_id in {e.organisation_id for e in entries}:
        for slot in free_slots(organisation_id=organisation_id, now=now):
            key = (organisation_id, recurrence.local_week(slot.starts_at))
            opened.setdefault(key, []).append(slot.starts_at - dt.timedelta(weeks=slot.max_weeks_ahead))
    return [
        e
        for e in entries
        if any(
            moment > (e.last_notified_at or e.created_at)
            for moment in opened.get((e.organisation_id, e.week_start), ())
        )
        and access.waitlist_hears(e.keyworker, e.organisation_id)
    ]


# --- reminders -----------------------------------------------------------------------


def session_reminders_due(*, now: dt.datetime, until: dt.datetime) -> list[Rsvp]:
    """Replies of people going to a scheduled session that starts after `now` and by
    `until`, who have had no reminder for the session as it now stands. People no
    longer invited (their team left, or they moved on) and people the access policy no
    longer shows reflective practice (moved to a control LA, say) are left out."""
    sent = Reminder.objects.filter(
        session=OuterRef("session"), user=OuterRef("user"), sequence=OuterRef("session__sequence")
    )
    due = (
        Rsvp.objects.filter(
            _invited(OuterRef("user"), OuterRef("session__series")),
            going=True,
            user__is_active=True,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=until,
        )
        .filter(~Exists(sent))
        .select_related("session__series", "user")
        .order_by("session__starts_at", "pk")
    )
    return [rsvp for rsvp in due if access.feed_shows(rsvp.user, access.REFLECTIVE)]


def booking_reminders_due(*, now: dt.datetime, until: dt.datetime) -> list[tuple[Booking, User]]:
    """(booking, person) for each booked consultation starting after `now` and by
    `until` whose keyworker or practitioner has had no reminder for it yet, leaving out
    anyone the access policy no longer shows consultations (moved to a control LA, say)."""

    def sent(field: str) -> Exists:
        return Exists(Reminder.objects.filter(booking=OuterRef("pk"), user=OuterRef(field)))

    bookings = (
        Booking.objects.filter(
            status=BookingStatus.BOOKED, slot__starts_at__gt=now, slot__starts_at__lte=until
        )
        .annotate(keyworker_reminded=sent("keyworker"), practitioner_reminded=sent("slot__practitioner"))
        .filter(Q(keyworker_reminded=False) | Q(practitioner_reminded=False))
        .select_related("slot", "slot__practitioner", "keyworker")
        .order_by("slot__starts_at", "pk")
    )
    due: list[tuple[Booking, User]] = []
    for b in bookings:
        for person, reminded in (
            (b.keyworker, b.keyworker_reminded),
            (b.slot.practitioner, b.practitioner_reminded),
        ):
            if not reminded and access.feed_shows(person, access.CONSULTATIONS):
                due.append((b, person))
    return due


# --- calendar feed -------------------------------------------------------------------


def feed_sessions(user, *, since: dt.datetime) -> QuerySet[Session]:
    """Sessions for a person's feed: those they are invited to or run (cancelled ones
    included, so calendars drop them)."""
    q = Q(series__practitioner=user)
    team = access.home_team(user)
    if access.is_keyworker(user) and team is not None:
        q |= Q(series__teams=team)
    ids = Session.objects.filter(q, ends_at__gte=since).values("pk")
    return Session.objects.filter(pk__in=ids).select_related("series").order_by("starts_at")


def feed_bookings(user, *, since: dt.datetime) -> QuerySet[Booking]:
    """Consultations for a person's feed: their own bookings and those of their slots."""
    return (
        Booking.objects.filter(Q(keyworker=user) | Q(slot__practitioner=user), slot__ends_at__gte=since)
        .select_related("slot", "slot__practitioner", "keyworker")
        .order_by("slot__starts_at")
    )


def feed_training_days(user, *, since: dt.date):
    """Training days of the cohorts a person is enrolled on (enrolment not removed)."""
    from training.models import TrainingDay

    return (
        TrainingDay.objects.filter(
            cohort__enrolments__user=user, cohort__enrolments__removed_at__isnull=True, date__gte=since
        )
        .select_related("cohort__course")
        .distinct()
        .order_by("date", "starts_at")
    )


def booking_event(booking: Booking, *, user: User):
    """A consultation as a calendar event, named after the other person: the
    practitioner for the keyworker who booked, the keyworker for anyone else."""
    from django.conf import settings
    from django.urls import reverse

    from reflective_practice.ics import Event

    with_whom = booking.slot.practitioner if booking.keyworker_id == user.pk else booking.keyworker
    return Event(
        uid=booking.uid,
        starts_at=booking.slot.starts_at,
        ends_at=booking.slot.ends_at,
        summary=f"Consultation with {with_whom.get_full_name()}",
        location=booking.slot.location,
        url=getattr(settings, "SITE_URL", "") + reverse("reflective_booking_detail", args=[booking.pk]),
        cancelled=not booking.is_active,
        sequence=0 if booking.is_active else 1,
    )


def feed_events(user, *, now: dt.datetime, request=None) -> list:
    """The events of a person's calendar feed, each asked of the access policy: a
    control-arm person during the pilot gets no treatment events."""
    from django.conf import settings
    from django.urls import reverse

    from reflective_practice.ics import Event

    site = getattr(settings, "SITE_URL", "")
    since = now - dt.timedelta(days=90)
    events: list[Event] = []
    if access.feed_shows(user, access.REFLECTIVE, request=request):
        for s in feed_sessions(user, since=since):
            where = s.online_link or s.venue
            events.append(
                Event(
                    uid=s.uid,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    summary=s.series.title,
                    description=s.change_reason and f"Changed: {s.change_reason}",
                    location=where,
                    url=site + reverse("reflective_session_detail", args=[s.pk]),
                    cancelled=s.is_cancelled,
                    sequence=s.sequence,
                )
            )
    if access.feed_shows(user, access.CONSULTATIONS, request=request):
        events += [booking_event(b, user=user) for b in feed_bookings(user, since=since)]
    shown: dict[int, bool] = {}
    for day in feed_training_days(user, since=since.date()):
        course = day.cohort.course
        if course.pk not in shown:
            shown[course.pk] = access.feed_shows_course(user, course, request=request)
        if shown[course.pk]:
            # The same UID as the training day's own .ics download, so the two merge.
            one = training_ics.day_event(day)
            events.append(
                Event(
                    uid=one.uid,
                    starts_at=one.start,
                    ends_at=one.end,
                    summary=one.summary,
                    description=one.description,
                    location=one.location,
                    url=site + reverse("training_cohort", args=[day.cohort_id]),
                )
            )
    events.sort(key=lambda e: e.starts_at)
    return events
