"""The guidance's indicative scoring matrix and its eligibility rule, as data.

The guidance (Expression of Interest guidance, January 2024, "Decisions"):
"Local authorities receiving a fail or a 0 or 1 on any of the scoring criteria will
be excluded from the randomisation. Local authorities that pass and receive a 2 or
higher on all criteria will be included in the randomisation."
"""

from __future__ import annotations

from dataclasses import dataclass

PASS_FAIL = "pass_fail"
SCORE = "score"


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    kind: str  # PASS_FAIL or SCORE
    #: The EOI answer the assessor reads for this criterion.
    answer_field: str


#: The scoring matrix, in the guidance's order.
CRITERIA: list[Criterion] = [
    Criterion(
        "systemic_practice",
        "Has not implemented systemic practice in keyworker teams now or in the last three years",
        PASS_FAIL,
        "systemic_practice_recently",
    ),
    Criterion(
        "pathfinder",
        "Is not a Families First for Children DfE pathfinder local authority",
        PASS_FAIL,
        "families_first_pathfinder",
    ),
    Criterion(
        "ofsted",
        "Has not had an inadequate Children's Services Ofsted rating now or in the last two years",
        PASS_FAIL,
        "ofsted_inadequate_recently",
    ),
    Criterion("project_support", "Project support and senior leadership", SCORE, "project_support"),
    Criterion("hiring", "Hiring of systemic practitioners", SCORE, "hiring"),
    Criterion(
        "training_embedding", "Training and embedding of systemic practice", SCORE, "training_embedding"
    ),
    Criterion("sustainability", "Sustainability", SCORE, "sustainability"),
    Criterion("supporting_evaluation", "Supporting evaluation", SCORE, "supporting_evaluation"),
    Criterion(
        "dcs_letter",
        "A supporting letter signed by the Director of Children's Services agreeing to take part",
        PASS_FAIL,
        "dcs_letter",
    ),
]
BY_CODE = {c.code: c for c in CRITERIA}
CRITERION_CHOICES = [(c.code, c.label) for c in CRITERIA]

PASS_FAIL_VALUES = [("pass", "Pass"), ("fail", "Fail")]
SCORE_VALUES = [
    ("0", "0 – no evidence"),
    ("1", "1 – limited evidence"),
    ("2", "2 – good evidence"),
    ("3", "3 – strong evidence"),
]
VALUE_CHOICES = PASS_FAIL_VALUES + SCORE_VALUES
VALUES_BY_KIND = {PASS_FAIL: PASS_FAIL_VALUES, SCORE: SCORE_VALUES}

#: The rule table: for each kind of criterion, each mark either keeps the LA in the
#: randomisation (True) or excludes it (False).
RULE: dict[str, dict[str, bool]] = {
    PASS_FAIL: {"pass": True, "fail": False},
    SCORE: {"0": False, "1": False, "2": True, "3": True},
}


@dataclass(frozen=True)
class Outcome:
    """None while some criterion is unmarked; otherwise eligible or not, with why."""

    eligible: bool | None
    reasons: list[str]

    @property
    def label(self) -> str:
        if self.eligible is None:
            return "Assessment not finished"
        return "Eligible for randomisation" if self.eligible else "Excluded from randomisation"


def outcome(marks: dict[str, str]) -> Outcome:
    """Apply the guidance's rule to a mark per criterion code ("pass"/"fail"/"0".."3")."""
    missing = [c.label for c in CRITERIA if c.code not in marks]
    failures = []
    for c in CRITERIA:
        value = marks.get(c.code)
        if value is None:
            continue
        if value not in RULE[c.kind]:
            raise ValueError(f"{value!r} is not a mark for {c.label}")
        if not RULE[c.kind][value]:
            what = "fail" if c.kind == PASS_FAIL else f"a score of {value}"
            failures.append(f"{c.label}: {what}")
    if failures:
        # A fail or a low score excludes the LA even before the rest is marked.
        return Outcome(False, failures)
    if missing:
        return Outcome(None, [f"Not yet marked: {label}" for label in missing])
    return Outcome(True, ["Passes every criterion and scores 2 or more on each scored one."])
