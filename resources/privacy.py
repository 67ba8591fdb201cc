"""The library's part of a person's own data (hub/privacy.py). Which pages a person
opened is pseudonymous engagement data for the evaluation and stays when they are
anonymised; the library holds no free text about them."""

from __future__ import annotations

from resources.models import ResourceView, SavedResource


def export_for(user) -> dict:
    return {
        "saved": [
            {"page": s.page.title, "saved_at": s.saved_at.isoformat()}
            for s in SavedResource.objects.filter(user=user).select_related("page").order_by("saved_at")
        ],
        "opened": [
            {
                "page": v.page.title if v.page else None,
                "document": v.document.title if v.document else None,
                "at": v.at.isoformat(),
            }
            for v in ResourceView.objects.filter(user=user).select_related("page", "document").order_by("at")
        ],
    }
