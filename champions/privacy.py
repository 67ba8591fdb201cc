"""The champions app's part of a person's own data and of their anonymisation
(hub/privacy.py). Who was a champion, when, and what kind of activity they led stay as
pseudonymous research records; what was written about them or by them does not."""

from __future__ import annotations

from champions.models import Activity, FoundationAward, Nomination
from hub.privacy import iso

REMOVED = "Removed when the person was anonymised."


def export_for(user) -> dict:
    award = FoundationAward.objects.filter(user=user).first()
    return {
        "nominations": [
            {
                "local_authority": n.la.name,
                "status": n.get_status_display(),
                "reason": n.reason,
                "nominated_at": iso(n.nominated_at),
                "decision_note": n.decision_note,
                "approved_on": iso(n.approved_on),
                "withdrawn_on": iso(n.withdrawn_on),
                "withdrawn_reason": n.withdrawn_reason,
            }
            for n in Nomination.objects.filter(user=user).select_related("la").order_by("nominated_at")
        ],
        "activities": [
            {
                "date": iso(a.date),
                "kind": a.get_kind_display(),
                "colleagues": a.colleagues,
                "description": a.description,
            }
            for a in Activity.objects.filter(champion=user).order_by("date", "pk")
        ],
        "foundation_award": {"awarded_on": iso(award.awarded_on)} if award else None,
    }


def anonymise(user) -> None:
    Nomination.objects.filter(user=user).update(reason=REMOVED, decision_note="", withdrawn_reason="")
    Activity.objects.filter(champion=user).update(description=REMOVED)
