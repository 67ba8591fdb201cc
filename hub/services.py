"""Writes of the hub's core: organisations, teams, memberships, invitations, the pilot."""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hub import access
from hub.models import (
    ROLES_BY_KIND,
    Arm,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Pilot,
    Role,
    Team,
    User,
)

CONTENT_EDITORS_GROUP = "Content editors"
#: The group that approves and publishes the resource library's pages (resources/services.py).
MODERATORS_GROUP = "Delivery lead moderators"


class InvitationError(Exception):
    """An invitation link that cannot be used, with a message a person can act on."""


def audit(*, actor: User | None, action: str, detail: str) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, action=action, detail=detail[:500])


# --- organisations and teams -------------------------------------------------


def organisation_create(
    *, actor: User | None, name: str, kind: str, arm: str = Arm.UNASSIGNED
) -> Organisation:
    name = name.strip()
    if kind != OrganisationKind.LOCAL_AUTHORITY:
        arm = Arm.UNASSIGNED
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already an organisation called {name}."})
    with transaction.atomic():
        org = Organisation.objects.create(name=name, kind=kind, arm=arm)
        audit(
            actor=actor,
            action="organisation.create",
            detail=f"{org.name} ({org.get_kind_display()}, {org.get_arm_display()})",
        )
    return org


def organisation_update(
    *, actor: User | None, organisation: Organisation, name: str, arm: str
) -> Organisation:
    name = name.strip()
    if Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk).exists():
        raise ValidationError({"name": f"There is already an organisation called {name}."})
    if not organisation.is_local_authority and arm != Arm.UNASSIGNED:
        raise ValidationError({"arm": "Only local authorities have a trial arm."})
    with transaction.atomic():
        before = organisation.get_arm_display()
        organisation.name = name
        organisation.arm = arm
        organisation.save(update_fields=["name", "arm"])
        audit(
            actor=actor,
            action="organisation.update",
            detail=f"{organisation.name}: arm {before} → {organisation.get_arm_display()}",
        )
    return organisation


def team_create(*, actor: User | None, organisation: Organisation, name: str) -> Team:
    name = name.strip()
    if not organisation.is_local_authority:
        raise ValidationError({"name": "Teams belong to local authorities only."})
    if not name:
        raise ValidationError({"name": "Enter the team's name."})
    if organisation.teams.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{organisation.name} already has a team called {name}."})
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name)
        audit(actor=actor, action="team.create", detail=f"{team}")
    return team


# --- memberships ----------------------------------------------------------------


def _check_role(organisation: Organisation, role: str, team: Team | None) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError(
            {"role": f"{Role(role).label} is not a role in {organisation.get_kind_display().lower()}s."}
        )
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Choose a team of the same local authority."})


def _sync_staff_flags(user: User) -> None:
    """Hub admins use the Django admin; content editors and hub admins the Wagtail admin."""
    active = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    is_admin = Role.HUB_ADMIN in active
    user.is_staff = is_admin
    user.is_superuser = is_admin
    user.save(update_fields=["is_staff", "is_superuser"])
    group = content_editors_group()
    if Role.CONTENT_EDITOR in active:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    # Moderating the library is offered to delivery leads (and hub admins), one by one;
    # it goes with the role.
    if not active & {Role.DELIVERY_LEAD, Role.HUB_ADMIN}:
        user.groups.remove(*Group.objects.filter(name=MODERATORS_GROUP))


def content_editors_group() -> Group:
    from django.contrib.auth.models import Permission

    group, created = Group.objects.get_or_create(name=CONTENT_EDITORS_GROUP)
    if created:
        perms = Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "wagtailimages", "wagtaildocs"],
            codename__in=[
                "access_admin",
                "add_image",
                "change_image",
                "choose_image",
                "add_document",
                "change_document",
                "choose_document",
            ],
        )
        group.permissions.add(*perms)
        from wagtail.models import GroupPagePermission, Page

        root = Page.get_first_root_node()
        if root is not None:
            # No "publish_page": content editors submit pages to the resource library's
            # workflow and the delivery lead approves and publishes (resources/services.py).
            for codename in ("add_page", "change_page", "lock_page", "unlock_page"):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
    return group


