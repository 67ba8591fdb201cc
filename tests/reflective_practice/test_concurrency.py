"""Many keyworkers booking the same slot at the same moment: exactly one wins.

Real threads with their own database connections, so the row lock and the unique
constraint do the work (TransactionTestCase semantics). The meaningful run is on
PostgreSQL; SQLite serialises writers and must give the same answer."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from hub.models import Arm, Role
from reflective_practice import services
from reflective_practice.models import Booking, BookingStatus
from tests.factories import make_la, make_user, pilot_around_today
from tests.reflective_practice.conftest import NOW, slot_at

ATTEMPTS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_attempts_at_one_slot_give_exactly_one_booking():
    pilot_around_today()
    la = make_la("Raceford Council", Arm.TREATMENT)
    practitioner = make_user(Role.PRACTITIONER, la)
    keyworkers = [make_user(Role.KEYWORKER, la) for _ in range(ATTEMPTS)]
    slot = slot_at(practitioner, NOW + dt.timedelta(days=2))
    start = threading.Barrier(ATTEMPTS)
    wins: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def attempt(keyworker):
        try:
            start.wait()
            booking = services.booking_create(actor=keyworker, slot=slot, purpose="Supervision", now=NOW)
            with lock:
                wins.append(booking.pk)
        except services.SlotTaken as exc:
            with lock:
                refusals.append(exc.messages[0])
        except ValidationError as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(kw,)) for kw in keyworkers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(wins) == 1
    assert refusals == ["That time has just been taken."] * (ATTEMPTS - 1)
    assert Booking.objects.filter(slot=slot).exclude(status=BookingStatus.CANCELLED).count() == 1
