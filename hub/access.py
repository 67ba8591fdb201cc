"""The hub's one access policy: who may see or do what, where, and when.

Every view, Wagtail page, websocket consumer, calendar feed and export asks this
module; nothing else decides. It knows a person's roles, local authority, the LA's
trial arm and the current pilot's phase. During the pilot a control-arm person is
refused every treatment surface, and each such refusal is recorded
(`AccessRefusal`) for the delivery lead's contamination indicator.

Each app's rules sit in its own section below, so the whole policy reads in one place.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from hub.models import (
    STAFF_ROLES,
    AccessRefusal,
    Arm,
    Membership,
    Organisation,
    Phase,
    Pilot,
    Role,
    Team,
    UserRoles,
)

log = logging.getLogger("hub.access")

IFT_ROLES = frozenset({Role.TUTOR, Role.DELIVERY_LEAD, Role.CONTENT_EDITOR, Role.HUB_ADMIN})
LA_ROLES = frozenset({Role.KEYWORKER, Role.PRACTITIONER, Role.LA_LEAD, Role.SENIOR_LEADER})
MFA_ROLES = STAFF_ROLES | {Role.CONTENT_EDITOR, Role.ASSESSOR}

# Treatment surfaces: what a control-arm person must never see during the pilot.
RESOURCES = "training materials and systemic tools"
FORUM = "the forum"
REFLECTIVE = "reflective practice sessions"
CONSULTATIONS = "consultations"
CHAMPIONS = "the champions programme"
TRAINING = "treatment training"

# ---------------------------------------------------------------------------
# Who someone is
# ---------------------------------------------------------------------------


def profile(user) -> UserRoles:
    """A person's active memberships, loaded once and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return UserRoles([])
    cached = getattr(user, "_hub_roles", None)
    if cached is None:
        memberships = list(
            Membership.objects.active().filter(user=user).select_related("organisation", "team")
        )
        cached = user._hub_roles = UserRoles(memberships)
    return cached


def forget(user) -> None:
    """Drop what `profile` cached, after a person's memberships change."""
    for attr in ("_hub_roles",):
        if hasattr(user, attr):
            delattr(user, attr)


def roles(user) -> frozenset[str]:
    return profile(user).roles


def has_role(user, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def home_la(user) -> Organisation | None:
    """The local authority a person belongs to (keyworkers belong to exactly one)."""
    las = profile(user).local_authorities
    return las[0] if las else None


def home_team(user) -> Team | None:
    for m in profile(user).memberships:
        if m.team_id:
            return m.team
    return None


def arm_of(user) -> str | None:
    la = home_la(user)
    return la.arm if la else None


def current_phase() -> Phase:
    return Pilot.current().phase


def is_hub_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.HUB_ADMIN)


def is_ift(user) -> bool:
    return is_hub_admin(user) or has_role(user, *IFT_ROLES)


def needs_mfa(user) -> bool:
    """Staff roles must set up two-factor sign-in before they reach anything else."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *MFA_ROLES)


def can_see_names(user) -> bool:
    """Evaluators see pseudonyms only; everyone else who may see a person sees their name."""
    if not getattr(user, "is_authenticated", False):
        return False
    return not (roles(user) == {Role.EVALUATOR})


def display_name(viewer, person) -> str:
    return person.get_full_name() if can_see_names(viewer) else person.pseudonym


# ---------------------------------------------------------------------------
# Treatment content and the control arm
# ---------------------------------------------------------------------------


def _record_refusal(user, la: Organisation, what: str, path: str) -> None:
    AccessRefusal.objects.create(user=user, organisation=la, what=what[:200], path=path[:500])
    log.info("Refused %s to control-arm user %s (%s)", what, user.pk, la.name)


def can_view_treatment_content(user, *, what: str = RESOURCES, request: HttpRequest | None = None) -> bool:
    """May this person see a treatment surface (`what`)?

    IFT staff always may. People of treatment LAs may, in every phase. People of
    control LAs may not during the pilot, and each refusal is recorded; after the
    pilot they may open the training materials (their post-pilot CPD) but no other
    treatment surface. LAs not yet assigned to an arm see none. Evaluators see
    pseudonymised data, not the materials."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_ift(user):
        return True
    la = home_la(user)
    if la is None:
        return False
    if la.arm == Arm.TREATMENT:
        return True
    if la.arm == Arm.CONTROL:
        phase = current_phase()
        if phase == Phase.AFTER and what in (RESOURCES, TRAINING):
            return True
        if phase == Phase.DURING:
            _record_refusal(user, la, what, request.path if request else "")
        return False
    return False


