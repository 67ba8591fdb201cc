from __future__ import annotations

from django.utils import timezone

from hub.demo import seed_core
from training import demo, selectors
from training.models import Attendance, Cohort, TrainingDay


def test_the_demo_holds_cohorts_with_past_days_and_partly_marked_registers(db):
    core = seed_core()
    demo.seed(core)
    demo.seed(core)  # a second run adds nothing
    assert Cohort.objects.filter(course__code="cpd5").count() == 6
    today = timezone.localdate()
    assert TrainingDay.objects.filter(date__lt=today).exists()
    assert TrainingDay.objects.filter(date__gt=today).exists()
    partly = [
        d
        for d in TrainingDay.objects.filter(date__lte=today, cohort__course__code="cpd5")
        if 0 < d.marks.count() < d.cohort.enrolments.count()
    ]
    assert partly
    assert Attendance.objects.filter(status="caught_up").exists()
    completion = selectors.cpd_completion_by_la(today)
    assert any(row["completed"] for row in completion.values())
