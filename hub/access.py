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

from hub.cache import kept, move_on
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


#: A person's memberships are kept in the shared cache for this long at most (seconds);
#: any change to them, or to any organisation or team, makes the kept copy unusable.
PROFILE_TIMEOUT = 300
EVERYONE_VERSION = "access:everyone"


def _person_version(user_id: int) -> str:
    return f"access:person:{user_id}"


def _profile_key(user_id: int) -> str:
    return f"access:profile:{user_id}"


def profile(user) -> UserRoles:
    """A person's active memberships, loaded once per request and kept on the user
    object, and kept between requests in the shared cache under the versions it was
    read at (see `memberships_changed`)."""
    if not getattr(user, "is_authenticated", False):
        return UserRoles([])
    cached = getattr(user, "_hub_roles", None)
    if cached is None:
        cached = user._hub_roles = UserRoles(_memberships(user.pk))
    return cached


def _memberships(user_id: int) -> list[Membership]:
    return kept(
        _profile_key(user_id),
        (EVERYONE_VERSION, _person_version(user_id)),
        lambda: list(
            Membership.objects.active().filter(user_id=user_id).select_related("organisation", "team")
        ),
        PROFILE_TIMEOUT,
    )


def memberships_changed(user_id: int) -> None:
    """A person's memberships changed: no request reads the copy kept before."""
    move_on(_person_version(user_id), forget=(_profile_key(user_id),))


def organisations_changed() -> None:
    """An organisation or team changed (its arm, its name, a team's LA...), or many
    memberships at once: no request reads any person's copy kept before."""
    move_on(EVERYONE_VERSION)


def forget(user) -> None:
    """Drop what `profile` cached on this user object, after a person's memberships change."""
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


def trial_la(user) -> Organisation | None:
    """The local authority whose arm decides what a person may see: a control LA when
    they have a role in one (someone in both arms would carry treatment material into
    the control arm), else their home LA."""
    las = profile(user).local_authorities
    return next((la for la in las if la.arm == Arm.CONTROL), las[0] if las else None)


def arm_of(user) -> str | None:
    la = trial_la(user)
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


def can_view_treatment_content(
    user, *, what: str = RESOURCES, request: HttpRequest | None = None, record: bool = True
) -> bool:
    """May this person see a treatment surface (`what`)?

    IFT staff always may. People of treatment LAs may, in every phase. People of
    control LAs may not during the pilot, and each refusal is recorded (unless
    `record` is off: the hub itself asking, not the person); after the
    pilot they may open the training materials (their post-pilot CPD) but no other
    treatment surface. LAs not yet assigned to an arm see none. Evaluators see
    pseudonymised data, not the materials."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_ift(user):
        return True
    la = trial_la(user)
    if la is None:
        return False
    if la.arm == Arm.TREATMENT:
        return True
    if la.arm == Arm.CONTROL:
        phase = current_phase()
        if phase == Phase.AFTER and what in (RESOURCES, TRAINING):
            return True
        if phase == Phase.DURING and record:
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


def can_anonymise_people(user) -> bool:
    return is_hub_admin(user)


# ---------------------------------------------------------------------------
# View helpers: every hub view states its rule with one of these.
# ---------------------------------------------------------------------------


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def anyone(user) -> bool:
    return True


def request_object(request: HttpRequest | None, queryset, pk):
    """The row `pk` of `queryset`, or None, loaded once per request: a URL rule that
    loads the object it decides about leaves it for the view to use."""
    if request is None:
        return queryset.filter(pk=pk).first()
    loaded = request.__dict__.setdefault("_hub_objects", {})
    key = (queryset.model._meta.label, int(pk))
    if key not in loaded:
        loaded[key] = queryset.filter(pk=pk).first()
    return loaded[key]


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

# Each resource page names its audience (resources.models.Audience uses these values).
AUDIENCE_TREATMENT = "treatment"  # people of treatment LAs (the default)
AUDIENCE_CHAMPIONS = "champions"  # systemic champions (and practitioners, who support them)
AUDIENCE_PRACTITIONERS = "practitioners"  # systemic practitioners
AUDIENCE_IFT = "ift"  # tutors, the delivery lead and IFT staff
AUDIENCE_EVERYONE = "everyone"  # everyone in the hub; control LAs only once the pilot has ended
ALL_AUDIENCES = frozenset(
    {AUDIENCE_TREATMENT, AUDIENCE_CHAMPIONS, AUDIENCE_PRACTITIONERS, AUDIENCE_IFT, AUDIENCE_EVERYONE}
)


def can_open_library(user, *, request: HttpRequest | None = None, **_kwargs) -> bool:
    """May this person open the resource library at all (its listing, search, saved list)?

    The same rule as every treatment surface: IFT staff and people of treatment LAs
    always; people of control LAs only after the pilot (for their post-pilot CPD),
    and a refusal during the pilot is recorded."""
    return can_view_treatment_content(user, what=RESOURCES, request=request)


url_rule(can_open_library)


def library_in_menus(user) -> bool:
    """Whether to show the library in menus and on the home page. Asking must not
    count as a refusal, so control-arm people during the pilot are answered here."""
    if arm_of(user) == Arm.CONTROL and not is_ift(user) and current_phase() != Phase.AFTER:
        return False
    return can_view_treatment_content(user, what=RESOURCES)


def shows_editor_bar(user) -> bool:
    """Whether a resource page shows Wagtail's editing bar: only to the people who edit
    or approve the library (the CMS itself still checks its own permissions)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or has_role(user, Role.CONTENT_EDITOR, Role.DELIVERY_LEAD, Role.HUB_ADMIN)


