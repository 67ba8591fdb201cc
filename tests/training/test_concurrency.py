"""Two people writing the same cohort or register at the same moment.

Real threads with their own database connections, so the row locks do the work
(TransactionTestCase semantics). The meaningful run is on PostgreSQL; SQLite
serialises writers and must give the same answer."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hub.models import Arm, Role
from tests.factories import make_la, make_user
from tests.training.helpers import MONDAY, course, tutor
from training import services
from training.models import Attendance, AttendanceChange, Status


def _at_once(calls) -> list[BaseException]:
    """Run each call in its own thread, all released together; return what they raised."""
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call):
        try:
            start.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_tutors_scheduling_the_next_free_day_at_once_get_two_days():
    la = make_la(arm=Arm.TREATMENT)
    first, second = tutor(), tutor()
    cohort = services.cohort_create(actor=first, course=course("cpd5"), name="C", local_authorities=[la])
    services.day_schedule(actor=first, cohort=cohort, date=MONDAY)
    dates = {first: MONDAY + dt.timedelta(weeks=1), second: MONDAY + dt.timedelta(weeks=2)}

    errors = _at_once(
        [lambda who=who: services.day_schedule(actor=who, cohort=cohort, date=dates[who]) for who in dates]
    )

    assert errors == []
    days = dict(cohort.days.values_list("date", "number"))
    assert sorted(days) == [MONDAY, *sorted(dates.values())]
    assert days[MONDAY] == 1 and sorted(days.values()) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_mark_everyone_present_at_the_moment_of_a_single_mark_keeps_that_mark():
    la = make_la(arm=Arm.TREATMENT)
    actor = tutor()
    people = [make_user(Role.KEYWORKER, la) for _ in range(20)]
    cohort = services.cohort_create(actor=actor, course=course("cpd5"), name="C", local_authorities=[la])
    day = services.day_schedule(actor=actor, cohort=cohort, date=MONDAY)
    services.enrolment_add_bulk(actor=actor, cohort=cohort, la=la)
    late = people[:5]

    errors = _at_once(
        [lambda: services.attendance_mark_all_present(actor=actor, day=day, today=MONDAY)]
        + [
            lambda p=p: services.attendance_mark(
                actor=actor, day=day, user=p, status=Status.LATE, today=MONDAY
            )
            for p in late
        ]
    )

    assert errors == []
    statuses = dict(Attendance.objects.filter(day=day).values_list("user_id", "status"))
    assert len(statuses) == 20
    # Each late mark either came first (and stayed) or came second (and changed "present").
    assert all(statuses[p.pk] == Status.LATE for p in late)
    assert AttendanceChange.objects.filter(attendance__day=day).count() in range(20, 26)
