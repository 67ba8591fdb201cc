"""Reads for recruitment: the LA list, EOIs and their outcomes, randomisation records."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet

from hub.models import Organisation
from hub.recruitment import randomisation as algorithm
from hub.recruitment.models import (
    CONTACT_FIELDS,
    CONTACTS,
    NUMBERS,
    OPEN_ANSWERS,
    Assessment,
    ClarificationCall,
    CriterionMark,
    EoiStatus,
    ExpressionOfInterest,
    Outcome,
    OutcomeEmailTemplate,
    Randomisation,
    RecruitmentRound,
)

LA_CSV = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


@functools.cache
def english_local_authorities() -> tuple[str, ...]:
    """The English local authorities with children's services responsibilities (data/local_authorities.csv)."""
    with LA_CSV.open(newline="", encoding="utf-8") as f:
        return tuple(row["name"] for row in csv.DictReader(f))


def local_authority_choices(round: RecruitmentRound) -> list[str]:
    """The names the form offers: the list of English LAs, the LAs already in the hub,
    and any the round adds (such as the demonstration's fictional LAs)."""
    names = {n.casefold(): n for n in english_local_authorities()}
    for name in Organisation.objects.local_authorities().values_list("name", flat=True):
        names.setdefault(name.casefold(), name)
    for line in round.extra_local_authorities.splitlines():
        if line.strip():
            names.setdefault(line.strip().casefold(), line.strip())
    return sorted(names.values(), key=str.casefold)


def open_round() -> RecruitmentRound | None:
    return RecruitmentRound.objects.filter(is_open=True).order_by("-created_at").first()


def eoi_for_token(token: str) -> ExpressionOfInterest | None:
    return (
        ExpressionOfInterest.objects.select_related("round")
        .filter(resume_token_hash=ExpressionOfInterest.hash_token(token))
        .first()
    )


def submitted_eois(round: RecruitmentRound) -> QuerySet[ExpressionOfInterest]:
    return (
        ExpressionOfInterest.objects.filter(round=round, status=EoiStatus.SUBMITTED)
        .defer("dcs_letter")
        .select_related("assessment", "assessment__assessor")
        .order_by("local_authority")
    )


def eoi_for_assessment(pk: int) -> ExpressionOfInterest | None:
    return (
        ExpressionOfInterest.objects.filter(pk=pk, status=EoiStatus.SUBMITTED)
        .select_related("round", "assessment")
        .prefetch_related(
            Prefetch("calls", queryset=ClarificationCall.objects.select_related("logged_by")),
        )
        .first()
    )


def marks_of(eoi: ExpressionOfInterest) -> dict[str, CriterionMark]:
    assessment = Assessment.objects.filter(eoi=eoi).first()
    if assessment is None:
        return {}
    return {m.criterion: m for m in assessment.marks.all()}


def eligible_names(round: RecruitmentRound) -> list[str]:
    """The LAs whose submitted EOI was assessed eligible, in the algorithm's stable order."""
    names = ExpressionOfInterest.objects.filter(
        round=round, status=EoiStatus.SUBMITTED, assessment__eligible=True
    ).values_list("local_authority", flat=True)
    return algorithm.stable_order(list(names))


def unassessed_names(round: RecruitmentRound) -> list[str]:
    """The LAs whose submitted EOI has no finished assessment (not marked, or not on
    every criterion), by name."""
    return list(
        ExpressionOfInterest.objects.filter(round=round, status=EoiStatus.SUBMITTED)
        .filter(Q(assessment__isnull=True) | Q(assessment__eligible__isnull=True))
        .order_by("local_authority")
        .values_list("local_authority", flat=True)
    )


def randomisations(round: RecruitmentRound) -> QuerySet[Randomisation]:
    return Randomisation.objects.filter(round=round).select_related("run_by").order_by("-sequence")


def latest_randomisation(round: RecruitmentRound) -> Randomisation | None:
    return randomisations(round).first()


@dataclass(frozen=True)
class Check:
    matches: bool
    recorded: algorithm.Allocation
    reproduced: algorithm.Allocation


