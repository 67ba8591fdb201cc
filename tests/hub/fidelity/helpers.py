from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hub.models import Membership, Role, User
from tests.factories import set_pilot

PILOT_START = dt.date(2025, 1, 1)
PILOT_END = dt.date(2025, 12, 31)
MARCH = dt.date(2025, 3, 1)
APRIL = dt.date(2025, 4, 1)


def pilot():
    return set_pilot(starts_on=PILOT_START, ends_on=PILOT_END)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def joined(user: User, day: dt.date, role: str | None = None) -> None:
    """Date the person's role(s) as if they had been given on `day`."""
    qs = Membership.objects.filter(user=user)
    if role:
        qs = qs.filter(role=role)
    qs.update(started_at=at(day))


def active_on(user: User, day: dt.date | None) -> None:
    user.last_active_at = at(day) if day else None
    user.save(update_fields=["last_active_at"])


def keyworkers(la, n: int, *, since: dt.date = dt.date(2024, 12, 1)) -> list[User]:
    from tests.factories import make_user

    people = [make_user(Role.KEYWORKER, la) for _ in range(n)]
    for person in people:
        joined(person, since)
    return people


def monthly_series(practitioner: User, teams, first_day: dt.date, last_day: dt.date):
    """A monthly reflective series (second Wednesday, 10:00-11:30) through the service."""
    from reflective_practice import services as reflective

    return reflective.series_create(
        actor=practitioner,
        teams=teams,
        ordinal=1,
        weekday=2,
        start_time=dt.time(10),
        end_time=dt.time(11, 30),
        venue="Town hall",
        first_day=first_day,
        last_day=last_day,
    )
