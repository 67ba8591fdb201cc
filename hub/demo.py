"""Fictional demo data for `make run`: twelve LAs, their teams and people, and IFT staff.

Plain passwords appear only here, for the demo."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hub import access, services
from hub.models import Arm, Organisation, OrganisationKind, Pilot, Role, Team, User

DEMO_PASSWORD = "hub-demo-2025"

TREATMENT_LAS = ["Ashdown", "Brackenmoor", "Castlebury", "Dunmere", "Elmstead", "Fernleigh"]
CONTROL_LAS = ["Greyhaven", "Hollowford", "Ivybridge Vale", "Juniper Cross", "Kingsmead", "Larkhill"]
TEAM_NAMES = ["North", "South", "Central"]
FIRST = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Farid",
    "Grace",
    "Harry",
    "Isla",
    "Jamal",
    "Kate",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
]
LAST = [
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Fisher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quigley",
    "Roberts",
    "Shah",
    "Taylor",
    "Walsh",
    "Young",
]

#: Apps that add their own demo data with a `seed(demo: Demo)` function in `<app>/demo.py`.
APP_DEMOS = [
    "resources",
    "training",
    "champions",
    "reflective_practice",
    "hub.forum",
    "hub.fidelity",
    "hub.recruitment",
]


@dataclass
class Demo:
    pilot: Pilot
    treatment: list[Organisation] = field(default_factory=list)
    control: list[Organisation] = field(default_factory=list)
    ift: Organisation | None = None
    evaluators: Organisation | None = None
    sign_ins: list[tuple[str, str]] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2024))

    def user(self, email: str) -> User:
        return User.objects.get(email=email)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "")


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _person(email: str, name: str, org: Organisation, role: str, team: Team | None = None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = services.user_create(email=email, full_name=name)
        # Hash the demo password once: hashing it for every person takes minutes.
        user.password = _demo_password_hash()
        user.last_active_at = timezone.now()
        user.save(update_fields=["password", "last_active_at"])
    if not user.memberships.filter(organisation=org, role=role, ended_at__isnull=True).exists():
        services.membership_create(actor=None, user=user, organisation=org, role=role, team=team)
    return user


def _org(name: str, kind: str, arm: str = Arm.UNASSIGNED) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    return org or services.organisation_create(actor=None, name=name, kind=kind, arm=arm)


@transaction.atomic
def seed_core(today: dt.date | None = None) -> Demo:
    today = today or timezone.localdate()
    pilot = Pilot.current()
    if pilot.name != "Demo systemic practice pilot":
        pilot.name = "Demo systemic practice pilot"
        pilot.starts_on = (today - dt.timedelta(days=270)).replace(day=1)
        pilot.ends_on = (today + dt.timedelta(days=215)).replace(day=1) - dt.timedelta(days=1)
        pilot.save()
    demo = Demo(pilot=pilot)
    demo.ift = _org("IFT", OrganisationKind.IFT)
    demo.evaluators = _org("Coram evaluation team", OrganisationKind.EVALUATOR)
    staff = [
        ("admin@ift.example", "Hana Admin", demo.ift, Role.HUB_ADMIN),
        ("delivery.lead@ift.example", "Dana Lead", demo.ift, Role.DELIVERY_LEAD),
        ("tutor1@ift.example", "Tom Tutor", demo.ift, Role.TUTOR),
        ("tutor2@ift.example", "Tess Tutor", demo.ift, Role.TUTOR),
        ("editor@ift.example", "Eddie Editor", demo.ift, Role.CONTENT_EDITOR),
        ("evaluator@coram.example", "Eva Evaluator", demo.evaluators, Role.EVALUATOR),
    ]
    for email, name, org, role in staff:
        _person(email, name, org, role)
        demo.sign_ins.append((email, Role(role).label))
    names = ((f, last) for last in LAST for f in FIRST)
    for index, la_name in enumerate(TREATMENT_LAS + CONTROL_LAS):
        arm = Arm.TREATMENT if la_name in TREATMENT_LAS else Arm.CONTROL
        la = _org(f"{la_name} Council", OrganisationKind.LOCAL_AUTHORITY, arm)
        (demo.treatment if arm == Arm.TREATMENT else demo.control).append(la)
        slug = _slug(la_name)
        teams = [
            Team.objects.get_or_create(organisation=la, name=f"{t} family support team")[0]
            for t in TEAM_NAMES[: 2 + index % 2]
        ]
        _person(f"lead@{slug}.example", f"{la_name} LA Lead", la, Role.LA_LEAD)
        _person(f"senior@{slug}.example", f"{la_name} Senior Leader", la, Role.SENIOR_LEADER)
        if arm == Arm.TREATMENT:
            _person(f"practitioner@{slug}.example", f"{la_name} Practitioner", la, Role.PRACTITIONER)
        for n in range(20):
            first, last = next(names)
            _person(
                f"keyworker{n + 1}@{slug}.example",
                f"{first} {last}",
                la,
                Role.KEYWORKER,
                teams[n % len(teams)],
            )
        if index in (0, 6):
            demo.sign_ins += [
                (f"keyworker1@{slug}.example", f"Keyworker, {la.name} ({la.get_arm_display().lower()})"),
                (f"lead@{slug}.example", f"LA lead, {la.name}"),
            ]
            if arm == Arm.TREATMENT:
                demo.sign_ins.append((f"practitioner@{slug}.example", f"Systemic practitioner, {la.name}"))
    return demo


def seed(today: dt.date | None = None) -> Demo:
    demo = seed_core(today)
    for app in APP_DEMOS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        with transaction.atomic():
            module.seed(demo)
    # The demo writes many rows at once, past the signals: nothing kept from before counts.
    from champions.selectors import nominations_changed

    access.organisations_changed()
    nominations_changed()
    return demo
