"""Reads of the fidelity dashboard, the LA drill-down and the trends.

Every figure is computed for a list of LAs and a list of months at once, with one
aggregate query per indicator (conditional counts, one column per month), so the
number of queries does not grow with the number of LAs or months. The other apps'
models are looked up lazily: an app whose data is not recorded yet shows its
indicators as "not yet recorded" rather than as a guess."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from hub.fidelity.indicators import BY_KEY, INDICATORS, Indicator
from hub.fidelity.models import Status, Threshold
from hub.models import Arm, Membership, Organisation, OrganisationKind, Pilot, Role, Team

NOT_RECORDED = "Not yet recorded"


def model_or_none(app_label: str, name: str):
    """Another app's model, if that app has recorded it yet."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


# ---------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------


def month_start(month: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(month.year, month.month, 1))


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_end(month: dt.date) -> dt.datetime:
    """The first instant after the month (local time)."""
    return month_start(next_month(month))


def default_month(pilot: Pilot, today: dt.date | None = None) -> dt.date:
    """The current pilot month, or the last one after the pilot, or the first before it."""
    today = today or timezone.localdate()
    months = pilot.months()
    if today < pilot.starts_on:
        return months[0]
    if today > pilot.ends_on:
        return months[-1]
    return today.replace(day=1)


def parse_month(raw: str | None, pilot: Pilot) -> dt.date | None:
    """A 'YYYY-MM' month of the pilot, or None if it is not one."""
    if not raw:
        return None
    try:
        year, month = (int(p) for p in raw.split("-", 1))
        chosen = dt.date(year, month, 1)
    except ValueError:
        return None
    return chosen if chosen in pilot.months() else None


# ---------------------------------------------------------------------------
# Figures and cells
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    recorded: bool = True
    text: str = ""


UNRECORDED = Figure(None, recorded=False, text=NOT_RECORDED)


def _percent(numerator: int, denominator: int) -> Figure:
    if not denominator:
        return Figure(None, numerator, denominator, text="No one to count yet")
    value = round(100 * numerator / denominator, 1)
    return Figure(value, numerator, denominator, text=f"{value:g}% ({numerator} of {denominator})")


@dataclass(frozen=True)
class Cell:
    indicator: Indicator
    figure: Figure
    status: Status
    target: str

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def cell_for(indicator: Indicator, figure: Figure, threshold: Threshold) -> Cell:
    if not figure.recorded:
        status = Status.NONE
    elif figure.value is None and figure.denominator == 0:
        status = Status.NONE
    else:
        status = threshold.status_of(figure.value)
    return Cell(indicator, figure, status, threshold.band_text("green"))


def thresholds() -> dict[str, Threshold]:
    found = {t.indicator: t for t in Threshold.objects.all()}
    for indicator in INDICATORS:
        if indicator.key not in found:
            # Defaults, should the stored row be missing.
            found[indicator.key] = Threshold(
                indicator=indicator.key,
                green_low=indicator.green_low,
                green_high=indicator.green_high,
                amber_low=indicator.amber_low,
                amber_high=indicator.amber_high,
            )
    return found


# ---------------------------------------------------------------------------
# The computation context shared by the indicators
# ---------------------------------------------------------------------------


@dataclass
class Context:
    pilot: Pilot
    la_ids: list[int]
    months: list[dt.date]
    _keyworkers: dict[tuple[int, dt.date], int] | None = field(default=None, repr=False)
    #: Rows shared by several indicators within one computation (never kept beyond it).
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def keyworkers(self) -> dict[tuple[int, dt.date], int]:
        """Keyworkers in post at each month's end, per LA (one query)."""
        if self._keyworkers is None:
            self._keyworkers = _per_month_counts(
                keyworker_memberships(self.la_ids), self.months, lambda month: Q()
            )
        return self._keyworkers


