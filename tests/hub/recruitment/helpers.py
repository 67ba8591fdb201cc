"""Builders for recruitment tests, through the real services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from hub.models import Role
from hub.recruitment import scoring, services
from hub.recruitment.models import CONTACTS, NUMBERS, OPEN_ANSWERS, RecruitmentRound
from tests.factories import make_org, make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "letter.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_round(name: str = "Pilot recruitment 2024", **kwargs) -> RecruitmentRound:
    return RecruitmentRound.objects.create(name=name, **kwargs)


def words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(n))


def answers(la: str = "Kent", email: str = "lead@kent.example") -> dict:
    """A complete set of answers, as the form posts them."""
    data = {"local_authority": la}
    for prefix, _ in CONTACTS:
        data |= {
            f"{prefix}_first_name": prefix.title(),
            f"{prefix}_surname": "Smith",
            f"{prefix}_job_title": "Head of Early Help",
            f"{prefix}_email": f"{prefix}@council.example",
            f"{prefix}_phone": "01632 960 123",
        }
    data["lead_email"] = email
    data |= {
        "systemic_practice_recently": "no",
        "systemic_practice_details": "",
        "families_first_pathfinder": "no",
        "ofsted_inadequate_recently": "no",
    }
    for n, (f, _label) in enumerate(NUMBERS):
        data[f] = str(10 + n)
    for f, _label, _limit in OPEN_ANSWERS:
        data[f] = f"Our answer on {f}."
    return data


def cleaned(data: dict) -> dict:
    """The posted answers as the form's cleaned data (what the services take)."""
    out = dict(data)
    for f in ("systemic_practice_recently", "families_first_pathfinder", "ofsted_inadequate_recently"):
        out[f] = {"yes": True, "no": False}[data[f]]
    for f, _label in NUMBERS:
        out[f] = int(data[f])
    return out


def submitted_eoi(round: RecruitmentRound, la: str, email: str | None = None):
    eoi, _token = services.eoi_save(
        round=round,
        answers=cleaned(answers(la, email or f"lead@{la.lower().replace(' ', '')}.example")),
        letter=pdf(),
    )
    return services.eoi_submit(eoi=eoi)


ALL_PASS = {c.code: ("pass" if c.kind == scoring.PASS_FAIL else "2", "Seen.") for c in scoring.CRITERIA}


def assess(eoi, actor, *, eligible: bool = True):
    marks = dict(ALL_PASS)
    if not eligible:
        marks["hiring"] = ("1", "Little on recruitment.")
    return services.assessment_save(actor=actor, eoi=eoi, marks=marks)


def assessor():
    return make_user(Role.ASSESSOR, make_org("evaluator"))


def close(round: RecruitmentRound) -> RecruitmentRound:
    """Close the round to new EOIs, as the hub admin does before randomising."""
    return services.round_close(actor=None, round=round)


def eligible_round(round: RecruitmentRound, names: list[str], actor) -> list:
    eois = []
    for name in names:
        eoi = submitted_eoi(round, name)
        assess(eoi, actor)
        eois.append(eoi)
    return eois
