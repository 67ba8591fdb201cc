from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.access_table import IFT, TREATMENT, Url

MANAGERS = {"tutor", "delivery_lead", "hub_admin"}
COHORT_VIEWERS = MANAGERS | {"t_la_lead", "t_senior", "t_keyworker"}


def _cohort(w) -> int:
    return w.extra["training_cohort"].pk


def _day(w) -> int:
    return w.extra["training_day"].pk


RULES = [
    Url("training_index", "/training/", TREATMENT | IFT, treatment=True),
    Url("training_completion", "/training/completion/", MANAGERS),
    Url("training_cohort_create", "/training/cohorts/new/", MANAGERS | {"t_practitioner"}),
    Url("training_cohort", lambda w: f"/training/cohorts/{_cohort(w)}/", COHORT_VIEWERS, treatment=True),
    Url("training_day_schedule", lambda w: f"/training/cohorts/{_cohort(w)}/days/", MANAGERS),
    Url("training_cohort_enrol", lambda w: f"/training/cohorts/{_cohort(w)}/enrol/", MANAGERS),
    Url(
        "training_cohort_ics",
        lambda w: f"/training/cohorts/{_cohort(w)}/calendar.ics",
        COHORT_VIEWERS,
        treatment=True,
    ),
    Url("training_cohort_csv", lambda w: f"/training/cohorts/{_cohort(w)}/register.csv", MANAGERS),
    Url(
        "training_enrolment_remove",
        lambda w: f"/training/enrolments/{w.extra['training_enrolment'].pk}/remove/",
        MANAGERS,
    ),
    Url("training_register", lambda w: f"/training/days/{_day(w)}/register/", MANAGERS),
    Url("training_day_history", lambda w: f"/training/days/{_day(w)}/history/", MANAGERS),
    Url(
        "training_day_ics", lambda w: f"/training/days/{_day(w)}/calendar.ics", COHORT_VIEWERS, treatment=True
    ),
    # Only the keyworker who completed the course gets a certificate; others are sent back.
    Url(
        "training_certificate",
        "/training/certificates/cpd5.pdf",
        TREATMENT | IFT,
        ok_status=302,
        status={"t_keyworker": 200},
        treatment=True,
    ),
    Url(
        "training_verify",
        lambda w: f"/training/verify/{w.extra['training_certificate'].number}/",
        {"anon", *TREATMENT, *IFT, "c_keyworker", "c_la_lead", "c_senior", "evaluator"},
    ),
]


def build(world) -> None:
    from training import services
    from training.models import Course

    tutor = world["tutor"]
    first = timezone.localdate() - dt.timedelta(days=60)
    cohort = services.cohort_create(
        actor=tutor,
        course=Course.objects.get(code="cpd5"),
        name="Treatville CPD",
        local_authorities=[world.treatment],
    )
    days = [
        services.day_schedule(actor=tutor, cohort=cohort, date=first + dt.timedelta(weeks=n))
        for n in range(5)
    ]
    services.enrolment_add_bulk(actor=tutor, cohort=cohort, la=world.treatment)
    for day in days:
        services.attendance_mark(actor=tutor, day=day, user=world["t_keyworker"], status="present")
    world.extra["training_cohort"] = cohort
    world.extra["training_day"] = days[0]
    world.extra["training_enrolment"] = cohort.enrolments.get(user=world["t_keyworker"])
    world.extra["training_certificate"] = services.certificate_issue(
        user=world["t_keyworker"], course=cohort.course
    )