def randomisation_check(run: Randomisation) -> Check:
    """Reproduce a recorded run from its seed and eligible list, and compare."""
    reproduced = algorithm.allocate(
        list(run.eligible), int(run.seed), target=run.target, version=run.algorithm_version
    )
    recorded = algorithm.Allocation(treatment=list(run.treatment), control=list(run.control))
    return Check(matches=recorded == reproduced, recorded=recorded, reproduced=reproduced)


def outcome_for(run: Randomisation, local_authority: str) -> str:
    if local_authority in run.treatment:
        return Outcome.TREATMENT
    if local_authority in run.control:
        return Outcome.CONTROL
    return Outcome.NOT_SELECTED


DEFAULT_TEMPLATES = {
    Outcome.TREATMENT: (
        "Your local authority has been selected to deliver the systemic practice model",
        "Dear {{ first_name }},\n\nThank you for the expression of interest from {{ local_authority }} "
        "for {{ round }}.\n\n{{ local_authority }} has been randomly selected to deliver the systemic "
        "practice model. We will be in touch about the kick-off meeting, the Data Sharing Agreement and "
        "the Memorandum of Understanding.\n\nWith best wishes,\nThe pilot team",
    ),
    Outcome.CONTROL: (
        "Your local authority has been selected as a control local authority",
        "Dear {{ first_name }},\n\nThank you for the expression of interest from {{ local_authority }} "
        "for {{ round }}.\n\n{{ local_authority }} has been randomly selected for the control group. "
        "You will receive financial and technical support to collect data during the pilot, and "
        "training in systemic practice for your keyworkers after it ends.\n\nWith best wishes,\n"
        "The pilot team",
    ),
    Outcome.NOT_SELECTED: (
        "The outcome of your expression of interest",
        "Dear {{ first_name }},\n\nThank you for the expression of interest from {{ local_authority }} "
        "for {{ round }}.\n\nWe are sorry that {{ local_authority }} has not been selected to take part "
        "this time.\n\nWith best wishes,\nThe pilot team",
    ),
}


def outcome_templates() -> list[OutcomeEmailTemplate]:
    """The three outcome templates, created with default wording the first time."""
    for outcome, (subject, body) in DEFAULT_TEMPLATES.items():
        OutcomeEmailTemplate.objects.get_or_create(
            outcome=outcome, defaults={"subject": subject, "body": body}
        )
    order = list(DEFAULT_TEMPLATES)
    return sorted(OutcomeEmailTemplate.objects.all(), key=lambda t: order.index(t.outcome))


def eoi_answers(eoi: ExpressionOfInterest) -> list[tuple[str, list[tuple[str, str]]]]:
    """The EOI's answers by section, as text (for the confirmation email and the assessors)."""

    def yes_no(value):
        return "" if value is None else ("Yes" if value else "No")

    def text(value):
        return "" if value is None else str(value)

    sections = [
        ("Local authority", [("Local authority", eoi.local_authority)]),
    ]
    labels = dict(CONTACTS)
    lead = [(label, getattr(eoi, f"lead_{f}")) for f, label in CONTACT_FIELDS]
    sections.append((labels["lead"], lead))
    sections.append(
        (
            "Eligibility",
            [
                (
                    "Systemic practice in keyworker teams now or in the last three years",
                    yes_no(eoi.systemic_practice_recently),
                ),
                ("Details", eoi.systemic_practice_details),
                ("Families First for Children pathfinder", yes_no(eoi.families_first_pathfinder)),
                (
                    "Inadequate Children's Services Ofsted rating now or in the last two years",
                    yes_no(eoi.ofsted_inadequate_recently),
                ),
            ],
        )
    )
    sections.append(("Supporting Families data", [(label, text(getattr(eoi, f))) for f, label in NUMBERS]))
    sections.append(
        ("Experience and motivation", [(label, getattr(eoi, f)) for f, label, _limit in OPEN_ANSWERS])
    )
    for prefix, title in CONTACTS[1:]:
        sections.append((title, [(label, getattr(eoi, f"{prefix}_{f}")) for f, label in CONTACT_FIELDS]))
    sections.append(
        (
            "Supporting letter",
            [("Letter from the Director of Children's Services", eoi.dcs_letter_name or "Not uploaded")],
        )
    )
    return sections
