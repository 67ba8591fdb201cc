"""The answers the library gives someone it turns away."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from hub import access


def refused(request, *, page=None):
    """Anonymous visitors are sent to sign in. Control-arm people during the pilot get
    the plain "not during the pilot" page; others are told whom the page is for.
    The refusal itself was recorded by hub/access.py when it said no."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return redirect_to_login(request.get_full_path())
    context = {
        "pilot": access.refused_for_the_pilot(user),
        "audience": page.get_audience_display() if page is not None and hasattr(page, "audience") else "",
        "la": access.trial_la(user),
    }
    return render(request, "resources/not_available.html", context, status=403)