def keyworker_memberships(la_ids: Iterable[int]) -> QuerySet[Membership]:
    """Keyworker roles, past and present, of active people in the LAs: every indicator
    counts over the same people, so an anonymised keyworker drops out of all of them."""
    return Membership.objects.filter(
        role=Role.KEYWORKER, user__is_active=True, organisation_id__in=list(la_ids)
    )


def keyworker_memberships_all() -> QuerySet[Membership]:
    return Membership.objects.filter(role=Role.KEYWORKER, organisation__kind=OrganisationKind.LOCAL_AUTHORITY)


def in_post_at(end: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_at__lt": end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": end})
    )


def _per_month_counts(
    memberships: QuerySet[Membership], months: list[dt.date], extra: Callable[[dt.date], Q]
) -> dict[tuple[int, dt.date], int]:
    """Distinct people of `memberships` in post at each month's end and matching
    `extra(month)`, per LA: one query with a column per month."""
    columns = {
        f"m{i}": Count("user", filter=in_post_at(month_end(month)) & extra(month), distinct=True)
        for i, month in enumerate(months)
    }
    out: dict[tuple[int, dt.date], int] = defaultdict(int)
    for row in memberships.values("organisation_id").annotate(**columns).order_by():
        for i, month in enumerate(months):
            out[(row["organisation_id"], month)] = row[f"m{i}"]
    return out


# ---------------------------------------------------------------------------
# The indicators
# ---------------------------------------------------------------------------


def _practitioner(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    columns = {
        f"m{i}": Min("started_at", filter=in_post_at(month_end(month))) for i, month in enumerate(ctx.months)
    }
    rows = (
        Membership.objects.filter(role=Role.PRACTITIONER, organisation_id__in=ctx.la_ids)
        .values("organisation_id")
        .annotate(**columns)
        .order_by()
    )
    started: dict[tuple[int, dt.date], dt.datetime | None] = {}
    for row in rows:
        for i, month in enumerate(ctx.months):
            started[(row["organisation_id"], month)] = row[f"m{i}"]
    out = {}
    for la_id in ctx.la_ids:
        for month in ctx.months:
            since = started.get((la_id, month))
            if since is None:
                out[(la_id, month)] = Figure(None, text="No practitioner in post")
                continue
            late = max(0, (timezone.localtime(since).date() - ctx.pilot.starts_on).days)
            text = "Yes, by the pilot's start" if late == 0 else f"Yes, {late} days after the start"
            out[(la_id, month)] = Figure(late, text=text)
    return out


def activity_q(start: dt.datetime, end: dt.datetime, user_ref: str = "user") -> Q:
    """A keyworker (reached through `user_ref`) was active in the hub in [start, end):
    signed in and used it, viewed a resource, or posted in the forum."""
    q = Q(**{f"{user_ref}__last_active_at__gte": start, f"{user_ref}__last_active_at__lt": end})
    for exists in activity_sources(start, end, user_ref):
        q |= Q(exists)
    return q


def _first_field(model, names: tuple[str, ...]) -> str | None:
    found = {f.name for f in model._meta.get_fields()}
    return next((n for n in names if n in found), None)


#: Records of use of the hub, added here as each app records them:
#: (app, model, the person field, candidate date fields).
ACTIVITY_MODELS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("forum", "Post", ("author",), ("created_at",)),
    ("resources", "ResourceView", ("user",), ("at",)),
]


def activity_sources(start: dt.datetime, end: dt.datetime, user_ref: str = "user") -> list[Exists]:
    sources = []
    for app_label, name, people, dates in ACTIVITY_MODELS:
        model = model_or_none(app_label, name)
        if model is None:
            continue
        person, when = _first_field(model, people), _first_field(model, dates)
        if person is None or when is None:
            continue
        rows = model.objects.filter(**{person: OuterRef(user_ref), f"{when}__gte": start, f"{when}__lt": end})
        sources.append(Exists(rows))
    return sources


