"""Demo data of the fidelity dashboard: the default targets, and the people's history
that the dashboard reads from the core (practitioners in post at different dates,
keyworkers in post since before the pilot and more or less active in the hub).

The other apps' demo data (training, champions, reflective practice, the forum) give the
remaining indicators. Safe to run again: it sets the same values each time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hub.fidelity.indicators import INDICATORS
from hub.fidelity.models import Threshold
from hub.models import Membership, Role, User

#: Days after the pilot's start each demo LA's practitioner took up post (0: before it).
PRACTITIONER_LATE = [0, 0, 0, 30, 0, 95]
#: The share of each demo LA's keyworkers active in the hub in the last 30 days.
ACTIVE_SHARE = [0.9, 0.75, 0.6, 0.85, 0.4, 0.7]


def seed(demo) -> None:
    for indicator in INDICATORS:
        Threshold.objects.get_or_create(
            indicator=indicator.key,
            defaults={
                "green_low": indicator.green_low,
                "green_high": indicator.green_high,
                "amber_low": indicator.amber_low,
                "amber_high": indicator.amber_high,
            },
        )
    start = timezone.make_aware(dt.datetime.combine(demo.pilot.starts_on, dt.time(9)))
    now = timezone.now()
    for index, la in enumerate(demo.treatment + demo.control):
        # The demo's people were in post before the pilot began.
        Membership.objects.filter(
            organisation=la,
            ended_at__isnull=True,
            role__in=[Role.KEYWORKER, Role.LA_LEAD, Role.SENIOR_LEADER],
        ).update(started_at=start - dt.timedelta(days=30))
        if index < len(demo.treatment):
            late = PRACTITIONER_LATE[index % len(PRACTITIONER_LATE)]
            Membership.objects.filter(organisation=la, role=Role.PRACTITIONER, ended_at__isnull=True).update(
                started_at=start + dt.timedelta(days=late) if late else start - dt.timedelta(days=20)
            )
        share = ACTIVE_SHARE[index % len(ACTIVE_SHARE)]
        keyworkers = list(
            User.objects.filter(
                memberships__organisation=la,
                memberships__role=Role.KEYWORKER,
                memberships__ended_at__isnull=True,
            ).order_by("email")
        )
        active = round(len(keyworkers) * share)
        for n, person in enumerate(keyworkers):
            days_ago = 1 + n % 9 if n < active else 40 + n % 30
            User.objects.filter(pk=person.pk).update(last_active_at=now - dt.timedelta(days=days_ago))
