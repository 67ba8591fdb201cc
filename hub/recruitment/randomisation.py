"""The randomisation algorithm: pure, versioned and reproducible.

Version "v1" (keep it unchanged once used; a new version gets a new function):

1. Take the eligible LAs' names, drop duplicates, and sort them by
   `name.casefold()`, then by the name itself (a stable key that does not depend on
   the order in which the EOIs arrived).
2. Make `random.Random(seed)` (Python's Mersenne Twister, seeded with the recorded
   decimal integer).
3. `rng.sample(sorted_names, k)` with k = the target (12), or all of them when there
   are fewer: these are the selected LAs.
4. `rng.shuffle(selected)`; the first half (rounded down) is the treatment arm, the
   rest the control arm.

Anyone with Python 3 can check a run:

    import random
    names = sorted(set(eligible), key=lambda n: (n.casefold(), n))
    rng = random.Random(int(seed))
    chosen = rng.sample(names, min(12, len(names)))
    rng.shuffle(chosen)
    treatment, control = chosen[: len(chosen) // 2], chosen[len(chosen) // 2 :]

The seed itself comes from `secrets.randbits(128)` (the operating system's
cryptographically secure source) and is recorded with the run.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

VERSION = "v1"


@dataclass(frozen=True)
class Allocation:
    treatment: list[str]
    control: list[str]

    @property
    def selected(self) -> list[str]:
        return [*self.treatment, *self.control]


def new_seed() -> int:
    return secrets.randbits(128)


def stable_order(names: list[str]) -> list[str]:
    return sorted(set(names), key=lambda n: (n.casefold(), n))


def allocate_v1(eligible: list[str], seed: int, target: int = 12) -> Allocation:
    names = stable_order(eligible)
    rng = random.Random(seed)
    chosen = rng.sample(names, min(target, len(names)))
    rng.shuffle(chosen)
    half = len(chosen) // 2
    return Allocation(treatment=chosen[:half], control=chosen[half:])


ALGORITHMS = {"v1": allocate_v1}


def allocate(eligible: list[str], seed: int, *, target: int = 12, version: str = VERSION) -> Allocation:
    try:
        algorithm = ALGORITHMS[version]
    except KeyError:
        raise ValueError(f"Unknown randomisation algorithm version {version!r}") from None
    return algorithm(eligible, seed, target)


def find_seed_for(eligible: list[str], treatment: set[str], *, target: int = 12, start: int = 0) -> int:
    """The first seed from `start` whose v1 allocation puts exactly `treatment` in
    the treatment arm. Used only by the demonstration data, whose fictional arms
    were fixed before its randomisation was recorded."""
    seed = start
    while set(allocate_v1(eligible, seed, target).treatment) != treatment:
        seed += 1
    return seed
