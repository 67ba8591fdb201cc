"""Writes of the training app: cohorts, training days, enrolments, attendance marks
and certificates. Each service checks its rules and refuses with a message that says why."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hub import access
from hub.models import Arm, Membership, Organisation, Pilot, Role, Team, User
from hub.notifications.services import notify
from hub.services import audit
from training.models import (
    Attendance,
    AttendanceChange,
    Certificate,
    Cohort,
    Course,
    CourseArm,
    Enrolment,
    Status,
    TrainingDay,
)
from training.signals import attendance_changed


def _require_manager(actor: User | None, cohort: Cohort) -> None:
    if actor is not None and not access.can_manage_cohort(actor, cohort):
        raise PermissionDenied("You cannot manage this cohort.")


# --- cohorts ------------------------------------------------------------------------


def cohort_create(
    *,
    actor: User | None,
    course: Course,
    name: str,
    local_authorities: list[Organisation],
    tutors: list[User] | None = None,
) -> Cohort:
    """A cohort of `course` for the given LAs. Treatment courses are refused for control
    LAs, the post-pilot CPD for treatment LAs; targeted days belong to one LA."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the cohort a name, such as “Ashdown CPD, spring”."})
    if not local_authorities:
        raise ValidationError({"local_authorities": "Choose at least one local authority."})
    for la in local_authorities:
        if not la.is_local_authority:
            raise ValidationError({"local_authorities": f"{la.name} is not a local authority."})
        if course.arm == CourseArm.TREATMENT and la.arm != Arm.TREATMENT:
            raise ValidationError(
                {
                    "local_authorities": f"{la.name} is not a treatment local authority: the "
                    f"{course.name} is only for treatment LAs."
                }
            )
        if course.arm == CourseArm.CONTROL and la.arm != Arm.CONTROL:
            raise ValidationError(
                {
                    "local_authorities": f"{la.name} is not a control local authority: the "
                    f"{course.name} is only for control LAs, after the pilot."
                }
            )
    if course.run_by_practitioner and len(local_authorities) != 1:
        raise ValidationError({"local_authorities": "A targeted training day is for one local authority."})
    if actor is not None:
        if not access.can_create_cohort(actor):
            raise PermissionDenied("You cannot create training cohorts.")
        if not access.can_create_cohort_for(actor, course, local_authorities):
            raise PermissionDenied("You can only create targeted training days in your own LA.")
    with transaction.atomic():
        cohort = Cohort.objects.create(course=course, name=name, created_by=actor)
        cohort.local_authorities.set(local_authorities)
        cohort.tutors.set(tutors if tutors is not None else ([actor] if actor else []))
        audit(actor=actor, action="training.cohort_create", detail=f"{cohort.name} ({course.code})")
    return cohort


