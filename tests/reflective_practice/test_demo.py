from __future__ import annotations

from django.utils import timezone

from hub.demo import Demo
from hub.models import Arm, Pilot, Role
from reflective_practice import demo, selectors
from reflective_practice.models import Booking, BookingStatus, SessionSeries, Slot
from tests.factories import make_la, make_user


def test_demo_data_gives_each_team_a_series_with_held_sessions_and_booked_consultations():
    la = make_la("Ashdown Council", Arm.TREATMENT, teams=2)
    make_user(Role.PRACTITIONER, la, email="practitioner@ashdown.example")
    for n, team in enumerate(la.teams.all()):
        for k in range(3):
            make_user(Role.KEYWORKER, la, team=team, email=f"keyworker{n}{k}@ashdown.example")
    pilot = Pilot.current()
    setting = Demo(pilot=pilot, treatment=[la])
    demo.seed(setting)
    demo.seed(setting)  # a second run adds nothing
    assert SessionSeries.objects.filter(organisation=la).count() == 2
    slots = Slot.objects.filter(organisation=la).count()
    assert slots > 10
    assert Booking.objects.filter(slot__organisation=la).exclude(status=BookingStatus.CANCELLED).exists()
    months = pilot.months(until=timezone.localdate().replace(day=1))[:-1]
    held = selectors.sessions_held_by_team_month(months=months, organisation_ids=[la.pk])
    assert any(any(by_month.values()) for by_month in held.values())