def membership_create(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    team: Team | None = None,
) -> Membership:
    """Give `user` a role in `organisation`. Refused (PermissionDenied) when the actor
    may not assign that role there; refused (ValidationError) when the role does not
    fit the organisation, or a keyworker already belongs to another LA."""
    if actor is not None and not access.can_assign_role(actor, organisation, role):
        raise PermissionDenied(f"You cannot give the role {Role(role).label} in {organisation.name}.")
    _check_role(organisation, role, team)
    if role == Role.KEYWORKER:
        other = (
            Membership.objects.active()
            .filter(user=user, role=Role.KEYWORKER)
            .exclude(organisation=organisation)
        )
        if other.exists():
            raise ValidationError(
                {
                    "role": f"{user} is already a keyworker of {other.first().organisation}; a keyworker belongs to one local authority."
                }
            )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organisation=organisation, role=role, team=team)
            _sync_staff_flags(user)
            audit(
                actor=actor,
                action="membership.create",
                detail=f"{user.email}: {membership.get_role_display()} in {organisation.name}",
            )
    except IntegrityError:
        raise ValidationError(
            {"role": f"{user} already has the role {Role(role).label} in {organisation.name}."}
        ) from None
    access.forget(user)
    return membership


def membership_update(
    *, actor: User | None, membership: Membership, role: str, team: Team | None
) -> Membership:
    """Change a role or team. Refused (PermissionDenied) when the actor may not assign
    both the old and the new role; refused (ValidationError) when the role does not fit
    the organisation, or when a keyworker of an LA would be left without a team."""
    organisation = membership.organisation
    if actor is not None and not (
        access.can_assign_role(actor, organisation, membership.role)
        and access.can_assign_role(actor, organisation, role)
    ):
        raise PermissionDenied(f"You cannot change this role in {organisation.name}.")
    _check_role(organisation, role, team)
    if role == Role.KEYWORKER and organisation.is_local_authority and team is None:
        raise ValidationError({"team": "Choose the keyworker's team."})
    before = membership.get_role_display()
    try:
        with transaction.atomic():
            membership.role = role
            membership.team = team
            membership.save(update_fields=["role", "team"])
            _sync_staff_flags(membership.user)
            audit(
                actor=actor,
                action="membership.update",
                detail=f"{membership.user.email}: {before} → {membership.get_role_display()} in {organisation.name}",
            )
    except IntegrityError:
        raise ValidationError(
            {"role": f"{membership.user} already has the role {Role(role).label} in {organisation.name}."}
        ) from None
    access.forget(membership.user)
    return membership


def membership_end(*, actor: User | None, membership: Membership) -> Membership:
    if actor is not None and not access.can_assign_role(actor, membership.organisation, membership.role):
        raise PermissionDenied("You cannot end this membership.")
    with transaction.atomic():
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
        _sync_staff_flags(membership.user)
        audit(
            actor=actor,
            action="membership.end",
            detail=f"{membership.user.email}: {membership.get_role_display()} in {membership.organisation.name} ended",
        )
    access.forget(membership.user)
    return membership


# --- invitations ----------------------------------------------------------------


def invitation_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    team: Team | None = None,
) -> tuple[Invitation, str]:
    """Invite a named person. Returns the invitation and its link's token (shown once,
    stored only as a hash). The email goes out when the transaction commits."""
    if not access.can_assign_role(actor, organisation, role):
        raise PermissionDenied(f"You cannot invite a {Role(role).label} to {organisation.name}.")
    _check_role(organisation, role, team)
    email = email.strip().lower()
    if User.objects.filter(
        email__iexact=email,
        memberships__organisation=organisation,
        memberships__role=role,
        memberships__ended_at__isnull=True,
    ).exists():
        raise ValidationError({"email": f"{email} already has this role in {organisation.name}."})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name.strip(),
            organisation=organisation,
            team=team,
            role=role,
            token_hash=Invitation.hash_token(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
        )
        audit(
            actor=actor,
            action="invitation.create",
            detail=f"{email} as {invitation.get_role_display()} in {organisation.name}",
        )
        link = settings.SITE_URL + reverse("invitation_accept", args=[token])
        transaction.on_commit(lambda: _send_invitation(invitation.pk, link))
    return invitation, token