def day_schedule(
    *,
    actor: User | None,
    cohort: Cohort,
    date: dt.date,
    starts_at: dt.time = dt.time(9, 30),
    ends_at: dt.time = dt.time(16, 0),
    venue: str = "",
    online_url: str = "",
    number: int | None = None,
) -> TrainingDay:
    """Schedule (or move, when day `number` exists) one day of a cohort. Guarantees: no
    more days than the course has, all days of a course with a span (five-day CPD: ten
    weeks) within that span of the first day, post-pilot days after the pilot's end, and
    a day that has attendance marks keeps its date. Scheduling is serialised per cohort, so
    two people taking "the next free day" at once get two different days."""
    _require_manager(actor, cohort)
    course = cohort.course
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The day must end after it starts."})
    if course.after_pilot_only:
        pilot_end = Pilot.current().ends_on
        if date <= pilot_end:
            raise ValidationError(
                {"date": f"The post-pilot CPD can only run after the pilot ends on {pilot_end:%-d %B %Y}."}
            )
    with transaction.atomic():
        # Lock the cohort before reading its days: the free day number, the span and the
        # marks below are then read as they are, not as another writer left them.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        existing = {d.number: d for d in cohort.days.all()}
        if number is None:
            free = [n for n in range(1, course.days + 1) if n not in existing]
            if not free:
                raise ValidationError(
                    {
                        "date": f"All {course.days} day{'s' if course.days != 1 else ''} of this course are scheduled already."
                    }
                )
            number = free[0]
        if not 1 <= number <= course.days:
            raise ValidationError(
                {"number": f"The {course.name} has {course.days} day(s): choose 1 to {course.days}."}
            )
        moving = existing.get(number)
        before = _day_when(moving) if moving is not None else None
        if moving is not None and moving.date != date and moving.marks.exists():
            raise ValidationError(
                {
                    "date": f"Day {number} was held on {moving.date:%-d %B %Y} and has attendance marks, so "
                    "its date cannot change. Keep that date; anyone who missed it can catch up with "
                    "another cohort."
                }
            )
        if course.span_days:
            dates = [d.date for n, d in existing.items() if n != number] + [date]
            first, last = min(dates), max(dates)
            if (last - first).days > course.span_days:
                weeks = course.span_days // 7
                raise ValidationError(
                    {
                        "date": f"All days of the {course.name} must fall within {weeks} weeks of the first day "
                        f"({first:%-d %B %Y}): this date makes it {(last - first).days} days."
                    }
                )
        day, created = TrainingDay.objects.update_or_create(
            cohort=cohort,
            number=number,
            defaults={
                "date": date,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "venue": venue.strip(),
                "online_url": online_url.strip(),
            },
        )
        audit(
            actor=actor,
            action="training.day_schedule" if created else "training.day_move",
            detail=f"{cohort.name} day {number}: {date}",
        )
        if before is not None and _day_when(day) != before:
            _tell_enrolled_of_change(day, was=moving)
    return day


def _day_when(day: TrainingDay) -> tuple:
    """What the people coming to a day need to know of when and where it is."""
    return (day.date, day.starts_at, day.ends_at, day.venue, day.online_url)


def _describe(day: TrainingDay) -> str:
    text = f"{day.date:%A %-d %B %Y}, {day.starts_at:%H:%M} to {day.ends_at:%H:%M}"
    if day.venue:
        text += f", at {day.venue}"
    if day.online_url:
        text += f", online at {day.online_url}"
    return text


def _tell_enrolled_of_change(day: TrainingDay, *, was: TrainingDay) -> None:
    """Everyone enrolled in the cohort now hears where and when a day they are booked on
    has moved to, and where and when it was."""
    course = day.cohort.course
    if day.date != was.date:
        title = f"{course.name}, day {day.number}, has moved to {day.date:%A %-d %B %Y}"
    else:
        title = f"{course.name}, day {day.number}, has changed"
    body = f"Day {day.number} is now on {_describe(day)}. It was on {_describe(was)}."
    url = reverse("training_index")
    for enrolment in day.cohort.enrolments.active().select_related("user"):
        notify(enrolment.user, title=title, body=body, url=url)


# --- enrolments ---------------------------------------------------------------------


def _eligible(cohort: Cohort, user: User, la_ids: set[int]) -> str | None:
    """None when the person may join the cohort, otherwise why not."""
    course = cohort.course
    memberships = list(Membership.objects.active().filter(user=user, organisation_id__in=la_ids))
    if course.audience == "leaders":
        if not any(m.role in (Role.LA_LEAD, Role.SENIOR_LEADER) for m in memberships):
            return "is not a senior leader or manager of the cohort's local authorities"
        return None
    if not any(m.role == Role.KEYWORKER for m in memberships):
        return "is not a keyworker of the cohort's local authorities"
    if course.audience == "champions" and not access.is_champion(user):
        return "is not an approved systemic champion"
    return None


