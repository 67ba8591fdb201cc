"""Two people writing the same cohort or register at the same moment.

Real threads with their own database connections, so the row locks do the work
(TransactionTestCase semantics). The meaningful run is on PostgreSQL; SQLite
serialises writers and must give the same answer."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hub.models import Arm
from tests.factories import make_la
from tests.training.helpers import MONDAY, course, tutor
from training import services


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
