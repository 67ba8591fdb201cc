"""The declared access table: what each role gets at each URL of the hub.

Each app declares its own URLs in a module here (`RULES`, and optionally `MOUNTS`
and `build(world)` to add the objects its sample URLs need). The access-matrix test
walks the whole URLconf: a URL declared nowhere fails it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import MATRIX_ROLES, World

ROLES = ["anon", *MATRIX_ROLES]
LA_PEOPLE = {k for k in MATRIX_ROLES if k.startswith(("t_", "c_"))}
TREATMENT = {k for k in MATRIX_ROLES if k.startswith("t_")}
CONTROL = {k for k in MATRIX_ROLES if k.startswith("c_")}
IFT = {"tutor", "delivery_lead", "content_editor", "hub_admin"}
SIGNED_IN = set(MATRIX_ROLES)
EVERYONE = set(ROLES)


@dataclass
class Url:
    """One URL of the hub: a sample path and the status each role gets on GET.

    `ok` roles get `ok_status`; anonymous visitors get `anon_status` (a redirect to
    sign in) unless "anon" is in `ok`; everyone else gets `denied_status`.
    `status` overrides single roles."""

    name: str
    path: str | Callable[[World], str]
    ok: set[str]
    ok_status: int = 200
    denied_status: int = 403
    anon_status: int = 302
    status: dict[str, int] = field(default_factory=dict)
    #: A treatment surface: a control-arm person's refusal here must be recorded.
    treatment: bool = False

    def expected(self, role: str) -> int:
        if role in self.status:
            return self.status[role]
        if role in self.ok:
            return self.ok_status
        if role == "anon":
            return self.anon_status
        return self.denied_status

    def sample(self, world: World) -> str:
        return self.path(world) if callable(self.path) else self.path


@dataclass
class Mount:
    """A mounted third-party app declared by its URL prefix, sampled with a few real URLs."""

    prefix: str
    samples: list[Url]


APP_TABLES = [
    "hub",
    "resources",
    "training",
    "champions",
    "reflective_practice",
    "forum",
    "fidelity",
    "recruitment",
]


def load() -> tuple[list[Url], list[Mount], list[Callable[[World], None]]]:
    rules: list[Url] = []
    mounts: list[Mount] = []
    builders: list[Callable[[World], None]] = []
    for name in APP_TABLES:
        try:
            module = importlib.import_module(f"tests.access_table.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.access_table.{name}":
                raise
            continue
        rules += getattr(module, "RULES", [])
        mounts += getattr(module, "MOUNTS", [])
        if hasattr(module, "build"):
            builders.append(module.build)
    return rules, mounts, builders
