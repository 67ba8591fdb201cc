"""Demo champions: every treatment LA has some (two LAs at the 10% and 20% bounds), one
withdrawal with a replacement, one nomination waiting, the ten-day course under way with
partial attendance, and logged activities."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from champions import services
from champions.models import ActivityKind, Nomination
from hub.models import Role
from training import services as training
from training.models import Course, Status

COUNTS = [2, 4, 3, 3, 2, 4]  # of 20 keyworkers each: 10%, 20%, 15%, ...
DESCRIPTIONS = {
    ActivityKind.HUDDLE: "Ran a fifteen-minute huddle on circular questions.",
    ActivityKind.GENOGRAM: "Practised drawing genograms with a made-up family.",
    ActivityKind.CO_WORKING: "Co-worked a visit and talked through hypotheses afterwards.",
    ActivityKind.CASE_DISCUSSION: "Used the social graces in a case discussion.",
    ActivityKind.OTHER: "Shared a reflective writing exercise at the team meeting.",
}


def seed(demo) -> None:
    if Nomination.objects.exists():
        return
    today = timezone.localdate()
    rng = demo.rng
    tutor = demo.user("tutor1@ift.example")
    delivery = demo.user("delivery.lead@ift.example")
    approved_on = today - dt.timedelta(days=160)
    champions = []
    for i, la in enumerate(demo.treatment):
        lead = la.memberships.get(role=Role.LA_LEAD, ended_at__isnull=True).user
        keyworkers = [
            m.user
            for m in la.memberships.filter(role=Role.KEYWORKER, ended_at__isnull=True).select_related("user")
        ]
        keyworkers.sort(key=lambda u: u.email)
        for person in keyworkers[: COUNTS[i % len(COUNTS)]]:
            nomination = services.nomination_create(
                actor=lead, la=la, user=person, reason="Curious, respected by the team, and keen to learn."
            )
            services.nomination_approve(
                actor=tutor if i % 2 else delivery, nomination=nomination, on=approved_on
            )
            champions.append((la, person))
        if i == 2:
            leaving = Nomination.objects.filter(la=la).order_by("pk").first()
            services.champion_withdraw(
                actor=lead,
                nomination=leaving,
                on=today - dt.timedelta(days=40),
                reason="Moved to another service",
            )
            champions = [c for c in champions if c[1] != leaving.user]
            replacement = keyworkers[COUNTS[i]]
            nomination = services.nomination_create(actor=lead, la=la, user=replacement, reason="Replacement")
            services.nomination_approve(actor=tutor, nomination=nomination, on=today - dt.timedelta(days=30))
            champions.append((la, replacement))
        if i == 4:
            services.nomination_create(
                actor=lead, la=la, user=keyworkers[COUNTS[i]], reason="Leads the team's reflective huddles."
            )

    course = Course.objects.get(code="champions")
    cohort = training.cohort_create(
        actor=tutor,
        course=course,
        name="Champions' foundation course (demo)",
        local_authorities=demo.treatment,
    )
    first = today - dt.timedelta(days=126)
    days = [
        training.day_schedule(
            actor=tutor, cohort=cohort, date=first + dt.timedelta(weeks=2 * n), venue="IFT, London"
        )
        for n in range(10)
    ]
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, users=[person for _, person in champions])
    for day in days:
        if day.date > today:
            break
        for enrolment in cohort.enrolments.active().select_related("user"):
            status = Status.PRESENT if rng.random() < 0.85 else rng.choice([Status.ABSENT, Status.LATE])
            training.attendance_mark(actor=tutor, day=day, user=enrolment.user, status=status, today=today)

    kinds = list(DESCRIPTIONS)
    for _la, person in champions:
        person.__dict__.pop("_hub_is_champion", None)
        team = person.memberships.filter(role=Role.KEYWORKER).first().team
        for _n in range(rng.randint(1, 5)):
            kind = rng.choice(kinds)
            services.activity_log(
                actor=person,
                date=today - dt.timedelta(days=rng.randint(1, 120)),
                kind=kind,
                colleagues=rng.randint(2, 9),
                description=DESCRIPTIONS[kind],
                team=team,
            )
