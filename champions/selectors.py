"""Reads of the champions app, including the 10–20% ratio and who was a champion when."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from champions.models import Activity, Nomination, NominationStatus
from hub.cache import kept, move_on
from hub.models import Membership, Organisation, Role, User

MIN_PERCENT = 10
MAX_PERCENT = 20


def _on(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def champions_on(on: dt.date) -> Q:
    """Nominations that made someone a champion on `on`: approved by then and not yet
    withdrawn (the rule the fidelity indicators use too)."""
    return Q(status__in=[NominationStatus.APPROVED, NominationStatus.WITHDRAWN], approved_on__lte=on) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )


def approved_champions(la: Organisation, on: dt.date | None = None) -> QuerySet[Nomination]:
    """The nominations that made people champions of `la` on the date `on` (today by
    default): approved on or before it and not withdrawn by it. Each row has `.user`."""
    return Nomination.objects.filter(champions_on(_on(on)), la=la).select_related("user")


#: Today's champions are kept in the shared cache for this long at most (seconds); any
#: change to a nomination makes the kept set unusable (see `nominations_changed`).
CHAMPIONS_TIMEOUT = 300
CHAMPIONS_VERSION = "champions:version"


def is_champion(user: User, on: dt.date | None = None) -> bool:
    if on is not None:
        return Nomination.objects.filter(champions_on(on), user=user).exists()
    cached = getattr(user, "_hub_is_champion", None)
    if cached is None:
        cached = user._hub_is_champion = user.pk in champion_ids()
    return cached


def champion_ids(on: dt.date | None = None) -> set[int]:
    """Everyone who is a champion on `on` (today by default), for badges beside names:
    today's set from the shared cache, any other day's in one query."""
    day = _on(on)
    if day != timezone.localdate():
        return _champion_ids(day)
    return kept(
        f"champions:ids:{day.isoformat()}",
        (CHAMPIONS_VERSION,),
        lambda: _champion_ids(day),
        CHAMPIONS_TIMEOUT,
    )


def _champion_ids(day: dt.date) -> set[int]:
    return set(Nomination.objects.filter(champions_on(day)).values_list("user_id", flat=True))


def nominations_changed(**_kwargs) -> None:
    """A nomination was made, approved, withdrawn or removed: today's kept set is not used again."""
    move_on(CHAMPIONS_VERSION)


def max_champions(keyworkers: int) -> int:
    """At most 20% of keyworkers, rounded down – but an LA with keyworkers may always
    have one champion, so a small LA is not shut out."""
    if keyworkers <= 0:
        return 0
    return max(1, math.floor(keyworkers * MAX_PERCENT / 100))


def min_champions(keyworkers: int) -> int:
    """At least 10% of keyworkers, rounded up."""
    return math.ceil(keyworkers * MIN_PERCENT / 100)


@dataclass
class Ratio:
    """An LA's champions ratio: ``champions`` approved of ``keyworkers``."""

    la: Organisation
    champions: int
    keyworkers: int
    pending: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.champions / self.keyworkers, 1) if self.keyworkers else 0.0

    @property
    def percent_with_one_more(self) -> float:
        return round(100 * (self.champions + 1) / self.keyworkers, 1) if self.keyworkers else 0.0

    @property
    def most(self) -> int:
        return max_champions(self.keyworkers)

    @property
    def least(self) -> int:
        return min_champions(self.keyworkers)

    @property
    def room(self) -> int:
        return max(0, self.most - self.champions)

    @property
    def status(self) -> str:
        """ "below", "within" or "above" the 10–20% band."""
        if self.champions < self.least:
            return "below"
        if self.champions > self.most:
            return "above"
        return "within"

    def describe(self) -> str:
        return f"{self.champions} of {self.keyworkers} keyworkers ({self.percent:g}%)"


def _keyworker_counts(la_ids: list[int] | None = None) -> dict[int, int]:
    qs = Membership.objects.active().filter(role=Role.KEYWORKER, user__is_active=True)
    if la_ids is not None:
        qs = qs.filter(organisation_id__in=la_ids)
    return dict(
        qs.values("organisation_id")
        .annotate(n=Count("user", distinct=True))
        .values_list("organisation_id", "n")
    )


