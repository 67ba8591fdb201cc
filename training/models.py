"""Courses, cohorts, training days, enrolments, attendance marks (with their history)
and certificates. Completion is never stored: it is computed from the marks
(`training.selectors`)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


class CourseCode(models.TextChoices):
    CPD5 = "cpd5", "Five-day CPD in systemic practice"
    LEADERS = "leaders", "Leaders' day"
    POSTPILOT = "postpilot", "Two-day post-pilot CPD"
    TARGETED = "targeted", "Targeted training day"
    CHAMPIONS = "champions", "Systemic champions' ten-day course"


class Audience(models.TextChoices):
    KEYWORKERS = "keyworkers", "Keyworkers"
    LEADERS = "leaders", "Senior leaders and managers"
    CHAMPIONS = "champions", "Approved systemic champions"


class CourseArm(models.TextChoices):
    TREATMENT = "treatment", "Treatment LAs"
    CONTROL = "control", "Control LAs"


class Course(models.Model):
    """A course and its rules, held as data (seeded by a migration)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    days = models.PositiveSmallIntegerField(help_text="How many training days make the course.")
    cpd_hours_per_day = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("6.0"))
    cpd_certified = models.BooleanField(default=False)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.KEYWORKERS)
    arm = models.CharField(max_length=12, choices=CourseArm.choices, default=CourseArm.TREATMENT)
    span_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="All days must fall within this many days of the first day."
    )
    after_pilot_only = models.BooleanField(default=False, help_text="Days only after the pilot has ended.")
    left_early_counts = models.BooleanField(
        default=False, help_text="Completion rule: a day left early still counts as attended."
    )
    run_by_practitioner = models.BooleanField(
        default=False, help_text="A systemic practitioner runs it in their own LA."
    )
    certificate_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_hours(self) -> Decimal:
        return self.cpd_hours_per_day * self.days


class Cohort(models.Model):
    """A course delivered to one or more LAs, with its tutors and training days."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=150)
    local_authorities = models.ManyToManyField("hub.Organisation", related_name="training_cohorts")
    tutors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts_taught", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingDay(models.Model):
    """One day of a cohort, at a local (Europe/London) date and times."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="days")
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    starts_at = models.TimeField(default=dt.time(9, 30))
    ends_at = models.TimeField(default=dt.time(16, 0))
    venue = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(blank=True)

    class Meta:
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="trainingday_one_per_number"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="trainingday_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort.name}, day {self.number} ({self.date:%-d %b %Y})"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.starts_at, tzinfo=LONDON)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.ends_at, tzinfo=LONDON)

    @property
    def where(self) -> str:
        return self.venue or ("Online" if self.online_url else "To be confirmed")


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(max_length=300, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "user"],
                condition=Q(removed_at__isnull=True),
                name="enrolment_one_active_per_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class Status(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT = "absent", "Absent"
    EXCUSED = "excused", "Excused"
    CAUGHT_UP = "caught_up", "Caught up"


class Attendance(models.Model):
    """One mark per person per training day. `caught_up` means the person attended
    this day's content with another cohort (`caught_up_on`)."""

    day = models.ForeignKey(TrainingDay, on_delete=models.CASCADE, related_name="marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=12, choices=Status.choices)
    caught_up_on = models.ForeignKey(
        TrainingDay, on_delete=models.SET_NULL, null=True, blank=True, related_name="catch_ups"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "user"], name="attendance_one_mark_per_day")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_status_display()} on {self.day}"


class AttendanceChange(models.Model):
    """Every change to a mark: who, when, and the value before (blank for the first mark)."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    previous_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    new_status = models.CharField(max_length=12, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.previous_status or 'no mark'} → {self.new_status} at {self.changed_at:%Y-%m-%d %H:%M}"


def new_certificate_number() -> str:
    return "SPH-" + secrets.token_hex(5).upper()


class Certificate(models.Model):
    """A certificate issued to a person who completed a course; verifiable by number."""

    number = models.CharField(max_length=20, unique=True, default=new_certificate_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    full_name = models.CharField(max_length=150)
    first_day = models.DateField()
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="certificate_one_per_course")]

    def __str__(self) -> str:
        return f"{self.number}: {self.full_name}, {self.course}"
