from __future__ import annotations

from hub.demo import seed_core
from hub.models import Organisation
from hub.recruitment import demo as recruitment_demo
from hub.recruitment import selectors
from hub.recruitment.models import (
    EoiStatus,
    ExpressionOfInterest,
    Randomisation,
    RecruitmentRound,
    SeedSource,
)


def test_the_demo_round_is_closed_fully_assessed_and_holds_the_randomisation_that_gave_the_demo_arms(db):
    demo = seed_core()
    recruitment_demo.seed(demo)
    round = RecruitmentRound.objects.get(name=recruitment_demo.ROUND_NAME)
    assert round.is_open is False
    eois = ExpressionOfInterest.objects.filter(round=round)
    assert eois.count() == 14
    assert eois.filter(status=EoiStatus.DRAFT).count() == 1
    assert eois.filter(status=EoiStatus.SUBMITTED, assessment__isnull=True).count() == 0
    assert eois.filter(assessment__eligible=False).count() == 1
    assert eois.filter(assessment__eligible=True).count() == 12
    # The assessor's to-do is in the open round.
    waiting = ExpressionOfInterest.objects.get(round__name=recruitment_demo.OPEN_ROUND_NAME)
    assert waiting.status == EoiStatus.SUBMITTED and waiting.local_authority == recruitment_demo.UNASSESSED_LA

    run = Randomisation.objects.get(round=round)
    assert run.seed_source == SeedSource.DEMO_SEARCH
    assert selectors.randomisation_check(run).matches
    assert set(run.treatment) == {la.name for la in demo.treatment}
    assert set(run.control) == {la.name for la in demo.control}
    for la in Organisation.objects.local_authorities():
        assert la.arm == ("treatment" if la.name in run.treatment else "control")
    assert {"Ashdown Council", "Larkhill Council"} <= set(run.eligible)

    # Loading the demo again changes nothing.
    recruitment_demo.seed(seed_core())
    assert ExpressionOfInterest.objects.filter(round=round).count() == 14
    assert ExpressionOfInterest.objects.count() == 15
    assert Randomisation.objects.count() == 1
    assert RecruitmentRound.objects.filter(is_open=True).count() == 1