@dataclass
class BulkResult:
    """What a bulk enrolment did. Each refusal carries a message fit to show the person
    enrolling: it names only people of the cohort's own local authorities; anyone else is
    named by the email address as it was typed."""

    added: list[User] = field(default_factory=list)
    already: list[User] = field(default_factory=list)
    refused: list[tuple[User, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


EMAIL_SPLIT = re.compile(r"[\s,;]+")


def enrolment_add_bulk(
    *,
    actor: User | None,
    cohort: Cohort,
    la: Organisation | None = None,
    team: Team | None = None,
    emails: str = "",
    users: list[User] | None = None,
) -> BulkResult:
    """Enrol people in bulk: the keyworkers (or, for the leaders' day, the leaders) of an
    LA or a team, a pasted list of email addresses, or given people. Reports who was
    added, who was already enrolled, who may not join (and why), and emails that matched
    nobody. A pasted address never reveals the name of someone outside the cohort's local
    authorities, and switched-off accounts are never enrolled."""
    _require_manager(actor, cohort)
    la_ids = {o.pk for o in cohort.local_authorities.all()}
    candidates: list[User] = list(users or [])
    typed: dict[int, str] = {}
    result = BulkResult()
    if team is not None:
        la = team.organisation
    if la is not None:
        if la.pk not in la_ids:
            raise ValidationError({"la": f"{la.name} is not one of this cohort's local authorities."})
        wanted = (
            [Role.LA_LEAD, Role.SENIOR_LEADER] if cohort.course.audience == "leaders" else [Role.KEYWORKER]
        )
        qs = Membership.objects.active().filter(organisation=la, role__in=wanted, user__is_active=True)
        if team is not None:
            qs = qs.filter(team=team)
        candidates += [m.user for m in qs.select_related("user")]
    for raw in EMAIL_SPLIT.split(emails.strip()):
        if not raw:
            continue
        found = User.objects.filter(email__iexact=raw.strip()).first()
        if found is None:
            result.unmatched.append(raw.strip())
        else:
            typed.setdefault(found.pk, raw.strip())
            candidates.append(found)
    insiders = set(
        Membership.objects.active()
        .filter(organisation_id__in=la_ids, user__in=candidates)
        .values_list("user_id", flat=True)
    )
    leaders = cohort.course.audience == "leaders"
    outsider_why = (
        "is not a senior leader or manager of this cohort's local authorities"
        if leaders
        else "is not a keyworker of this cohort's local authorities"
    )
    seen: set[int] = set()
    active = set(cohort.enrolments.active().values_list("user_id", flat=True))
    with transaction.atomic():
        for person in candidates:
            if person.pk in seen:
                continue
            seen.add(person.pk)
            if person.pk not in insiders:
                # Someone of another LA (or none): say no more than the address typed.
                result.refused.append((person, f"{typed.get(person.pk, person.email)} {outsider_why}."))
                continue
            if person.pk in active:
                result.already.append(person)
                continue
            if not person.is_active:
                result.refused.append(
                    (person, f"{person}'s account is switched off, so they cannot be enrolled.")
                )
                continue
            why = _eligible(cohort, person, la_ids)
            if why:
                result.refused.append((person, f"{person} {why}."))
                continue
            Enrolment.objects.create(cohort=cohort, user=person, enrolled_by=actor)
            result.added.append(person)
        if result.added:
            audit(
                actor=actor,
                action="training.enrol",
                detail=f"{len(result.added)} enrolled in {cohort.name}",
            )
    return result


def enrolment_remove(*, actor: User | None, enrolment: Enrolment, reason: str) -> Enrolment:
    """Remove a person from a cohort, keeping the record with the reason. Their marks stay."""
    _require_manager(actor, enrolment.cohort)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this person is leaving the cohort."})
    if enrolment.removed_at:
        raise ValidationError({"reason": "This person has already been removed."})
    with transaction.atomic():
        enrolment.removed_at = timezone.now()
        enrolment.removed_by = actor
        enrolment.removal_reason = reason[:300]
        enrolment.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        audit(
            actor=actor,
            action="training.unenrol",
            detail=f"{enrolment.user.email} from {enrolment.cohort.name}: {reason}",
        )
    return enrolment


# --- attendance ---------------------------------------------------------------------


def attendance_mark(
    *,
    actor: User | None,
    day: TrainingDay,
    user: User,
    status: str,
    caught_up_on: TrainingDay | None = None,
    today: dt.date | None = None,
) -> Attendance:
    """Give `user` a mark for `day`, or change it. One mark per person per day (a database
    constraint); every change keeps who changed it, when, and the previous value.
    Refused before the day, for people not enrolled, and for a catch-up on another course's day."""
    _require_manager(actor, day.cohort)
    today = today or timezone.localdate()
    if status not in Status.values:
        raise ValidationError({"status": "Choose present, late, left early, absent, excused or caught up."})
    if day.date > today:
        raise ValidationError(
            {
                "status": f"Marks can be taken on or after the day: day {day.number} is on {day.date:%-d %B %Y}."
            }
        )
    if not day.cohort.enrolments.active().filter(user=user).exists():
        raise ValidationError({"user": f"{user} is not enrolled in {day.cohort.name}."})
    if status == Status.CAUGHT_UP:
        if caught_up_on is not None and (
            caught_up_on.cohort.course_id != day.cohort.course_id or caught_up_on.number != day.number
        ):
            raise ValidationError({"caught_up_on": "A catch-up must be the same day of the same course."})
    else:
        caught_up_on = None
    with transaction.atomic():
        # Marks for one day are written one writer at a time (see attendance_mark_all_present).
        TrainingDay.objects.select_for_update().filter(pk=day.pk).first()
        mark = Attendance.objects.select_for_update().filter(day=day, user=user).first()
        previous = ""
        if mark is None:
            try:
                with transaction.atomic():
                    mark = Attendance.objects.create(
                        day=day, user=user, status=status, caught_up_on=caught_up_on, marked_by=actor
                    )
            except IntegrityError:
                # Someone marked this person at the same moment: change their mark instead.
                mark = Attendance.objects.select_for_update().get(day=day, user=user)
                previous = mark.status
        else:
            previous = mark.status
        if previous == status and mark.caught_up_on_id == (caught_up_on.pk if caught_up_on else None):
            return mark
        if previous:
            mark.status = status
            mark.caught_up_on = caught_up_on
            mark.marked_by = actor
            mark.marked_at = timezone.now()
            mark.save(update_fields=["status", "caught_up_on", "marked_by", "marked_at"])
        AttendanceChange.objects.create(
            attendance=mark, previous_status=previous, new_status=status, changed_by=actor
        )
        attendance_changed.send(sender=Attendance, attendance=mark)
    return mark


def attendance_mark_all_present(*, actor: User | None, day: TrainingDay, today: dt.date | None = None) -> int:
    """Mark everyone enrolled who has no mark yet as present; existing marks stay, also
    one given at the same moment. Returns how many were marked."""
    _require_manager(actor, day.cohort)
    today = today or timezone.localdate()
    if day.date > today:
        raise ValidationError(
            {
                "status": f"Marks can be taken on or after the day: day {day.number} is on {day.date:%-d %B %Y}."
            }
        )
    with transaction.atomic():
        # Lock the day as attendance_mark does, so a single mark given at the same moment
        # waits for this one (or this one for it) instead of colliding on the one-mark rule.
        TrainingDay.objects.select_for_update().filter(pk=day.pk).first()
        marked = set(day.marks.values_list("user_id", flat=True))
        todo = [e.user_id for e in day.cohort.enrolments.active() if e.user_id not in marked]
        now = timezone.now()
        Attendance.objects.bulk_create(
            [
                Attendance(day=day, user_id=u, status=Status.PRESENT, marked_by=actor, marked_at=now)
                for u in todo
            ]
        )
        created = list(Attendance.objects.filter(day=day, user_id__in=todo))
        AttendanceChange.objects.bulk_create(
            [
                AttendanceChange(
                    attendance=m, previous_status="", new_status=Status.PRESENT, changed_by=actor
                )
                for m in created
            ]
        )
        for mark in created:
            mark.day = day
            attendance_changed.send(sender=Attendance, attendance=mark)
    return len(created)


# --- certificates -------------------------------------------------------------------


def certificate_issue(*, user: User, course: Course) -> Certificate:
    """The person's certificate for a completed course (issued once, then the same one).
    Refused for a course that carries no certificate, and when the marks do not show the
    course complete."""
    from training.selectors import progress_for

    if not course.cpd_certified:
        raise ValidationError(f"The {course.name} does not come with a certificate.")
    existing = Certificate.objects.filter(user=user, course=course).select_related("course").first()
    if existing:
        return existing
    progress = progress_for(user, course)
    if not progress.complete:
        raise ValidationError(
            f"{course.name} is not complete yet: {progress.attended} of {course.days} days attended."
        )
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=course,
                full_name=user.get_full_name(),
                first_day=progress.first_day,
                completed_on=progress.last_day,
                hours=course.total_hours,
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)
