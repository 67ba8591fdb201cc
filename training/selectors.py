"""Reads of the training app. Completion is computed here from the attendance marks,
never stored. Other apps (the fidelity dashboard) read these functions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet

from hub import access
from hub.models import Membership, Organisation, Role, User
from training.models import (
    Attendance,
    AttendanceChange,
    Certificate,
    Cohort,
    Course,
    Enrolment,
    Status,
    TrainingDay,
)

ATTENDED = frozenset({Status.PRESENT, Status.LATE, Status.CAUGHT_UP})


def counted_statuses(course: Course) -> frozenset[str]:
    """The marks that count a day as attended under the course's completion rule."""
    return ATTENDED | {Status.LEFT_EARLY} if course.left_early_counts else ATTENDED


def courses() -> dict[str, Course]:
    return {c.code: c for c in Course.objects.all()}


@dataclass
class Progress:
    """A person's progress on one course."""

    course: Course
    attended: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    next_day: TrainingDay | None = None
    next_day_materials: str = ""

    @property
    def days(self) -> int:
        return self.course.days

    @property
    def complete(self) -> bool:
        return self.attended >= self.course.days

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.attended / self.course.days)) if self.course.days else 0


def progress_by_course(user: User, *, today: dt.date | None = None) -> list[Progress]:
    """One Progress per course the person is (or was) enrolled on, in a fixed number of queries.
    A day counts once however many cohorts marked it (a catch-up in another cohort counts)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    enrolled = list(
        Enrolment.objects.filter(user=user).select_related("cohort__course").order_by("cohort__course_id")
    )
    if not enrolled:
        return []
    out: dict[int, Progress] = {}
    for e in enrolled:
        out.setdefault(e.cohort.course_id, Progress(course=e.cohort.course))
    marks = Attendance.objects.filter(user=user, day__cohort__course_id__in=out).values_list(
        "day__cohort__course_id", "day__number", "day__date", "status"
    )
    numbers: dict[int, set[int]] = defaultdict(set)
    for course_id, number, date, status in marks:
        p = out[course_id]
        if status in counted_statuses(p.course) and number not in numbers[course_id]:
            numbers[course_id].add(number)
            p.attended += 1
            p.first_day = min(p.first_day or date, date)
            p.last_day = max(p.last_day or date, date)
    active_cohorts = [e.cohort_id for e in enrolled if e.removed_at is None]
    upcoming = (
        TrainingDay.objects.filter(cohort_id__in=active_cohorts, date__gte=today)
        .select_related("cohort")
        .order_by("date", "starts_at")
    )
    for day in upcoming:
        p = out[day.cohort.course_id]
        if p.next_day is None:
            p.next_day = day
    links = materials_for([p.next_day for p in out.values() if p.next_day])
    for p in out.values():
        if p.next_day:
            p.next_day_materials = links.get(p.next_day.pk, "")
    return list(out.values())


def progress_for(user: User, course: Course) -> Progress:
    for p in progress_by_course(user):
        if p.course.pk == course.pk:
            return p
    return Progress(course=course)


def materials_for(days: list[TrainingDay]) -> dict[int, str]:
    """{day pk: URL of its training materials page}, matched by course code and day
    number, when the resources app provides live pages. One query."""
    if not days:
        return {}
    try:
        model = apps.get_model("resources", "TrainingMaterialPage")
    except LookupError:
        return {}
    codes = {d.cohort.course.code for d in days}
    try:
        pages = {
            (p.course_code, p.day_number): p.url
            for p in model.objects.live()
            .filter(course_code__in=codes, day_number__in={d.number for d in days})
            .defer_streamfields()
        }
    except Exception:  # noqa: BLE001 - materials are optional; a missing field must not break training
        return {}
    return {
        d.pk: pages[(d.cohort.course.code, d.number)] or ""
        for d in days
        if (d.cohort.course.code, d.number) in pages
    }


# --- cohorts ------------------------------------------------------------------------


def cohorts_for(user: User) -> QuerySet[Cohort]:
    """The cohorts a person may open: every cohort for tutors, targeted cohorts of a
    practitioner's LA, their own LA's cohorts for LA leads and senior leaders, and
    the cohorts they are enrolled in."""
    qs = (
        Cohort.objects.select_related("course")
        .prefetch_related("local_authorities")
        .annotate(
            people=Count("enrolments", filter=Q(enrolments__removed_at__isnull=True), distinct=True),
            day_count=Count("days", distinct=True),
        )
    )
    if access.can_manage_training(user):
        return qs.order_by("-created_at")
    memberships = access.profile(user).memberships
    lead_las = [m.organisation_id for m in memberships if m.role in (Role.LA_LEAD, Role.SENIOR_LEADER)]
    prac_las = [m.organisation_id for m in memberships if m.role == Role.PRACTITIONER]
    condition = Q(enrolments__user=user, enrolments__removed_at__isnull=True) | Q(
        local_authorities__in=lead_las
    )
    if prac_las:
        condition |= Q(local_authorities__in=prac_las, course__run_by_practitioner=True)
    ids = Cohort.objects.filter(condition).values("pk")
    return qs.filter(pk__in=ids).order_by("-created_at")


def cohort_days(cohort: Cohort) -> list[TrainingDay]:
    days = list(cohort.days.select_related("cohort__course").order_by("number"))
    links = materials_for(days)
    for d in days:
        d.materials_url = links.get(d.pk, "")
    return days


def active_enrolments(cohort: Cohort) -> QuerySet[Enrolment]:
    return cohort.enrolments.active().select_related("user").order_by("user__full_name", "user__email")


@dataclass
class RegisterRow:
    enrolment: Enrolment
    mark: Attendance | None

    @property
    def user(self) -> User:
        return self.enrolment.user


def register(day: TrainingDay) -> list[RegisterRow]:
    """The day's register: each enrolled person with their mark (or None). Two queries
    whatever the number of people."""
    marks = {m.user_id: m for m in day.marks.all()}
    return [RegisterRow(e, marks.get(e.user_id)) for e in active_enrolments(day.cohort)]


def day_history(day: TrainingDay) -> QuerySet[AttendanceChange]:
    return AttendanceChange.objects.filter(attendance__day=day).select_related(
        "attendance__user", "changed_by"
    )


@dataclass
class CompletionRow:
    user: User
    marks: dict[int, str] = field(default_factory=dict)
    attended: int = 0
    complete: bool = False
    enrolment_pk: int | None = None

    @property
    def cells(self) -> list[tuple[int, str, str]]:
        """(day number, status, label) for each day of the course, blank when unmarked."""
        labels = dict(Status.choices)
        return [
            (n, self.marks.get(n, ""), labels.get(self.marks.get(n, ""), "")) for n in range(1, self.days + 1)
        ]

    days: int = 0


def _enrolments_visible_to(viewer: User, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's active enrolments whose names and marks `viewer` may see
    (`access.cohort_rows_seen`)."""
    enrolments = active_enrolments(cohort)
    led_las = access.cohort_rows_seen(viewer, cohort)
    if led_las is None:
        return enrolments
    people = Q(user=viewer)
    if led_las:
        people |= Q(
            user__in=Membership.objects.active().filter(organisation_id__in=led_las).values("user_id")
        )
    return enrolments.filter(people)


