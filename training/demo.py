"""Demo training: a five-day CPD cohort per treatment LA at different stages (some
finished, some under way, one not started) with partly marked registers, a leaders'
day, a targeted day, and the control LAs' post-pilot CPD scheduled after the pilot."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hub.models import Role
from training import services
from training.models import Cohort, Course, Status

WEIGHTS = [
    (Status.PRESENT, 80),
    (Status.LATE, 6),
    (Status.ABSENT, 7),
    (Status.LEFT_EARLY, 4),
    (Status.EXCUSED, 3),
]


def _status(rng) -> str:
    values, weights = zip(*WEIGHTS, strict=True)
    return rng.choices(values, weights=weights)[0]


def _mark(day, tutor, rng, today, *, fraction: float = 1.0) -> None:
    enrolments = list(day.cohort.enrolments.active().select_related("user"))
    for enrolment in enrolments[: round(len(enrolments) * fraction)]:
        services.attendance_mark(actor=tutor, day=day, user=enrolment.user, status=_status(rng), today=today)


def seed(demo) -> None:
    if Cohort.objects.filter(name__endswith="(demo)").exists():
        return
    today = timezone.localdate()
    rng = demo.rng
    course = {c.code: c for c in Course.objects.all()}
    tutors = [demo.user("tutor1@ift.example"), demo.user("tutor2@ift.example")]
    for i, la in enumerate(demo.treatment):
        tutor = tutors[i % 2]
        cohort = services.cohort_create(
            actor=tutor, course=course["cpd5"], name=f"{la.name} five-day CPD (demo)", local_authorities=[la]
        )
        first = today - dt.timedelta(days=110 - 21 * i)
        days = [
            services.day_schedule(
                actor=tutor,
                cohort=cohort,
                date=first + dt.timedelta(weeks=2 * n),
                venue=f"{la.name} training room" if n % 2 == 0 else "",
                online_url="" if n % 2 == 0 else "https://meet.example/ift-training",
            )
            for n in range(5)
        ]
        services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=la)
        past = [d for d in days if d.date <= today]
        for index, day in enumerate(past):
            # The most recent day of a running cohort is only partly marked.
            partly = index == len(past) - 1 and len(past) < 5
            _mark(day, tutor, rng, today, fraction=0.5 if partly else 1.0)
        if i == 0 and past:
            # One keyworker caught up a missed day with another cohort.
            missed = past[0].marks.filter(status=Status.ABSENT).select_related("user").first()
            if missed:
                services.attendance_mark(
                    actor=tutor, day=past[0], user=missed.user, status=Status.CAUGHT_UP, today=today
                )

    leaders = services.cohort_create(
        actor=tutors[0],
        course=course["leaders"],
        name="Leaders' day (demo)",
        local_authorities=demo.treatment,
    )
    leaders_day = services.day_schedule(
        actor=tutors[0], cohort=leaders, date=today - dt.timedelta(days=150), venue="IFT, London"
    )
    for la in demo.treatment:
        services.enrolment_add_bulk(actor=tutors[0], cohort=leaders, la=la)
    _mark(leaders_day, tutors[0], rng, today)

    first_la = demo.treatment[0]
    practitioner = (
        first_la.memberships.filter(role=Role.PRACTITIONER, ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    if practitioner:
        targeted = services.cohort_create(
            actor=practitioner.user,
            course=course["targeted"],
            name=f"{first_la.name}: genograms in practice (demo)",
            local_authorities=[first_la],
        )
        day = services.day_schedule(
            actor=practitioner.user, cohort=targeted, date=today - dt.timedelta(days=9), venue="Civic centre"
        )
        services.enrolment_add_bulk(actor=practitioner.user, cohort=targeted, la=first_la)
        _mark(day, practitioner.user, rng, today, fraction=0.6)

    control = demo.control[:2]
    if control:
        post = services.cohort_create(
            actor=tutors[1],
            course=course["postpilot"],
            name="Post-pilot CPD (demo)",
            local_authorities=control,
        )
        start = demo.pilot.ends_on + dt.timedelta(days=14)
        for n in range(2):
            services.day_schedule(
                actor=tutors[1], cohort=post, date=start + dt.timedelta(days=7 * n), venue="Online"
            )
        for la in control:
            services.enrolment_add_bulk(actor=tutors[1], cohort=post, la=la)
