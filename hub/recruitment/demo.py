"""Demo recruitment: the closed round that produced the demo LAs' arms, with fourteen
EOIs (assessed eligible, excluded, or left as a draft), an assessor, and the recorded
randomisation; and an open round whose one submitted EOI still awaits assessment.

The demo LAs are fictional and their arms are fixed by the core demo data before this
runs. So that the recorded randomisation truly produces those arms, the seed is found
by searching seeds 0, 1, 2, … for the first whose v1 allocation gives them, and the
run is recorded as such (`SeedSource.DEMO_SEARCH`), never as a secure draw."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hub.demo import Demo, _person
from hub.models import Role
from hub.recruitment import randomisation as algorithm
from hub.recruitment import scoring, services
from hub.recruitment.models import (
    CONTACTS,
    ExpressionOfInterest,
    Randomisation,
    RecruitmentRound,
    SeedSource,
)

ROUND_NAME = "Demo pilot recruitment"
OPEN_ROUND_NAME = "Full trial recruitment (demo, open)"
DRAFT_LA = "Marshfield Council"
UNASSESSED_LA = "Northcombe Council"
EXCLUDED_LA = "Oakhurst Council"

LETTER = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _answers(la: str, n: int) -> dict:
    slug = la.lower().replace(" council", "").replace(" ", "")
    data: dict = {"local_authority": la}
    people = {
        "lead": ("Sam", "Early Help Service Manager"),
        "sf_lead": ("Alex", "Supporting Families Lead"),
        "dcs": ("Jordan", "Director of Children's Services"),
        "data_lead": ("Robin", "Performance and Data Lead"),
    }
    for prefix, _title in CONTACTS:
        first, job = people[prefix]
        data |= {
            f"{prefix}_first_name": first,
            f"{prefix}_surname": la.split()[0],
            f"{prefix}_job_title": job,
            f"{prefix}_email": f"{prefix.replace('_', '.')}@{slug}.example",
            f"{prefix}_phone": f"01632 960 {100 + n:03d}",
        }
    data |= {
        "systemic_practice_recently": False,
        "systemic_practice_details": "",
        "families_first_pathfinder": la == EXCLUDED_LA,
        "ofsted_inadequate_recently": False,
        "keyworkers": 18 + n,
        "keyworker_teams": 2 + n % 3,
        "additional_keyworkers": 5 + n % 7,
        "families_2022_23": 600 + 37 * n,
        "children_2022_23": 1400 + 81 * n,
        "additional_families_2022_23": 250 + 19 * n,
        "integration": f"Supporting Families in {la} sits inside the Early Help service, with shared "
        "front door, case management and performance reporting.",
        "practice_model": "Restorative practice across Early Help, with Signs of Safety in social care.",
        "project_support": "The Head of Early Help will sponsor the pilot, with a service manager "
        "leading day to day and the Director of Children's Services on the steering group.",
        "hiring": "We will advertise with IFT's help through our usual recruitment partner and the "
        "AFT jobs board, at Band 6 equivalent.",
        "training_embedding": "Keyworkers will be released for all five CPD days; team managers will "
        "protect time for monthly group reflective sessions and the virtual hub.",
        "sustainability": "Our Early Help workforce plan already funds practice development; we kept "
        "our restorative practice lead after the original grant ended in 2022.",
        "supporting_evaluation": "Our performance team returns Supporting Families data each quarter and "
        "took part in the national evaluation's case file review.",
    }
    return data


def _letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("DCS letter.pdf", LETTER, content_type="application/pdf")


def _marks(n: int, *, exclude: str | None = None) -> dict[str, tuple[str, str]]:
    marks = {}
    for i, c in enumerate(scoring.CRITERIA):
        if c.kind == scoring.PASS_FAIL:
            marks[c.code] = ("pass", "")
        else:
            score = "3" if (n + i) % 3 == 0 else "2"
            marks[c.code] = (score, "Good evidence." if score == "2" else "Strong, specific evidence.")
    if exclude:
        marks[exclude] = ("fail", "The LA confirmed it is a Families First for Children pathfinder.")
    return marks


def seed(demo: Demo) -> None:
    assessor = _person("assessor@coram.example", "Ada Assessor", demo.evaluators, Role.ASSESSOR)
    demo.sign_ins.append(("assessor@coram.example", "EOI assessor"))
    services_round = RecruitmentRound.objects.filter(name=ROUND_NAME).first()
    if services_round is not None and Randomisation.objects.filter(round=services_round).exists():
        return  # already seeded
    admin = demo.user("admin@ift.example")

    round = services_round or RecruitmentRound.objects.create(
        name=ROUND_NAME,
        pilot=demo.pilot,
        extra_local_authorities="\n".join([DRAFT_LA, EXCLUDED_LA]),
    )
    ExpressionOfInterest.objects.filter(round=round).delete()  # a half-finished earlier attempt
    demo_las = [la.name for la in demo.treatment + demo.control]
    submitted_on = timezone.make_aware(dt.datetime.combine(demo.pilot.starts_on, dt.time(10)))
    submitted_on -= dt.timedelta(days=200)

    for n, la in enumerate([*demo_las, EXCLUDED_LA, DRAFT_LA]):
        eoi, _token = services.eoi_save(round=round, answers=_answers(la, n), letter=_letter())
        when = submitted_on + dt.timedelta(days=n, hours=n % 5)
        if la == DRAFT_LA:
            ExpressionOfInterest.objects.filter(pk=eoi.pk).update(created_at=when, updated_at=when)
            continue
        services.eoi_submit(eoi=eoi)
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            created_at=when, updated_at=when, submitted_at=when
        )
        services.assessment_save(
            actor=assessor, eoi=eoi, marks=_marks(n, exclude="pathfinder" if la == EXCLUDED_LA else None)
        )
        if n == 2:
            services.clarification_call_log(
                actor=assessor,
                eoi=eoi,
                called_on=(when + dt.timedelta(days=10)).date(),
                spoke_with="Head of Early Help",
                notes="Confirmed the practitioner post would sit in the Early Help service.",
            )

    treatment = {la.name for la in demo.treatment}
    seed_value = algorithm.find_seed_for(demo_las, treatment, target=round.target)
    services.round_close(actor=admin, round=round)
    run = services.randomisation_run(
        actor=admin, round=round, seed=seed_value, seed_source=SeedSource.DEMO_SEARCH
    )
    Randomisation.objects.filter(pk=run.pk).update(run_at=submitted_on + dt.timedelta(days=45))
    # An open round, so the public form can be tried in the demo, with one submitted
    # EOI waiting for the assessor.
    open_round, created = RecruitmentRound.objects.get_or_create(
        name=OPEN_ROUND_NAME,
        defaults={"pilot": None, "is_open": True, "extra_local_authorities": UNASSESSED_LA},
    )
    if created:
        eoi, _token = services.eoi_save(
            round=open_round, answers=_answers(UNASSESSED_LA, 14), letter=_letter()
        )
        services.eoi_submit(eoi=eoi)
