"""Recruitment's part of a person's own data and of their anonymisation (hub/privacy.py).
An expression of interest names up to four contacts of an LA, who need no account. A
person with an account is matched to a contact by email address. Anonymising them
replaces that contact's details in every expression of interest; the LA's answers and
the assessments stay, because they are the record of how LAs were chosen."""

from __future__ import annotations

from django.db.models import Q

from hub.recruitment.models import Assessment, ExpressionOfInterest

#: The contacts an expression of interest holds: (field prefix, what the form calls them).
CONTACTS = (
    ("lead", "Lead contact"),
    ("sf_lead", "Supporting Families lead"),
    ("dcs", "Director of Children's Services"),
    ("data_lead", "Data lead"),
)
_PARTS = ("first_name", "surname", "job_title", "email", "phone")


def _named(email: str):
    """(eoi, prefix, label) for every contact of every EOI given this email address."""
    email = email.strip().lower()
    if not email:
        return
    named = Q()
    for prefix, _label in CONTACTS:
        named |= Q(**{f"{prefix}_email__iexact": email})
    for eoi in ExpressionOfInterest.objects.filter(named).select_related("round").order_by("pk"):
        for prefix, label in CONTACTS:
            if getattr(eoi, f"{prefix}_email").strip().lower() == email:
                yield eoi, prefix, label


def export_for(user) -> dict:
    return {
        "named_as_contact": [
            {
                "local_authority": eoi.local_authority,
                "round": eoi.round.name,
                "as": label,
                **{part: getattr(eoi, f"{prefix}_{part}") for part in _PARTS},
            }
            for eoi, prefix, label in _named(user.email)
        ],
        "assessments_made": [
            {
                "local_authority": a.eoi.local_authority,
                "reasons": a.reasons,
            }
            for a in Assessment.objects.filter(assessor=user).select_related("eoi").order_by("pk")
        ],
    }


def anonymise(user) -> None:
    """Runs before hub/privacy.py replaces the person's own email, so it can match."""
    changed: dict[int, ExpressionOfInterest] = {}
    for eoi, prefix, _label in _named(user.email):
        eoi = changed.setdefault(eoi.pk, eoi)
        setattr(eoi, f"{prefix}_first_name", user.pseudonym)
        for part in ("surname", "job_title", "phone"):
            setattr(eoi, f"{prefix}_{part}", "")
        setattr(eoi, f"{prefix}_email", f"{user.pseudonym.lower()}@anonymised.invalid")
    fields = [f"{prefix}_{part}" for prefix, _ in CONTACTS for part in _PARTS]
    ExpressionOfInterest.objects.bulk_update(list(changed.values()), fields)
