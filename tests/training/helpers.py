from __future__ import annotations

import datetime as dt

from hub.models import Arm, OrganisationKind, Role
from tests.factories import make_la, make_org, make_user
from training import services
from training.models import Course

MONDAY = dt.date(2025, 3, 3)


def course(code: str) -> Course:
    return Course.objects.get(code=code)


def tutor():
    ift = make_org(OrganisationKind.IFT)
    return make_user(Role.TUTOR, ift)


def cpd_cohort(*, keyworkers: int = 3, la=None, actor=None, first: dt.date = MONDAY, days: int = 5):
    """A five-day CPD cohort with its days a week apart and `keyworkers` enrolled."""
    la = la or make_la(arm=Arm.TREATMENT)
    actor = actor or tutor()
    people = [make_user(Role.KEYWORKER, la) for _ in range(keyworkers)]
    cohort = services.cohort_create(actor=actor, course=course("cpd5"), name="CPD", local_authorities=[la])
    for n in range(days):
        services.day_schedule(actor=actor, cohort=cohort, date=first + dt.timedelta(weeks=n))
    services.enrolment_add_bulk(actor=actor, cohort=cohort, la=la)
    return cohort, actor, la, people