def resource_audiences(user) -> frozenset[str]:
    """The audiences whose pages this person may open. Asks nothing of the database
    beyond the person's memberships and the pilot, and records nothing: listings and
    search filter on it, `can_view_resource` is the gate that records refusals."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if is_ift(user):
        return ALL_AUDIENCES
    la = trial_la(user)
    if la is None:
        return frozenset()
    if la.arm == Arm.TREATMENT:
        audiences = {AUDIENCE_TREATMENT, AUDIENCE_EVERYONE}
        if has_role(user, Role.PRACTITIONER):
            audiences |= {AUDIENCE_PRACTITIONERS, AUDIENCE_CHAMPIONS}
        if is_champion(user):  # decided by the champions app (the Champions section below)
            audiences.add(AUDIENCE_CHAMPIONS)
        return frozenset(audiences)
    if la.arm == Arm.CONTROL and current_phase() == Phase.AFTER:
        return frozenset({AUDIENCE_EVERYONE})
    return frozenset()


def can_view_resource(user, page, request: HttpRequest | None = None) -> bool:
    """May this person open this resource page (anything with an `audience`)?

    They must be able to open the library (a control-arm person's refusal during
    the pilot is recorded there) and be in the page's audience."""
    if not can_open_library(user, request=request):
        return False
    return getattr(page, "audience", AUDIENCE_TREATMENT) in resource_audiences(user)


def can_download_document(user, audiences, request: HttpRequest | None = None) -> bool:
    """May this person download a document (or see an image) used on live resource
    pages of these audiences? IFT staff may download any document, used or not;
    others need to be in the audience of at least one page that uses it."""
    if not can_open_library(user, request=request):
        return False
    if is_ift(user):
        return True
    return bool(resource_audiences(user) & set(audiences))


def refused_for_the_pilot(user) -> bool:
    """Is this person refused the library because their LA is in the control arm
    while the pilot runs? (They get the plain "not during the pilot" page.)"""
    return not is_ift(user) and arm_of(user) == Arm.CONTROL and current_phase() != Phase.AFTER


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------

TRAINING_MANAGERS = frozenset({Role.TUTOR, Role.DELIVERY_LEAD, Role.HUB_ADMIN})


def can_manage_training(user) -> bool:
    """IFT tutors, the delivery lead and hub admins manage every cohort and register."""
    return is_hub_admin(user) or has_role(user, *TRAINING_MANAGERS)


def can_create_cohort(user) -> bool:
    """Tutors create any cohort; a systemic practitioner creates targeted days in their LA."""
    if can_manage_training(user):
        return True
    return any(
        m.role == Role.PRACTITIONER and m.organisation.arm == Arm.TREATMENT for m in profile(user).memberships
    )


