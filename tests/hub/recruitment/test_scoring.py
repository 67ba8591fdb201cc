"""The guidance's rule: any fail, or a 0 or 1 on any criterion, excludes the LA;
passing everything with 2 or more on every criterion makes it eligible."""

from __future__ import annotations

import itertools

import pytest

from hub.recruitment import scoring
from hub.recruitment.services import assessment_save
from tests.hub.recruitment.helpers import assessor, submitted_eoi

PASS_FAIL = [c.code for c in scoring.CRITERIA if c.kind == scoring.PASS_FAIL]
SCORED = [c.code for c in scoring.CRITERIA if c.kind == scoring.SCORE]


def test_the_matrix_has_the_guidances_four_pass_fail_and_five_scored_criteria():
    assert PASS_FAIL == ["systemic_practice", "pathfinder", "ofsted", "dcs_letter"]
    assert SCORED == [
        "project_support",
        "hiring",
        "training_embedding",
        "sustainability",
        "supporting_evaluation",
    ]


def test_every_combination_of_marks_follows_the_rule():
    """All 2^4 × 4^5 = 16,384 complete markings, checked against the rule as the guidance words it."""
    checked = 0
    for pf in itertools.product(["pass", "fail"], repeat=len(PASS_FAIL)):
        for scores in itertools.product(["0", "1", "2", "3"], repeat=len(SCORED)):
            marks = dict(zip(PASS_FAIL, pf, strict=True)) | dict(zip(SCORED, scores, strict=True))
            any_fail = "fail" in pf
            any_low = any(int(s) <= 1 for s in scores)
            result = scoring.outcome(marks)
            assert result.eligible is (not any_fail and not any_low), marks
            if result.eligible is False:
                # Each reason names one failing criterion, and every failing criterion is named.
                assert len(result.reasons) == pf.count("fail") + sum(int(s) <= 1 for s in scores)
            checked += 1
    assert checked == 16 * 1024


@pytest.mark.parametrize("failing", PASS_FAIL)
@pytest.mark.parametrize("low", [None, *SCORED])
@pytest.mark.parametrize("low_score", ["0", "1"])
def test_a_fail_with_or_without_a_low_score_excludes(failing, low, low_score):
    marks = {c: "pass" for c in PASS_FAIL} | {c: "3" for c in SCORED}
    marks[failing] = "fail"
    if low:
        marks[low] = low_score
    result = scoring.outcome(marks)
    assert result.eligible is False
    assert any(scoring.BY_CODE[failing].label in r for r in result.reasons)
    if low:
        assert any(f"{scoring.BY_CODE[low].label}: a score of {low_score}" == r for r in result.reasons)


@pytest.mark.parametrize("low", SCORED)
@pytest.mark.parametrize("low_score", ["0", "1"])
def test_a_single_low_score_excludes_even_with_every_pass(low, low_score):
    marks = {c: "pass" for c in PASS_FAIL} | {c: "3" for c in SCORED} | {low: low_score}
    assert scoring.outcome(marks).eligible is False


def test_twos_everywhere_with_every_pass_is_eligible():
    marks = {c: "pass" for c in PASS_FAIL} | {c: "2" for c in SCORED}
    result = scoring.outcome(marks)
    assert result.eligible is True
    assert result.label == "Eligible for randomisation"


def test_an_unfinished_assessment_has_no_outcome_unless_something_already_excludes():
    partial = {"systemic_practice": "pass", "project_support": "3"}
    assert scoring.outcome(partial).eligible is None
    assert scoring.outcome(partial | {"hiring": "1"}).eligible is False


def test_an_unknown_mark_is_refused():
    with pytest.raises(ValueError):
        scoring.outcome({"hiring": "4"})


def test_the_hub_works_out_the_outcome_from_an_assessors_marks(round):
    person = assessor()
    eoi = submitted_eoi(round, "Kent")
    marks = {c: ("pass", "") for c in PASS_FAIL} | {c: ("2", "Good evidence.") for c in SCORED}
    assessment = assessment_save(actor=person, eoi=eoi, marks=marks)
    assert assessment.eligible is True
    assessment = assessment_save(actor=person, eoi=eoi, marks={"ofsted": ("fail", "Inadequate in 2023.")})
    assert assessment.eligible is False
    assert "Ofsted" in assessment.reasons
    # Clearing the fail leaves a complete, passing assessment again.
    assessment = assessment_save(actor=person, eoi=eoi, marks={"ofsted": ("pass", "")})
    assert assessment.eligible is True
    assert assessment.marks.count() == 9