def _send_invitation(invitation_pk: int, link: str) -> None:
    from hub.notifications.tasks import send_email

    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_pk)
    send_email.enqueue(
        to=invitation.email,
        subject="You are invited to the Systemic Practice Hub",
        body=(
            f"Hello {invitation.full_name},\n\n"
            f"{invitation.invited_by} has invited you to the Systemic Practice Hub as "
            f"{invitation.get_role_display()} for {invitation.organisation.name}.\n\n"
            f"Set your password and sign in here (the link works once, for "
            f"{settings.INVITATION_DAYS} days):\n{link}\n"
        ),
    )


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation behind a link, or InvitationError saying plainly why it cannot be used."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("organisation", "team")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Check you copied the whole link from your email."
        )
    if invitation.accepted_at:
        raise InvitationError(
            "This invitation has already been used. Sign in with your email address and password instead."
        )
    if invitation.revoked_at:
        raise InvitationError("This invitation was withdrawn. Ask the person who invited you for a new one.")
    if invitation.expires_at <= now:
        raise InvitationError(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%-d %B %Y}. "
            "Ask the person who invited you to send a new one."
        )
    return invitation


class InvitationForExistingAccount(InvitationError):
    """The invited email already has an account: it is joined, not created."""


def invitation_existing_account(invitation: Invitation) -> User | None:
    """The account already registered under the invited email address, if any."""
    return User.objects.filter(email__iexact=invitation.email).first()


def _invitation_lock(token: str, now: dt.datetime | None) -> Invitation:
    """The usable invitation behind a link, locked so that it is used once only."""
    invitation = invitation_for_token(token, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError(
            "This invitation has already been used. Sign in with your email address and password instead."
        )
    return invitation


def _invitation_use(invitation: Invitation, user: User) -> None:
    membership_create(
        actor=None,
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        team=invitation.team,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        actor=user,
        action="invitation.accept",
        detail=f"{user.email} joined {invitation.organisation.name}",
    )


def invitation_accept(
    *, token: str, password: str, full_name: str = "", now: dt.datetime | None = None
) -> User:
    """Use an invitation once to create a new account, with a verified email, the
    chosen password and the invited role. The invitation is locked so a link cannot be
    used twice. An account that already exists under the invited email is never touched
    here (InvitationForExistingAccount): it joins through `invitation_join`."""
    with transaction.atomic():
        invitation = _invitation_lock(token, now)
        if invitation_existing_account(invitation) is not None:
            raise InvitationForExistingAccount(
                "You already have an account with this email address: confirm below to add the new role to it."
            )
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name)
        validate_password(password, user)
        user.set_password(password)
        user.last_active_at = timezone.now()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=invitation.email, defaults={"verified": True, "primary": True}
        )
        _invitation_use(invitation, user)
    return user


def invitation_join(*, token: str, now: dt.datetime | None = None) -> User:
    """Use an invitation once to give an existing account (found by the invited email)
    the invited role. Its password, name and second factor stay as they are, and nobody
    is signed in: the person signs in as usual, second factor included. The invited
    address counts as verified, since the link reached it."""
    with transaction.atomic():
        invitation = _invitation_lock(token, now)
        user = invitation_existing_account(invitation)
        if user is None:
            raise InvitationError(
                "There is no account for this email address yet. Open the invitation link again to create one."
            )
        address = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).first()
        if address is None:
            EmailAddress.objects.create(
                user=user,
                email=invitation.email,
                verified=True,
                primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
            )
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        _invitation_use(invitation, user)
    return user


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not access.can_assign_role(actor, invitation.organisation, invitation.role):
        raise PermissionDenied
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(actor=actor, action="invitation.revoke", detail=invitation.email)


# --- people created directly (demo data, admin) -----------------------------------


def user_create(*, email: str, full_name: str, password: str | None = None) -> User:
    """An account with a verified email address (used by the demo data and the admin)."""
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# --- the pilot ----------------------------------------------------------------------


def pilot_set_dates(
    *, actor: User | None, starts_on: dt.date, ends_on: dt.date, name: str | None = None
) -> Pilot:
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The pilot must end after it starts."})
    pilot = Pilot.current()
    pilot.starts_on, pilot.ends_on = starts_on, ends_on
    if name:
        pilot.name = name
    pilot.save()
    audit(actor=actor, action="pilot.dates", detail=f"{starts_on} to {ends_on}")
    return pilot