def _practitioner_la_ids(user) -> set[int]:
    return {m.organisation_id for m in profile(user).memberships if m.role == Role.PRACTITIONER}


def cohort_choices(user):
    """(courses, local authorities) this person may create cohorts for: everything for
    those who manage training; a practitioner's targeted courses in their own LA."""
    from training.models import Course

    if can_manage_training(user):
        return Course.objects.all(), Organisation.objects.local_authorities()
    return (
        Course.objects.filter(run_by_practitioner=True),
        Organisation.objects.filter(pk__in=_practitioner_la_ids(user)),
    )


def can_create_cohort_for(user, course, local_authorities) -> bool:
    """May this person create a cohort of `course` for these LAs (see `cohort_choices`)?"""
    if not can_create_cohort(user):
        return False
    if can_manage_training(user):
        return True
    return course.run_by_practitioner and {la.pk for la in local_authorities} <= _practitioner_la_ids(user)


def _cohort_la_ids(cohort) -> set[int]:
    return {la.pk for la in cohort.local_authorities.all()}


def can_manage_cohort(user, cohort) -> bool:
    """Tutors manage every cohort; a practitioner manages the targeted cohorts of their own LA."""
    if can_manage_training(user):
        return True
    if not cohort.course.run_by_practitioner:
        return False
    las = _cohort_la_ids(cohort)
    return any(m.role == Role.PRACTITIONER and m.organisation_id in las for m in profile(user).memberships)


def can_view_cohort(user, cohort, *, request: HttpRequest | None = None) -> bool:
    """Managers; LA leads and senior leaders of one of its LAs (read-only); and the
    people enrolled. Treatment courses stay closed to the control arm during the pilot."""
    if not signed_in(user):
        return False
    if can_manage_cohort(user, cohort):
        return True
    if cohort.course.arm == Arm.TREATMENT and not can_view_treatment_content(
        user, what=TRAINING, request=request
    ):
        return False
    if _cohort_las_led(user, cohort):
        return True
    return cohort.enrolments.active().filter(user=user).exists()


def _cohort_las_led(user, cohort) -> set[int]:
    """The cohort's LAs this person leads (LA lead or senior leader)."""
    las = _cohort_la_ids(cohort)
    return {
        m.organisation_id
        for m in profile(user).memberships
        if m.role in (Role.LA_LEAD, Role.SENIOR_LEADER) and m.organisation_id in las
    }


def cohort_rows_seen(user, cohort) -> set[int] | None:
    """Whose rows (names and marks) of a cohort this person sees: None for everyone's
    (those who manage it); otherwise the LAs whose people they see: those of the
    cohort's LAs they lead, as a cohort may be shared by several LAs. Everyone sees
    their own row as well."""
    if can_manage_cohort(user, cohort):
        return None
    return _cohort_las_led(user, cohort)


