from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from hub.fidelity import selectors
from hub.fidelity.models import Status
from hub.models import Pilot

pytestmark = pytest.mark.django_db


def test_the_demo_dashboard_shows_cells_on_track_needing_watching_and_off_track():
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    pilot = Pilot.current()
    month = selectors.default_month(pilot)
    data = selectors.fidelity_dashboard(month=month, pilot=pilot, las=selectors.treatment_las())
    assert len(data.rows) == 6
    for status in (Status.GREEN, Status.AMBER, Status.RED):
        assert data.counts[status] > 0, status
    # Every indicator with data recorded has a figure in words in some LA.
    recorded = {c.indicator.key for row in data.rows for c in row.cells if c.status != Status.NONE}
    assert {"practitioner", "cpd_completion", "engagement", "reflective_sessions"} <= recorded
