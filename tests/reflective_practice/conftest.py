from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from hub.models import Arm, Organisation, Role, User
from reflective_practice import services
from reflective_practice.models import Mode, Slot
from tests.factories import make_la, make_user

#: A fixed "now" for booking tests: a Monday morning in GMT.
NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@dataclass
class Place:
    la: Organisation
    practitioner: User
    kw1: User
    kw2: User
    kw_other_team: User


@pytest.fixture
def place(db) -> Place:
    la = make_la("Reflecton Council", Arm.TREATMENT, teams=2)
    team1, team2 = list(la.teams.order_by("name"))
    return Place(
        la=la,
        practitioner=make_user(Role.PRACTITIONER, la, name="Pat Practitioner"),
        kw1=make_user(Role.KEYWORKER, la, team=team1, name="Kay One"),
        kw2=make_user(Role.KEYWORKER, la, team=team1, name="Kay Two"),
        kw_other_team=make_user(Role.KEYWORKER, la, team=team2, name="Kay Three"),
    )


def slot_at(practitioner: User, starts_at: dt.datetime, minutes: int = 45, **kw) -> Slot:
    return services.slot_create(
        actor=practitioner,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        mode=kw.pop("mode", Mode.ONLINE),
        **kw,
    )