def still_keyworker() -> Q:
    """Nominations whose person still holds an active keyworker role in the nominating
    LA and whose account is active: a champion who has left the LA no longer takes one
    of its places (the keyworkers counted against are the same current people)."""
    in_post = Membership.objects.active().filter(
        role=Role.KEYWORKER, user=OuterRef("user"), organisation=OuterRef("la"), user__is_active=True
    )
    return Q(Exists(in_post))


def ratio_for(la: Organisation, on: dt.date | None = None) -> Ratio:
    return ratios([la], on)[la.pk]


def ratios(las: list[Organisation] | None = None, on: dt.date | None = None) -> dict[int, Ratio]:
    """The champions ratio of each given LA (every treatment LA by default) on `on`, in
    three queries: ``{la_id: Ratio}``. Champions are counted among the LA's current
    keyworkers, the people the ratio is taken over. The fidelity dashboard flags
    ``status == "below"``."""
    if las is None:
        las = list(Organisation.objects.treatment())
    ids = [la.pk for la in las]
    keyworkers = _keyworker_counts(ids)
    champions = dict(
        Nomination.objects.filter(champions_on(_on(on)), still_keyworker(), la_id__in=ids)
        .values("la_id")
        .annotate(n=Count("pk"))
        .values_list("la_id", "n")
    )
    pending = dict(
        Nomination.objects.filter(status=NominationStatus.PENDING, la_id__in=ids)
        .values("la_id")
        .annotate(n=Count("pk"))
        .values_list("la_id", "n")
    )
    return {
        la.pk: Ratio(
            la=la,
            champions=champions.get(la.pk, 0),
            keyworkers=keyworkers.get(la.pk, 0),
            pending=pending.get(la.pk, 0),
        )
        for la in las
    }


def nominable_keyworkers(la: Organisation) -> QuerySet[User]:
    """Keyworkers of `la` who may still be nominated: not already nominated (pending)
    or a champion (approved)."""
    taken = Nomination.objects.filter(
        status__in=[NominationStatus.PENDING, NominationStatus.APPROVED]
    ).values("user_id")
    return (
        User.objects.filter(
            memberships__organisation=la, memberships__role=Role.KEYWORKER, memberships__ended_at__isnull=True
        )
        .exclude(pk__in=taken)
        .distinct()
    )


def nominations(*, la: Organisation | None = None, status: str | None = None) -> QuerySet[Nomination]:
    qs = Nomination.objects.select_related("user", "la", "nominated_by", "decided_by", "withdrawn_by")
    if la is not None:
        qs = qs.filter(la=la)
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def directory(on: dt.date | None = None) -> dict[Organisation, list[User]]:
    """Current champions grouped by LA, in one query whatever their number."""
    out: dict[Organisation, list[User]] = defaultdict(list)
    rows = (
        Nomination.objects.filter(champions_on(_on(on)), la__arm="treatment")
        .select_related("user", "la")
        .order_by("la__name", "user__full_name")
    )
    for n in rows:
        out[n.la].append(n.user)
    return dict(out)


def activities(*, la: Organisation | None = None, champion: User | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("champion", "la", "team")
    if la is not None:
        qs = qs.filter(la=la)
    if champion is not None:
        qs = qs.filter(champion=champion)
    return qs


def activity_counts_by_month(*, la: Organisation | None = None) -> list[dict]:
    """``[{"la": name, "month": date, "count": int, "colleagues": int}]`` per LA and month, newest first."""
    from django.db.models import Sum

    qs = Activity.objects.all()
    if la is not None:
        qs = qs.filter(la=la)
    return list(
        qs.annotate(month=TruncMonth("date"))
        .values("la__name", "month")
        .annotate(count=Count("pk"), colleagues=Sum("colleagues"))
        .order_by("-month", "la__name")
    )