def cohort_completion(cohort: Cohort, *, viewer: User | None = None) -> list[CompletionRow]:
    """Each enrolled person's mark per day number and whether the course is complete for
    them (counting catch-ups and marks in other cohorts of the course). Three queries.
    With `viewer`, only the rows that person may see (see `_enrolments_visible_to`)."""
    course = cohort.course
    counted = counted_statuses(course)
    enrolments = active_enrolments(cohort) if viewer is None else _enrolments_visible_to(viewer, cohort)
    rows = {e.user_id: CompletionRow(user=e.user, enrolment_pk=e.pk, days=course.days) for e in enrolments}
    own_marks = Attendance.objects.filter(day__cohort=cohort, user_id__in=rows).values_list(
        "user_id", "day__number", "status"
    )
    for user_id, number, status in own_marks:
        rows[user_id].marks[number] = status
    all_marks = (
        Attendance.objects.filter(day__cohort__course=course, user_id__in=rows, status__in=counted)
        .values_list("user_id", "day__number")
        .distinct()
    )
    seen: dict[int, set[int]] = defaultdict(set)
    for user_id, number in all_marks:
        seen[user_id].add(number)
    for user_id, row in rows.items():
        row.attended = len(seen[user_id])
        row.complete = row.attended >= course.days
    return list(rows.values())


def certificate_by_number(number: str) -> Certificate | None:
    return Certificate.objects.select_related("course").filter(number=number.strip().upper()).first()


# --- for the fidelity dashboard -------------------------------------------------------


def _keyworkers_by_la(la_ids: list[int] | None = None, role: str = Role.KEYWORKER) -> dict[int, set[int]]:
    qs = Membership.objects.active().filter(role=role, user__is_active=True)
    if la_ids is not None:
        qs = qs.filter(organisation_id__in=la_ids)
    out: dict[int, set[int]] = defaultdict(set)
    for la_id, user_id in qs.values_list("organisation_id", "user_id"):
        out[la_id].add(user_id)
    return out


