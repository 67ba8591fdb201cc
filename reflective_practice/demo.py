"""Demo reflective practice: each treatment LA's practitioner runs monthly sessions for
each team (most past ones held and marked, with a few gaps so the fidelity dashboard
shows amber and red), and offers weekly consultation times, some of them booked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hub.models import Role
from reflective_practice import selectors, services
from reflective_practice.models import Mode, Ordinal, SessionSeries, Slot, Weekday

THEMES = [
    "Working with fathers",
    "Endings with families",
    "Curiosity about resistance",
    "Using genograms",
    "Working with schools",
    "Holding hope when progress is slow",
    "Circular questions in practice",
    "Looking after ourselves",
]

RULES = [
    (Ordinal.SECOND, Weekday.TUESDAY, dt.time(10, 0), dt.time(11, 30)),
    (Ordinal.LAST, Weekday.THURSDAY, dt.time(14, 0), dt.time(15, 30)),
    (Ordinal.FIRST, Weekday.WEDNESDAY, dt.time(9, 30), dt.time(11, 0)),
]


def _slug(la) -> str:
    return la.name.removesuffix(" Council").lower().replace(" ", "")


def seed(demo) -> None:
    rng = demo.rng
    now = timezone.now()
    for index, la in enumerate(demo.treatment):
        practitioner = demo.user(f"practitioner@{_slug(la)}.example")
        if not SessionSeries.objects.filter(organisation=la).exists():
            _sessions(la, practitioner, index, rng, now, first_day=demo.pilot.starts_on)
        if not Slot.objects.filter(practitioner=practitioner).exists():
            _consultations(la, practitioner, rng, now)


def _sessions(la, practitioner, index, rng, now, *, first_day: dt.date) -> None:
    for n, team in enumerate(la.teams.order_by("name")):
        ordinal, weekday, start, end = RULES[n % len(RULES)]
        series = services.series_create(
            actor=practitioner,
            teams=[team],
            title=f"Group reflective practice: {team.name}",
            ordinal=ordinal,
            weekday=weekday,
            start_time=start,
            end_time=end,
            venue=f"{la.name} offices, meeting room {n + 1}",
            capacity=15,
            # From the pilot's start, not today: the demo shows the months already run.
            first_day=first_day,
        )
        invitees = list(selectors.session_invitees(series.sessions.first()))
        # The later LAs in the list have more gaps: amber and red on the dashboard.
        miss_rate = [0.0, 0.05, 0.1, 0.15, 0.25, 0.35][index % 6]
        for session in series.sessions.order_by("starts_at"):
            if session.starts_at >= now:
                if session.starts_at < now + dt.timedelta(days=40):
                    for person in invitees:
                        if rng.random() < 0.6:
                            services.rsvp_set(user=person, session=session, going=rng.random() < 0.8, now=now)
                continue
            roll = rng.random()
            if roll < miss_rate / 2:
                services.session_cancel(
                    actor=practitioner, session=session, reason="The practitioner was on leave."
                )
            elif roll < miss_rate:
                continue  # it happened, but attendance was never marked
            else:
                came = [p for p in invitees if rng.random() < 0.7]
                services.attendance_mark(
                    actor=practitioner,
                    session=session,
                    attendees=came,
                    theme=rng.choice(THEMES),
                    now=session.ends_at,
                )


def _consultations(la, practitioner, rng, now) -> None:
    today = timezone.localdate()
    services.pattern_create(
        actor=practitioner,
        weekday=Weekday.WEDNESDAY,
        start_time=dt.time(13, 0),
        end_time=dt.time(16, 0),
        slot_minutes=45,
        buffer_minutes=15,
        first_day=today - dt.timedelta(days=84),
        last_day=today + dt.timedelta(weeks=8),
        mode=Mode.ONLINE,
        location="Online (the link is sent with the booking)",
        min_hours_ahead=24,
        max_weeks_ahead=8,
    )
    keyworkers = [
        m.user
        for m in la.memberships.filter(role=Role.KEYWORKER, ended_at__isnull=True).select_related("user")
    ]
    for slot in Slot.objects.filter(practitioner=practitioner).order_by("starts_at"):
        if rng.random() > 0.45:
            continue
        keyworker = rng.choice(keyworkers)
        past = slot.starts_at < now
        booked_at = slot.starts_at - dt.timedelta(days=3) if past else now
        if not past and slot.starts_at < now + dt.timedelta(hours=slot.min_hours_ahead):
            continue
        booking = services.booking_create(
            actor=keyworker, slot=slot, purpose="Thinking through a stuck piece of work", now=booked_at
        )
        if past:
            services.booking_mark(
                actor=practitioner, booking=booking, held=rng.random() < 0.85, now=slot.ends_at
            )
