"""Small builders that go through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from hub import access, services
from hub.models import Arm, Organisation, OrganisationKind, Pilot, Role, Team, User

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def set_pilot(*, starts_on: dt.date, ends_on: dt.date) -> Pilot:
    pilot = Pilot.current()
    pilot.starts_on, pilot.ends_on = starts_on, ends_on
    pilot.save()
    return pilot


def pilot_around_today(days_before: int = 100, days_after: int = 200) -> Pilot:
    today = timezone.localdate()
    return set_pilot(
        starts_on=today - dt.timedelta(days=days_before), ends_on=today + dt.timedelta(days=days_after)
    )


def make_la(name: str | None = None, arm: str = Arm.TREATMENT, teams: int = 1) -> Organisation:
    org = services.organisation_create(
        actor=None, name=name or f"LA {next(_seq)}", kind=OrganisationKind.LOCAL_AUTHORITY, arm=arm
    )
    for n in range(teams):
        services.team_create(actor=None, organisation=org, name=f"Team {n + 1}")
    return org


def make_org(kind: str, name: str | None = None) -> Organisation:
    return services.organisation_create(actor=None, name=name or f"{kind} {next(_seq)}", kind=kind)


def make_user(
    role: str | None = None,
    org: Organisation | None = None,
    *,
    team: Team | None = None,
    email: str | None = None,
    name: str | None = None,
    mfa: bool = True,
) -> User:
    """A person with a verified email and, when given, a role. Staff roles get a TOTP
    authenticator unless mfa=False, as if they had completed two-factor set-up."""
    n = next(_seq)
    user = services.user_create(
        email=email or f"person{n}@example.org", full_name=name or f"Person {n}", password=PASSWORD
    )
    user.last_active_at = timezone.now()
    user.save(update_fields=["last_active_at"])
    if role:
        if team is None and org is not None and org.is_local_authority and role == Role.KEYWORKER:
            team = org.teams.first()
        services.membership_create(actor=None, user=user, organisation=org, role=role, team=team)
        access.forget(user)
        if mfa and access.needs_mfa(user):
            add_totp(user)
    return user


def add_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@dataclass
class World:
    """One person per role in a treatment LA, a control LA, IFT and the evaluators."""

    treatment: Organisation
    control: Organisation
    other_treatment: Organisation
    ift: Organisation
    evaluators: Organisation
    people: dict[str, User] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> User:
        return self.people[key]


#: The roles walked by the access-matrix test: key -> (where, role).
MATRIX_ROLES: dict[str, tuple[str, str]] = {
    "t_keyworker": ("treatment", Role.KEYWORKER),
    "t_practitioner": ("treatment", Role.PRACTITIONER),
    "t_la_lead": ("treatment", Role.LA_LEAD),
    "t_senior": ("treatment", Role.SENIOR_LEADER),
    "c_keyworker": ("control", Role.KEYWORKER),
    "c_la_lead": ("control", Role.LA_LEAD),
    "c_senior": ("control", Role.SENIOR_LEADER),
    "tutor": ("ift", Role.TUTOR),
    "delivery_lead": ("ift", Role.DELIVERY_LEAD),
    "content_editor": ("ift", Role.CONTENT_EDITOR),
    "hub_admin": ("ift", Role.HUB_ADMIN),
    "evaluator": ("evaluators", Role.EVALUATOR),
}


def build_world() -> World:
    world = World(
        treatment=make_la("Treatville Council", Arm.TREATMENT, teams=2),
        control=make_la("Controlshire Council", Arm.CONTROL, teams=2),
        other_treatment=make_la("Otherton Council", Arm.TREATMENT, teams=1),
        ift=make_org(OrganisationKind.IFT, "IFT"),
        evaluators=make_org(OrganisationKind.EVALUATOR, "Evaluators"),
    )
    for key, (where, role) in MATRIX_ROLES.items():
        world.people[key] = make_user(
            role, getattr(world, where), email=f"{key}@example.org", name=key.replace("_", " ").title()
        )
    world.people["o_keyworker"] = make_user(
        Role.KEYWORKER, world.other_treatment, email="o_keyworker@example.org"
    )
    return world