def completion_by_la(course_code: str, month_end: dt.date, *, role: str = Role.KEYWORKER) -> dict[int, dict]:
    """For each treatment or control LA with people of `role`: how many of its current
    people of that role have completed `course_code` by `month_end` (marks on days up to
    that date; catch-ups count).

    Returns ``{la_id: {"la": Organisation, "people": int, "completed": int, "percent": int}}``."""
    course = Course.objects.get(code=course_code)
    people = _keyworkers_by_la(role=role)
    las = Organisation.objects.local_authorities().filter(pk__in=people).order_by("name")
    marks = (
        Attendance.objects.filter(
            day__cohort__course=course, day__date__lte=month_end, status__in=counted_statuses(course)
        )
        .values_list("user_id", "day__number")
        .distinct()
    )
    days_done: dict[int, set[int]] = defaultdict(set)
    for user_id, number in marks:
        days_done[user_id].add(number)
    out = {}
    for la in las:
        members = people[la.pk]
        done = sum(1 for u in members if len(days_done[u]) >= course.days)
        out[la.pk] = {
            "la": la,
            "people": len(members),
            "completed": done,
            "percent": round(100 * done / len(members)) if members else 0,
        }
    return out


def cpd_completion_by_la(month_end: dt.date) -> dict[int, dict]:
    """Five-day CPD completion per LA by `month_end`: keyworkers who attended all five
    days (catch-ups count) over current keyworkers. Same shape as `completion_by_la`:
    ``{la_id: {"la": Organisation, "people": int, "completed": int, "percent": int}}``."""
    return completion_by_la("cpd5", month_end)


def attendance_counts(
    course_code: str, until: dt.date, *, la_ids: list[int] | None = None
) -> dict[int, dict]:
    """Person-days of `course_code` per LA, on days up to `until`: scheduled (active
    enrolments × days held) and attended (marks that count). A person counts for the LA
    where they hold an active membership among the cohort's LAs.

    Returns ``{la_id: {"scheduled": int, "attended": int, "percent": int | None}}``."""
    course = Course.objects.get(code=course_code)
    cohorts = Cohort.objects.filter(course=course).prefetch_related(
        "local_authorities",
        Prefetch("days", queryset=TrainingDay.objects.filter(date__lte=until), to_attr="held"),
        Prefetch("enrolments", queryset=Enrolment.objects.active(), to_attr="active"),
    )
    people_la = {}
    for la_id, user_id in Membership.objects.active().values_list("organisation_id", "user_id"):
        people_la.setdefault(user_id, set()).add(la_id)
    counted = counted_statuses(course)
    attended_pairs = set(
        Attendance.objects.filter(
            day__cohort__course=course, day__date__lte=until, status__in=counted
        ).values_list("user_id", "day_id")
    )
    out: dict[int, dict] = defaultdict(lambda: {"scheduled": 0, "attended": 0})
    for cohort in cohorts:
        cohort_las = {la.pk for la in cohort.local_authorities.all()}
        for enrolment in cohort.active:
            las = people_la.get(enrolment.user_id, set()) & cohort_las
            if not las:
                continue
            la_id = min(las)
            if la_ids is not None and la_id not in la_ids:
                continue
            for day in cohort.held:
                out[la_id]["scheduled"] += 1
                if (enrolment.user_id, day.pk) in attended_pairs:
                    out[la_id]["attended"] += 1
    result = {}
    for la_id, row in out.items():
        row["percent"] = round(100 * row["attended"] / row["scheduled"]) if row["scheduled"] else None
        result[la_id] = dict(row)
    return result


def leaders_day_attendance(until: dt.date) -> dict[int, int]:
    """Senior leaders and LA leads per LA who attended the leaders' day by `until`: ``{la_id: int}``."""
    leaders = defaultdict(set)
    for la_id, user_id in (
        Membership.objects.active()
        .filter(role__in=[Role.LA_LEAD, Role.SENIOR_LEADER])
        .values_list("organisation_id", "user_id")
    ):
        leaders[user_id].add(la_id)
    attended = (
        Attendance.objects.filter(
            day__cohort__course__code="leaders", day__date__lte=until, status__in=ATTENDED
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    out: dict[int, int] = defaultdict(int)
    for user_id in attended:
        for la_id in leaders.get(user_id, ()):
            out[la_id] += 1
    return dict(out)