def _engagement(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    def active(month: dt.date) -> Q:
        # While the month runs, "the last 30 days" end now.
        end = min(month_end(month), timezone.now())
        return activity_q(end - dt.timedelta(days=30), end)

    counts = _per_month_counts(keyworker_memberships(ctx.la_ids), ctx.months, active)
    return {
        (la_id, month): _percent(counts.get((la_id, month), 0), ctx.keyworkers.get((la_id, month), 0))
        for la_id in ctx.la_ids
        for month in ctx.months
    }


def _last_day(month: dt.date) -> dt.date:
    """The month's last day, or today while the month is still running."""
    return min(next_month(month) - dt.timedelta(days=1), timezone.localdate())


# --- training and champions ----------------------------------------------------------
#
# The rules are the training and champions apps' own (`training.selectors`,
# `champions.selectors`), computed here for every LA and month at once: one grouped
# query per indicator with a conditional count per month, whose conditions are
# uncorrelated subqueries (people who had completed by the month's end) or EXISTS
# tests that the database turns into joins.


def _courses(ctx: Context) -> dict:
    """The courses the indicators read (one query for the computation)."""
    if "courses" not in ctx.cache:
        from training.models import Course

        ctx.cache["courses"] = {
            c.code: c for c in Course.objects.filter(code__in=["cpd5", "champions", "leaders"])
        }
    return ctx.cache["courses"]


def _month_ends(ctx: Context) -> list[tuple[int, dt.date, dt.date]]:
    return [(i, month, _last_day(month)) for i, month in enumerate(ctx.months)]


def _people_of(ctx: Context) -> QuerySet[Membership]:
    """Everyone who holds or held a role in the LAs computed (to narrow the subqueries)."""
    return Membership.objects.filter(organisation_id__in=ctx.la_ids).values("user_id")


def _current_keyworkers(ctx: Context) -> dict[int, dict[str, int]]:
    """Current keyworkers per LA (an active membership of an active person), and of
    them those who had attended every day of the five-day CPD by each month's end
    (catch-ups count): ``{la_id: {"people": n, "m0": n, ...}}``. One query; the
    champions ratio counts over the same people."""
    if "current_keyworkers" in ctx.cache:
        return ctx.cache["current_keyworkers"]
    from training.models import Attendance as TrainingMark
    from training.selectors import counted_statuses

    course = _courses(ctx).get("cpd5")
    ends = _month_ends(ctx)

    def completed_by(end: dt.date) -> QuerySet:
        return (
            TrainingMark.objects.filter(
                day__cohort__course=course,
                status__in=counted_statuses(course),
                day__date__lte=end,
                user_id__in=_people_of(ctx),
            )
            .values("user_id")
            .annotate(days=Count("day__number", distinct=True))
            .filter(days__gte=course.days)
            .values("user_id")
        )

    columns = (
        {f"m{i}": Count("user", distinct=True, filter=Q(user_id__in=completed_by(end))) for i, _, end in ends}
        if course is not None
        else {}
    )
    rows = (
        Membership.objects.active()
        .filter(role=Role.KEYWORKER, user__is_active=True, organisation_id__in=ctx.la_ids)
        .values("organisation_id")
        .annotate(people=Count("user", distinct=True), **columns)
        .order_by()
    )
    out = {row["organisation_id"]: row for row in rows}
    ctx.cache["current_keyworkers"] = out
    return out


def _cpd_completion(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    rows = _current_keyworkers(ctx)
    out = {}
    for la_id in ctx.la_ids:
        row = rows.get(la_id, {})
        for i, month, _ in _month_ends(ctx):
            out[(la_id, month)] = _percent(row.get(f"m{i}", 0), row.get("people", 0))
    return out


def _counts_for(cohort: str, la: str) -> Q:
    """The LA a person's place on a cohort counts for: the lowest-numbered of the
    cohort's LAs in which they hold an active membership (`cohort` and `la` name the
    cohort and the candidate LA from the outer row)."""
    member = Membership.objects.active().filter(user=OuterRef("user"), organisation_id=OuterRef(la))
    lower = Membership.objects.active().filter(
        user=OuterRef("user"),
        organisation_id__lt=OuterRef(la),
        organisation__training_cohorts=OuterRef(cohort),
    )
    return Q(Exists(member)) & ~Q(Exists(lower))


#: The courses whose person-days the dashboard counts, and their indicators.
COURSE_DAYS = {"cpd5": "cpd_attendance", "champions": "champions_course"}


def _course_days(ctx: Context) -> dict[tuple[str, int, dt.date], tuple[int, int]]:
    """Person-days of each course in COURSE_DAYS held by each month's end (active
    enrolments × days held) and those attended (marks that count under the course's
    rule): ``{(code, la_id, month): (attended, scheduled)}``. Two queries for both courses."""
    if "course_days" in ctx.cache:
        return ctx.cache["course_days"]
    from training.models import Attendance as TrainingMark
    from training.models import Enrolment
    from training.selectors import counted_statuses

    courses = [c for code, c in _courses(ctx).items() if code in COURSE_DAYS]
    ends = _month_ends(ctx)
    out: dict[tuple[str, int, dt.date], tuple[int, int]] = {}
    if courses:
        places = (
            Enrolment.objects.active()
            .filter(cohort__course__in=courses)
            .filter(
                Q(cohort__local_authorities__in=ctx.la_ids)
                & _counts_for("cohort", "cohort__local_authorities")
            )
            .values("cohort__course__code", "cohort__local_authorities")
            .annotate(
                **{
                    f"m{i}": Count("cohort__days", filter=Q(cohort__days__date__lte=end))
                    for i, _, end in ends
                }
            )
            .order_by()
        )
        scheduled = {
            (row["cohort__course__code"], row["cohort__local_authorities"], month): row[f"m{i}"]
            for row in places
            for i, month, _ in ends
        }
        counted = Q()
        for course in courses:
            counted |= Q(day__cohort__course=course, status__in=counted_statuses(course))
        enrolled = Enrolment.objects.active().filter(user=OuterRef("user"), cohort=OuterRef("day__cohort"))
        marks = (
            TrainingMark.objects.filter(counted)
            .filter(Exists(enrolled))
            .filter(
                Q(day__cohort__local_authorities__in=ctx.la_ids)
                & _counts_for("day__cohort", "day__cohort__local_authorities")
            )
            .values("day__cohort__course__code", "day__cohort__local_authorities")
            .annotate(**{f"m{i}": Count("pk", filter=Q(day__date__lte=end)) for i, _, end in ends})
            .order_by()
        )
        attended = {
            (row["day__cohort__course__code"], row["day__cohort__local_authorities"], month): row[f"m{i}"]
            for row in marks
            for i, month, _ in ends
        }
        out = {key: (attended.get(key, 0), held) for key, held in scheduled.items()}
    ctx.cache["course_days"] = out
    return out


def _course_attendance(course_code: str) -> Callable[[Context], dict[tuple[int, dt.date], Figure]]:
    """Attended person-days of the course over those held so far."""

    def compute(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
        days = _course_days(ctx)
        out = {}
        for la_id in ctx.la_ids:
            for month in ctx.months:
                attended, held = days.get((course_code, la_id, month), (0, 0))
                if held:
                    out[(la_id, month)] = _percent(attended, held)
                else:
                    out[(la_id, month)] = Figure(None, 0, 0, text="No days held yet")
        return out

    return compute


def _leaders_day(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    """LA leads and senior leaders in post who attended the leaders' day by each month's
    end (one query)."""
    from training.models import Attendance as TrainingMark
    from training.selectors import ATTENDED

    def attended_by(end: dt.date) -> QuerySet:
        return TrainingMark.objects.filter(
            day__cohort__course__code="leaders",
            status__in=ATTENDED,
            day__date__lte=end,
            user_id__in=_people_of(ctx),
        ).values("user_id")

    ends = _month_ends(ctx)
    rows = (
        Membership.objects.active()
        .filter(role__in=[Role.LA_LEAD, Role.SENIOR_LEADER], organisation_id__in=ctx.la_ids)
        .values("organisation_id")
        .annotate(
            **{
                f"m{i}": Count("user", distinct=True, filter=Q(user_id__in=attended_by(end)))
                for i, _, end in ends
            }
        )
        .order_by()
    )
    counts = {(row["organisation_id"], month): row[f"m{i}"] for row in rows for i, month, _ in ends}
    out = {}
    for la_id in ctx.la_ids:
        for month in ctx.months:
            n = counts.get((la_id, month), 0)
            out[(la_id, month)] = Figure(n, n, text=f"{n} attended")
    return out


def _champions_ratio(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    """Current keyworkers who were champions on each month's last day, over current
    keyworkers (one query, and the keyworkers CPD completion counts). Like the
    denominator, the numerator counts only people still in post: a champion who has
    left the LA counts in no month."""
    from champions.models import Nomination
    from champions.selectors import champions_on, still_keyworker

    ends = _month_ends(ctx)
    rows = (
        Nomination.objects.filter(still_keyworker(), la_id__in=ctx.la_ids)
        .values("la_id")
        .annotate(**{f"m{i}": Count("pk", filter=champions_on(end)) for i, _, end in ends})
        .order_by()
    )
    champions = {(row["la_id"], month): row[f"m{i}"] for row in rows for i, month, _ in ends}
    current = _current_keyworkers(ctx)
    out = {}
    for la_id in ctx.la_ids:
        keyworkers = current.get(la_id, {}).get("people", 0)
        for month in ctx.months:
            out[(la_id, month)] = _percent(champions.get((la_id, month), 0), keyworkers)
    return out


# --- reflective practice and consultations --------------------------------------------


def _reflective_sessions(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    """Team-months with a session held, out of team-months of the pilot so far."""
    from reflective_practice import selectors as reflective

    months = ctx.pilot.months(until=max(ctx.months))
    held = reflective.sessions_held_by_team_month(months=months, organisation_ids=ctx.la_ids)
    teams_of: dict[int, list[int]] = defaultdict(list)
    for team_id, la_id in Team.objects.filter(organisation_id__in=ctx.la_ids).values_list(
        "pk", "organisation_id"
    ):
        teams_of[la_id].append(team_id)
    # Team-months held up to and including each month, per LA.
    done_by: dict[tuple[int, dt.date], int] = {}
    for la_id in ctx.la_ids:
        done = 0
        for month in months:
            done += sum(1 for t in teams_of[la_id] if held.get(t, {}).get(month))
            done_by[(la_id, month)] = done
    out = {}
    for month in ctx.months:
        so_far = sum(1 for m in months if m <= month)
        for la_id in ctx.la_ids:
            out[(la_id, month)] = _percent(done_by.get((la_id, month), 0), len(teams_of[la_id]) * so_far)
    return out


def _held_sessions_q(prefix: str) -> Q:
    from reflective_practice.models import SessionStatus

    return Q(**{f"{prefix}status": SessionStatus.SCHEDULED, f"{prefix}attendance_marked_at__isnull": False})


def _reflective_attendance(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    """Keyworker attendances at the sessions held in the month, out of keyworker invitations
    (the keyworkers of the teams each session's series invites). Two queries."""
    from reflective_practice.models import Attendance as SessionAttendance

    sess = "team__session_series__sessions__"
    invited = (
        keyworker_memberships(ctx.la_ids)
        .filter(ended_at__isnull=True)
        .filter(_held_sessions_q(sess))
        .values("organisation_id")
        .annotate(
            **{
                f"m{i}": Count(
                    "team__session_series__sessions",
                    filter=Q(
                        **{f"{sess}starts_at__gte": month_start(m), f"{sess}starts_at__lt": month_end(m)}
                    ),
                )
                for i, m in enumerate(ctx.months)
            }
        )
        .order_by()
    )
    keyworker = Membership.objects.filter(
        role=Role.KEYWORKER,
        ended_at__isnull=True,
        user=OuterRef("user"),
        organisation=OuterRef("session__series__organisation"),
    )
    attended = (
        SessionAttendance.objects.filter(session__series__organisation_id__in=ctx.la_ids)
        .filter(_held_sessions_q("session__"))
        .filter(Exists(keyworker))
        .values("session__series__organisation_id")
        .annotate(
            **{
                f"m{i}": Count(
                    "pk",
                    filter=Q(session__starts_at__gte=month_start(m), session__starts_at__lt=month_end(m)),
                )
                for i, m in enumerate(ctx.months)
            }
        )
        .order_by()
    )
    invites = {(r["organisation_id"], m): r[f"m{i}"] for r in invited for i, m in enumerate(ctx.months)}
    present = {
        (r["session__series__organisation_id"], m): r[f"m{i}"]
        for r in attended
        for i, m in enumerate(ctx.months)
    }
    out = {}
    for la_id in ctx.la_ids:
        for month in ctx.months:
            n, d = present.get((la_id, month), 0), invites.get((la_id, month), 0)
            out[(la_id, month)] = _percent(n, d) if d else Figure(None, 0, 0, text="No sessions held")
    return out


def quarter_start(month: dt.date) -> dt.datetime:
    """The start of the three months ending with `month`."""
    first = month.replace(day=1)
    for _ in range(2):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return month_start(first)


def consulted_q(start: dt.datetime, end: dt.datetime, user_ref: str = "user") -> Q:
    from reflective_practice.models import Booking, BookingStatus

    return Q(
        Exists(
            Booking.objects.filter(
                keyworker=OuterRef(user_ref),
                status=BookingStatus.HELD,
                slot__starts_at__gte=start,
                slot__starts_at__lt=end,
            )
        )
    )


def _consultations(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    counts = _per_month_counts(
        keyworker_memberships(ctx.la_ids),
        ctx.months,
        lambda month: consulted_q(quarter_start(month), month_end(month)),
    )
    return {
        (la_id, month): _percent(counts.get((la_id, month), 0), ctx.keyworkers.get((la_id, month), 0))
        for la_id in ctx.la_ids
        for month in ctx.months
    }


def _not_recorded(ctx: Context) -> dict[tuple[int, dt.date], Figure]:
    return {(la_id, month): UNRECORDED for la_id in ctx.la_ids for month in ctx.months}


#: indicator key -> how it is computed for many LAs and months at once.
COMPUTE: dict[str, Callable[[Context], dict[tuple[int, dt.date], Figure]]] = {
    "practitioner": _practitioner,
    "cpd_completion": _cpd_completion,
    "cpd_attendance": _course_attendance("cpd5"),
    "champions_ratio": _champions_ratio,
    "champions_course": _course_attendance("champions"),
    "leaders_day": _leaders_day,
    "reflective_sessions": _reflective_sessions,
    "reflective_attendance": _reflective_attendance,
    "consultations": _consultations,
    "engagement": _engagement,
}

#: The indicators shown per treatment LA (contamination is per control LA, shown apart).
LA_INDICATORS = [i for i in INDICATORS if i.key != "contamination"]


def figures(ctx: Context) -> dict[str, dict[tuple[int, dt.date], Figure]]:
    return {i.key: COMPUTE.get(i.key, _not_recorded)(ctx) for i in LA_INDICATORS}


# ---------------------------------------------------------------------------
# Contamination: refusals to control-arm people
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contamination:
    month: dt.date
    total: int
    per_la: list[tuple[Organisation, int]]
    cell: Cell


def contamination(month: dt.date, threshold: Threshold | None = None) -> Contamination:
    """Refusals of treatment content to control-arm people in the month, for the whole
    trial and per control LA (one query)."""
    start, end = month_start(month), month_end(month)
    las = list(
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, arm=Arm.CONTROL)
        .annotate(refusal_count=Count("refusals", filter=Q(refusals__at__gte=start, refusals__at__lt=end)))
        .order_by("name")
    )
    total = sum(la.refusal_count for la in las)
    indicator = BY_KEY["contamination"]
    threshold = threshold or thresholds()["contamination"]
    figure = Figure(total, text=f"{total} refusal{'' if total == 1 else 's'}")
    return Contamination(
        month, total, [(la, la.refusal_count) for la in las], cell_for(indicator, figure, threshold)
    )


# ---------------------------------------------------------------------------
# The dashboard
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    la: Organisation
    cells: list[Cell]


@dataclass(frozen=True)
class Attention:
    la: Organisation
    cell: Cell


@dataclass(frozen=True)
class Dashboard:
    pilot: Pilot
    month: dt.date
    months: list[dt.date]
    indicators: list[Indicator]
    rows: list[Row]
    attention: list[Attention]
    contamination: Contamination
    counts: dict[str, int]


def treatment_las(only: Organisation | None = None) -> list[Organisation]:
    qs = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, arm=Arm.TREATMENT)
    if only is not None:
        qs = qs.filter(pk=only.pk)
    return list(qs.order_by("name"))


def fidelity_dashboard(*, month: dt.date, pilot: Pilot, las: list[Organisation]) -> Dashboard:
    """Every indicator for each LA in the month, and what turned red since last month."""
    previous = pilot.months(until=month)[-2:-1]
    ctx = Context(pilot=pilot, la_ids=[la.pk for la in las], months=[*previous, month])
    bounds = thresholds()
    values = figures(ctx)
    rows, attention = [], []
    counts = {s.value: 0 for s in Status}
    for la in las:
        cells = []
        for indicator in LA_INDICATORS:
            cell = cell_for(indicator, values[indicator.key][(la.pk, month)], bounds[indicator.key])
            cells.append(cell)
            counts[cell.status] += 1
            if cell.status == Status.RED:
                before = (
                    cell_for(indicator, values[indicator.key][(la.pk, previous[0])], bounds[indicator.key])
                    if previous
                    else None
                )
                if before is None or before.status != Status.RED:
                    attention.append(Attention(la, cell))
        rows.append(Row(la, cells))
    return Dashboard(
        pilot=pilot,
        month=month,
        months=pilot.months(),
        indicators=LA_INDICATORS,
        rows=rows,
        attention=attention,
        contamination=contamination(month, bounds["contamination"]),
        counts=counts,
    )


# ---------------------------------------------------------------------------
# The drill-down into one LA
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    indicator: Indicator
    points: list[tuple[dt.date, Cell]]
    threshold: Threshold


@dataclass(frozen=True)
class KeyworkerLine:
    pseudonym: str
    name: str
    team: str
    last_active_at: dt.datetime | None
    active: bool
    cpd_days: int = 0
    champion: bool = False
    champion_days: int = 0
    consultations: int = 0
    reflective: int = 0


@dataclass(frozen=True)
class TeamLine:
    team: Team
    keyworkers: int
    held: list[tuple[dt.date, bool]] = field(default_factory=list)


def _count_of(qs: QuerySet) -> Coalesce:
    """A correlated COUNT of `qs`, as a subquery expression (COUNT as a plain function,
    so no GROUP BY is added)."""
    counted = qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1]
    return Coalesce(Subquery(counted), 0)


def _progress_annotations(month: dt.date, pilot: Pilot) -> dict:
    """Per-keyworker counts for the drill-down, as subqueries of the membership's user."""
    from reflective_practice.models import Attendance as SessionAttendance
    from reflective_practice.models import Booking, BookingStatus
    from training.models import Attendance as TrainingMark
    from training.selectors import ATTENDED

    until = _last_day(month)

    def days(code: str):
        return _count_of(
            TrainingMark.objects.filter(
                user=OuterRef("user"),
                day__cohort__course__code=code,
                day__date__lte=until,
                status__in=ATTENDED,
            )
        )

    return {
        "cpd_days": days("cpd5"),
        "champion_days": days("champions"),
        "consultations": _count_of(
            Booking.objects.filter(
                keyworker=OuterRef("user"),
                status=BookingStatus.HELD,
                slot__starts_at__gte=quarter_start(month),
                slot__starts_at__lt=month_end(month),
            )
        ),
        "reflective": _count_of(
            SessionAttendance.objects.filter(
                user=OuterRef("user"),
                session__starts_at__gte=month_start(pilot.starts_on),
                session__starts_at__lt=month_end(month),
            )
        ),
    }


@dataclass(frozen=True)
class LaDetail:
    la: Organisation
    month: dt.date
    months: list[dt.date]
    cells: list[Cell]
    trends: list[Trend]
    teams: list[TeamLine]
    keyworkers: list[KeyworkerLine]
    contamination: Contamination

    @property
    def months_so_far(self) -> list[dt.date]:
        return [m for m in self.months if m <= self.month]


def fidelity_for(la: Organisation, month: dt.date, pilot: Pilot) -> LaDetail:
    """One LA in the month: its indicators, their trend over the pilot so far, its
    teams and keyworkers."""
    months = pilot.months(until=month)
    ctx = Context(pilot=pilot, la_ids=[la.pk], months=months)
    bounds = thresholds()
    values = figures(ctx)
    trends, cells = [], []
    for indicator in LA_INDICATORS:
        points = [
            (m, cell_for(indicator, values[indicator.key][(la.pk, m)], bounds[indicator.key])) for m in months
        ]
        trends.append(Trend(indicator, points, bounds[indicator.key]))
        cells.append(points[-1][1])
    end = month_end(month)
    active_end = min(end, timezone.now())
    start = active_end - dt.timedelta(days=30)
    memberships = list(
        keyworker_memberships([la.pk])
        .filter(in_post_at(end))
        .select_related("user", "team")
        .annotate(active=ExpressionWrapper(activity_q(start, active_end), output_field=BooleanField()))
        .annotate(**_progress_annotations(month, pilot))
        .order_by("team__name", "user__full_name")
    )
    from champions.selectors import champion_ids
    from reflective_practice.selectors import sessions_held_by_team_month

    champions = champion_ids(_last_day(month))
    keyworkers = [
        KeyworkerLine(
            pseudonym=m.user.pseudonym,
            name=m.user.get_full_name(),
            team=m.team.name if m.team else "No team",
            last_active_at=m.user.last_active_at,
            active=bool(m.active),
            cpd_days=m.cpd_days,
            champion=m.user_id in champions,
            champion_days=m.champion_days,
            consultations=m.consultations,
            reflective=m.reflective,
        )
        for m in memberships
    ]
    per_team: dict[int | None, int] = defaultdict(int)
    for m in memberships:
        per_team[m.team_id] += 1
    held = sessions_held_by_team_month(months=months, organisation_ids=[la.pk])
    teams = [
        TeamLine(t, per_team.get(t.pk, 0), [(m, held.get(t.pk, {}).get(m, False)) for m in months])
        for t in la.teams.order_by("name")
    ]
    return LaDetail(
        la=la,
        month=month,
        months=pilot.months(),
        cells=cells,
        trends=trends,
        teams=teams,
        keyworkers=keyworkers,
        contamination=contamination(month, bounds["contamination"]),
    )