def can_see_training(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    """The training pages: IFT staff and LA staff, control-arm people only after the pilot."""
    return can_view_treatment_content(user, what=TRAINING, request=request)


url_rule(can_see_training)


def training_in_menu(user) -> bool:
    """Whether to offer the training pages in the menu (asks without recording a refusal)."""
    if is_ift(user):
        return True
    arm = arm_of(user)
    return arm == Arm.TREATMENT or (arm == Arm.CONTROL and current_phase() == Phase.AFTER)


def _cohort(pk):
    from training.models import Cohort

    return Cohort.objects.select_related("course").filter(pk=pk).first()


def _day(pk):
    from training.models import TrainingDay

    return TrainingDay.objects.select_related("cohort__course").filter(pk=pk).first()


@url_rule
def may_view_cohort(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    cohort = _cohort(pk)
    return cohort is not None and can_view_cohort(user, cohort, request=request)


@url_rule
def may_manage_cohort(user, *, pk: int, **_kw) -> bool:
    cohort = _cohort(pk)
    return cohort is not None and can_manage_cohort(user, cohort)


@url_rule
def may_view_day(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    day = _day(pk)
    return day is not None and can_view_cohort(user, day.cohort, request=request)


@url_rule
def may_manage_day(user, *, pk: int, **_kw) -> bool:
    day = _day(pk)
    return day is not None and can_manage_cohort(user, day.cohort)


@url_rule
def may_remove_enrolment(user, *, pk: int, **_kw) -> bool:
    from training.models import Enrolment

    enrolment = Enrolment.objects.select_related("cohort__course").filter(pk=pk).first()
    return enrolment is not None and can_manage_cohort(user, enrolment.cohort)


# ---------------------------------------------------------------------------
# Champions
# ---------------------------------------------------------------------------


def is_champion(user) -> bool:
    """Is this person an approved systemic champion now (nominated, approved, not withdrawn)?"""
    if not signed_in(user):
        return False
    from champions.selectors import is_champion as champion_now

    return champion_now(user)


def can_nominate_champions(user, la: Organisation) -> bool:
    """Only the LA lead of that (treatment) LA nominates its champions."""
    return la.arm == Arm.TREATMENT and any(
        m.role == Role.LA_LEAD and m.organisation_id == la.pk for m in profile(user).memberships
    )


def can_decide_nominations(user) -> bool:
    """IFT tutors and the delivery lead approve or decline nominations."""
    return has_role(user, Role.TUTOR, Role.DELIVERY_LEAD)


def can_withdraw_champion(user, la: Organisation) -> bool:
    return can_decide_nominations(user) or can_nominate_champions(user, la)


def is_treatment_la_lead(user) -> bool:
    return led_treatment_la(user) is not None


def led_treatment_la(user) -> Organisation | None:
    """The treatment LA whose champions this person manages as its LA lead, if any."""
    for m in profile(user).memberships:
        if m.role == Role.LA_LEAD and m.organisation.is_treatment:
            return m.organisation
    return None


def can_see_champions(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    """The champions pages and directory: treatment-arm people and IFT staff."""
    return can_view_treatment_content(user, what=CHAMPIONS, request=request)


url_rule(can_see_champions)


def can_see_champion_activities(user) -> bool:
    """Champions' activities: the delivery lead and tutors (all LAs), treatment LA leads (their own LA)."""
    return can_decide_nominations(user) or is_hub_admin(user) or is_treatment_la_lead(user)


def can_log_champion_activity(user) -> bool:
    return is_champion(user)


def can_nominate_any(user) -> bool:
    return is_treatment_la_lead(user)


def champions_in_menu(user) -> bool:
    """Whether to offer the champions pages in the menu (asks without recording a refusal)."""
    return is_ift(user) or arm_of(user) == Arm.TREATMENT


def can_view_champion_activities(user) -> bool:
    """Champions see their own log; leads and IFT see activities per LA."""
    return can_see_champion_activities(user) or is_champion(user)


@url_rule
def may_decide_nomination(user, *, pk: int, **_kw) -> bool:
    from champions.models import Nomination

    return can_decide_nominations(user) and Nomination.objects.filter(pk=pk).exists()


@url_rule
def may_withdraw_champion(user, *, pk: int, **_kw) -> bool:
    from champions.models import Nomination

    nomination = Nomination.objects.select_related("la").filter(pk=pk).first()
    return nomination is not None and can_withdraw_champion(user, nomination.la)


# ---------------------------------------------------------------------------
# Reflective practice and consultations
# ---------------------------------------------------------------------------

#: View rules: the surfaces themselves (control-arm refusals during the pilot recorded).
reflective_rule = treatment_rule(REFLECTIVE)
consultations_rule = treatment_rule(CONSULTATIONS)


def is_practitioner_of(user, la_id: int | None) -> bool:
    return any(m.role == Role.PRACTITIONER and m.organisation_id == la_id for m in profile(user).memberships)


def sees_all_reflective(user) -> bool:
    """The delivery lead (and hub admins) see every LA's sessions and consultations."""
    return is_hub_admin(user) or has_role(user, Role.DELIVERY_LEAD)


def reflective_la_ids(user) -> list[int] | None:
    """The LAs whose sessions and consultation schedules a person may see; None means all.
    Practitioners, LA leads and senior leaders see their own LA; keyworkers see their
    own sessions and bookings only (an empty list here)."""
    if sees_all_reflective(user):
        return None
    wanted = {Role.PRACTITIONER, Role.LA_LEAD, Role.SENIOR_LEADER}
    return sorted({m.organisation_id for m in profile(user).memberships if m.role in wanted})


def can_manage_reflective(user, la_id: int | None) -> bool:
    """Only the LA's own practitioner schedules its sessions and consultations."""
    return is_practitioner_of(user, la_id) and can_view_treatment_content(user, what=REFLECTIVE)


def is_practitioner(user) -> bool:
    return has_role(user, Role.PRACTITIONER)


def is_keyworker(user) -> bool:
    return has_role(user, Role.KEYWORKER)


@url_rule
def may_manage_sessions(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    return reflective_rule(user, request=request) and is_practitioner(user)


@url_rule
def may_manage_consultations(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    return consultations_rule(user, request=request) and is_practitioner(user)


@url_rule
def may_book_consultations(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    return consultations_rule(user, request=request) and is_keyworker(user)


def can_view_session(user, session) -> bool:
    """Invitees (keyworkers of the series' teams), the LA's practitioner, leads and
    seniors of the LA, and the delivery lead."""
    la_id = session.series.organisation_id
    ids = reflective_la_ids(user)
    if ids is None or la_id in ids:
        return True
    team = home_team(user)
    return is_keyworker(user) and team is not None and team.pk in session.series.team_ids()


@url_rule
def may_view_session(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    from reflective_practice.models import Session

    if not reflective_rule(user, request=request):
        return False
    session = Session.objects.select_related("series").filter(pk=pk).first()
    return session is not None and can_view_session(user, session)


@url_rule
def may_change_session(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    from reflective_practice.models import Session

    if not reflective_rule(user, request=request):
        return False
    session = Session.objects.select_related("series").filter(pk=pk).first()
    return session is not None and can_manage_reflective(user, session.series.organisation_id)


def _keyworker_of(user, organisation_id: int) -> bool:
    la = home_la(user)
    return is_keyworker(user) and la is not None and la.pk == organisation_id


def can_book_slot(user, slot) -> bool:
    """A keyworker books only with the practitioner of their own LA."""
    return can_view_treatment_content(user, what=CONSULTATIONS) and _keyworker_of(user, slot.organisation_id)


@url_rule
def may_book_slot(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    from reflective_practice.models import Slot

    if not consultations_rule(user, request=request):
        return False
    slot = Slot.objects.filter(pk=pk).first()
    return slot is not None and can_book_slot(user, slot)


def can_view_booking(user, booking) -> bool:
    la_id = booking.slot.organisation_id
    if booking.keyworker_id == user.pk or booking.slot.practitioner_id == user.pk:
        return True
    ids = reflective_la_ids(user)
    return ids is None or la_id in ids


def can_manage_booking(user, booking) -> bool:
    """The practitioner who holds the slot cancels, marks and keeps notes."""
    return booking.slot.practitioner_id == user.pk and can_manage_reflective(
        user, booking.slot.organisation_id
    )


def can_read_private_note(user, booking) -> bool:
    """A practitioner's private note is for that practitioner alone."""
    return getattr(user, "pk", None) is not None and booking.slot.practitioner_id == user.pk


@url_rule
def may_view_booking(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    from reflective_practice.models import Booking

    if not consultations_rule(user, request=request):
        return False
    booking = Booking.objects.select_related("slot").filter(pk=pk).first()
    return booking is not None and can_view_booking(user, booking)


def feed_shows(user, what: str, *, request: HttpRequest | None = None) -> bool:
    """What a calendar feed, or a reminder, may show its person: the same policy as the
    pages, so a control-arm person during the pilot gets nothing treatment-related. No
    refusal is recorded: a calendar app polling the feed, or the hub about to send a
    reminder, is not the person trying to reach treatment content, and counting it
    would swamp the contamination indicator with every poll."""
    return bool(getattr(user, "is_active", False)) and can_view_treatment_content(
        user, what=what, request=request, record=False
    )


def feed_shows_course(user, course, *, request: HttpRequest | None = None) -> bool:
    """Whether a person's feed lists the days of a course they are enrolled on: a
    treatment course as the training pages allow (none to the control arm during the
    pilot); a control-arm course always."""
    if course.arm == Arm.TREATMENT:
        return feed_shows(user, TRAINING, request=request)
    return bool(getattr(user, "is_active", False))


def can_join_waitlist(user) -> bool:
    """A keyworker of a treatment LA asks to hear of free consultation times in their LA."""
    return (
        can_view_treatment_content(user, what=CONSULTATIONS)
        and is_keyworker(user)
        and home_la(user) is not None
    )


def gets_email(user) -> bool:
    """Whether what the hub tells a person also goes to them by email: not once their
    account is switched off, as their mailbox may now be read by someone else. What
    they are told stays in the hub."""
    return bool(getattr(user, "is_active", False) and user.email)


def waitlist_hears(user, organisation_id: int) -> bool:
    """Whether a person on an LA's waiting list is told of its free consultation times:
    only while they could book them, as an active keyworker of that LA (not after their
    account is switched off, or they leave or move to another LA). No refusal is
    recorded: the hub is asking, not the person."""
    return feed_shows(user, CONSULTATIONS) and _keyworker_of(user, organisation_id)


@url_rule
def may_leave_waitlist(user, *, pk: int, request: HttpRequest | None = None, **_kw) -> bool:
    from reflective_practice.models import WaitlistEntry

    if not consultations_rule(user, request=request):
        return False
    return WaitlistEntry.objects.filter(pk=pk, keyworker_id=user.pk).exists()


# ---------------------------------------------------------------------------
# Forum
# ---------------------------------------------------------------------------

# Boards: one for all treatment LAs, one per treatment LA (its own people only), one
# for champions, one for systemic practitioners, one for tutors and the delivery lead.
# Control-arm people see no board during the pilot (each refusal recorded). The
# delivery lead and forum moderators read every board so that they can moderate it.

FORUM_STAFF_ROLES = frozenset({Role.TUTOR, Role.DELIVERY_LEAD})


def can_moderate_forum(user) -> bool:
    """The delivery lead and people given the forum-moderator role."""
    return has_role(user, Role.DELIVERY_LEAD, Role.MODERATOR)


def _forum_open_to(user, *, record: bool, request: HttpRequest | None) -> bool:
    if record:
        return can_view_treatment_content(user, what=FORUM, request=request)
    # Checking on someone else's behalf (mentions, digests): never record a refusal.
    if not getattr(user, "is_authenticated", False):
        return False
    return is_ift(user) or arm_of(user) == Arm.TREATMENT


def can_read_forum_board(user, board, *, request: HttpRequest | None = None, record: bool = True) -> bool:
    """May this person read (and so post in) this board?"""
    from hub.forum.models import BoardKind

    if not _forum_open_to(user, record=record, request=request):
        return False
    if can_moderate_forum(user):
        return True
    if board.kind == BoardKind.ALL_TREATMENT:
        return True
    if board.kind == BoardKind.LA:
        return any(m.organisation_id == board.organisation_id for m in profile(user).memberships)
    if board.kind == BoardKind.CHAMPIONS:
        return has_role(user, *FORUM_STAFF_ROLES) or is_champion(user)
    if board.kind == BoardKind.PRACTITIONERS:
        return has_role(user, *FORUM_STAFF_ROLES, Role.PRACTITIONER)
    if board.kind == BoardKind.STAFF:
        return has_role(user, *FORUM_STAFF_ROLES)
    return False


def can_post_in_forum_thread(user, thread) -> bool:
    """Readers post; in a locked thread only moderators do."""
    if not can_read_forum_board(user, thread.board, record=False):
        return False
    return not thread.is_locked or can_moderate_forum(user)


def can_read_forum_post(user, post) -> bool:
    """A post is read where its board is read; a post a moderator hid, by moderators only."""
    if not can_read_forum_board(user, post.thread.board, record=False):
        return False
    return post.hidden_at is None or can_moderate_forum(user)


def can_edit_forum_post(user, post) -> bool:
    return (
        post.author_id == getattr(user, "pk", None)
        and post.hidden_at is None
        and post.removed_at is None
        and can_read_forum_board(user, post.thread.board, record=False)
    )


def can_remove_forum_post(user, post) -> bool:
    """Authors remove their own posts ("post removed" stays in its place)."""
    return (
        post.author_id == getattr(user, "pk", None)
        and post.removed_at is None
        and can_read_forum_board(user, post.thread.board, record=False)
    )


def forum_rule(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    return can_view_treatment_content(user, what=FORUM, request=request)


url_rule(forum_rule)


@url_rule
def may_read_forum_board(user, *, board_id: int, request: HttpRequest | None = None, **_kw) -> bool:
    from hub.forum.models import Board

    if not can_view_treatment_content(user, what=FORUM, request=request):
        return False
    board = Board.objects.filter(pk=board_id).first()
    return board is not None and can_read_forum_board(user, board, record=False)


@url_rule
def may_read_forum_thread(user, *, thread_id: int, request: HttpRequest | None = None, **_kw) -> bool:
    from hub.forum.models import Thread

    if not can_view_treatment_content(user, what=FORUM, request=request):
        return False
    thread = request_object(request, Thread.objects.select_related("board"), thread_id)
    return thread is not None and can_read_forum_board(user, thread.board, record=False)


def _forum_post_rule(user, post_id: int, request: HttpRequest | None, allowed: Callable[..., bool]) -> bool:
    from hub.forum.models import Post

    if not can_view_treatment_content(user, what=FORUM, request=request):
        return False
    post = request_object(request, Post.objects.select_related("thread__board"), post_id)
    return post is not None and allowed(user, post)


@url_rule
def may_read_forum_post(user, *, post_id: int, request: HttpRequest | None = None, **_kw) -> bool:
    return _forum_post_rule(user, post_id, request, can_read_forum_post)


@url_rule
def may_remove_forum_post(user, *, post_id: int, request: HttpRequest | None = None, **_kw) -> bool:
    """The author's remove page: open to them even once a moderator hid the post."""
    return _forum_post_rule(user, post_id, request, can_remove_forum_post)


def may_moderate_forum(user, *, request: HttpRequest | None = None, **_kw) -> bool:
    return can_view_treatment_content(user, what=FORUM, request=request) and can_moderate_forum(user)


url_rule(may_moderate_forum)

# ---------------------------------------------------------------------------
# Fidelity and evaluation export
# ---------------------------------------------------------------------------


def fidelity_las_of(user) -> list[Organisation] | None:
    """The treatment LAs whose fidelity this person may see: None means all of them
    (the delivery lead and hub admins); an LA lead sees their own treatment LA only."""
    if is_hub_admin(user) or has_role(user, Role.DELIVERY_LEAD):
        return None
    return [
        m.organisation
        for m in profile(user).memberships
        if m.role == Role.LA_LEAD and m.organisation.is_treatment
    ]


def can_view_fidelity(user) -> bool:
    las = fidelity_las_of(user)
    return las is None or bool(las)


@url_rule
def may_view_fidelity_of(user, *, pk: int, **_kw) -> bool:
    las = fidelity_las_of(user)
    if las is None:
        return Organisation.objects.filter(pk=pk, kind="la", arm=Arm.TREATMENT).exists()
    return any(la.pk == pk for la in las)


def can_edit_thresholds(user) -> bool:
    return is_hub_admin(user) or has_role(user, Role.DELIVERY_LEAD)


def can_export_evaluation(user) -> bool:
    """Evaluators (who see pseudonyms only) and hub admins download the evaluation data."""
    return is_hub_admin(user) or has_role(user, Role.EVALUATOR)


# ---------------------------------------------------------------------------
# Recruitment: expressions of interest, assessment and randomisation
# ---------------------------------------------------------------------------


def can_assess_eois(user) -> bool:
    """EOI assessors (a role the hub admin gives, in the evaluator organisation or IFT)
    and hub admins see submitted expressions of interest and mark them."""
    return is_hub_admin(user) or has_role(user, Role.ASSESSOR)


def can_run_randomisation(user) -> bool:
    """Only hub admins randomise a round, send outcome emails and edit their templates."""
    return is_hub_admin(user)
