from __future__ import annotations

from champions import demo as champions_demo
from champions import selectors
from champions.models import Activity, Nomination
from hub.demo import seed_core
from training import demo as training_demo
from training.models import Attendance


def test_the_demo_has_champions_in_every_treatment_la_near_the_bounds(db):
    core = seed_core()
    training_demo.seed(core)
    champions_demo.seed(core)
    champions_demo.seed(core)  # a second run adds nothing
    ratios = selectors.ratios()
    assert all(r.champions >= 1 for r in ratios.values())
    assert {r.percent for r in ratios.values()} >= {10.0, 20.0}
    assert Nomination.objects.filter(status="withdrawn").exists()
    assert Nomination.objects.filter(status="pending").exists()
    assert Attendance.objects.filter(day__cohort__course__code="champions").exists()
    assert Activity.objects.exists()
