from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from hub import access

# Paths a staff member without two-factor sign-in may still reach: sign-in, sign-out,
# the two-factor set-up itself, static files and the health check.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RefuseNulMiddleware:
    """An address holding a NUL character (%00) is answered with the hub's "could not
    be read" page (400): no form or page has a use for one, and PostgreSQL refuses it in
    any text it is given, which would otherwise surface as a server error wherever a
    query parameter reaches the database. (Form fields refuse NULs themselves.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise BadRequest("The address holds a NUL character.")
        return self.get_response(request)


class RequireStaffMfaMiddleware:
    """Staff roles must set up two-factor sign-in (TOTP) before they reach anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and access.needs_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)


class ActivityMiddleware:
    """Records the day a person was last active (the hub-engagement indicator):
    one small write a day per person, none on other requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            last = user.last_active_at
            if last is None or timezone.localdate(last) != timezone.localdate(now):
                get_user_model().objects.filter(pk=user.pk).update(last_active_at=now)
                user.last_active_at = now
        return self.get_response(request)