# ---------------------------------------------------------------------------
# Organisations, people and invitations
# ---------------------------------------------------------------------------


def can_manage_organisations(user) -> bool:
    return is_hub_admin(user)


def can_manage_la(user, la: Organisation) -> bool:
    """Hub admins manage every LA; an LA lead manages their own LA only."""
    if is_hub_admin(user):
        return True
    return any(m.role == Role.LA_LEAD and m.organisation_id == la.pk for m in profile(user).memberships)


def managed_organisations(user):
    """The organisations whose people this person manages."""
    if is_hub_admin(user):
        return Organisation.objects.all()
    ids = [m.organisation_id for m in profile(user).memberships if m.role == Role.LA_LEAD]
    return Organisation.objects.filter(pk__in=ids)


def can_manage_people(user) -> bool:
    return is_hub_admin(user) or has_role(user, Role.LA_LEAD)


#: The roles an LA lead may give to people of their own LA.
LA_LEAD_ASSIGNABLE = frozenset({Role.KEYWORKER, Role.PRACTITIONER, Role.SENIOR_LEADER})


def can_assign_role(user, organisation: Organisation, role: str) -> bool:
    """Hub admins give any role; an LA lead gives keyworker, practitioner and
    senior-leader roles in their own LA only."""
    if is_hub_admin(user):
        return True
    return can_manage_la(user, organisation) and role in LA_LEAD_ASSIGNABLE


def url_rule(func):
    """Mark a rule that is given the request and the view's URL kwargs."""
    func.wants_request = True
    return func


@url_rule
def may_manage_organisation(user, *, pk: int, **_kw) -> bool:
    org = Organisation.objects.filter(pk=pk).first()
    return org is not None and can_manage_la(user, org)


@url_rule
def may_manage_membership(user, *, pk: int, **_kw) -> bool:
    membership = Membership.objects.select_related("organisation").filter(pk=pk).first()
    return membership is not None and can_assign_role(user, membership.organisation, membership.role)


@url_rule
def may_revoke_invitation(user, *, pk: int, **_kw) -> bool:
    from hub.models import Invitation

    inv = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    return inv is not None and can_assign_role(user, inv.organisation, inv.role)


def can_view_audit_log(user) -> bool:
    return is_hub_admin(user)


# ---------------------------------------------------------------------------
# View helpers: every hub view states its rule with one of these.
# ---------------------------------------------------------------------------


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def anyone(user) -> bool:
    return True


def require(rule: Callable[..., bool]):
    """Decorate a view: anonymous visitors are sent to sign in; people the rule
    refuses get a 403. The rule receives the user and the view's URL kwargs."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
            if rule is not anyone and not signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not _call_rule(rule, request, kwargs):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def _call_rule(rule: Callable[..., bool], request: HttpRequest, kwargs: dict) -> bool:
    if getattr(rule, "wants_request", False):
        return rule(request.user, request=request, **kwargs)
    return rule(request.user)


def treatment_rule(what: str) -> Callable[..., bool]:
    """A rule for a treatment surface that records control-arm refusals."""

    def rule(user, *, request: HttpRequest | None = None, **_kwargs) -> bool:
        return can_view_treatment_content(user, what=what, request=request)

    url_rule(rule)
    rule.__name__ = f"treatment_rule({what})"
    return rule


# ---------------------------------------------------------------------------
# Resources (Wagtail pages)
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Champions
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Reflective practice and consultations
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Forum
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Fidelity and evaluation export
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Recruitment: expressions of interest, assessment and randomisation
# ---------------------------------------------------------------------------
