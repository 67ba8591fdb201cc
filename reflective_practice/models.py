"""Monthly group reflective sessions, one-to-one consultation slots and bookings, and
each person's private calendar feed.

Times are stored in UTC; monthly and weekly rules are computed in Europe/London local
time (see recurrence.py)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hub.models import Organisation, Team


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists on PostgreSQL and is skipped elsewhere.

    SQLite has no GiST index, so there the services check overlaps in Python."""

    @staticmethod
    def _postgres(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Ordinal(models.IntegerChoices):
    FIRST = 1, "First"
    SECOND = 2, "Second"
    THIRD = 3, "Third"
    FOURTH = 4, "Fourth"
    LAST = -1, "Last"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


# --- monthly group sessions ------------------------------------------------------


class SessionSeries(models.Model):
    """A practitioner's monthly group session for one or more teams of their LA."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="session_series")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    teams = models.ManyToManyField(Team, related_name="session_series")
    title = models.CharField(max_length=150, default="Group reflective practice")
    ordinal = models.SmallIntegerField(choices=Ordinal.choices)
    weekday = models.SmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "title"]
        verbose_name_plural = "session series"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="series_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="series_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.rule_text}"

    def team_ids(self) -> list[int]:
        return [t.pk for t in self.teams.all()]

    @property
    def rule_text(self) -> str:
        return (
            f"{Ordinal(self.ordinal).label.lower()} {Weekday(self.weekday).label} of the month, "
            f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        )


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    """One occurrence of a series. Moving or cancelling it leaves the others alone."""

    series = models.ForeignKey(SessionSeries, on_delete=models.CASCADE, related_name="sessions")
    #: The local date the rule gave; stays the same when the session is moved.
    rule_date = models.DateField()
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    change_reason = models.CharField(max_length=300, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    theme = models.CharField(max_length=120, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="Bumped on each change, for calendars.")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "rule_date"], name="session_one_per_series_rule_date"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.series.title}, {local:%a %-d %b %Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def uid(self) -> str:
        return f"session-{self.pk}@reflective.hub"


class Rsvp(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    going = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="rsvp_one_per_person")]

    def __str__(self) -> str:
        return f"{self.user} {'going' if self.going else 'not going'}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_one_per_person")]

    def __str__(self) -> str:
        return f"{self.user} attended"


# --- one-to-one consultations ------------------------------------------------------


class AvailabilityPattern(models.Model):
    """A weekly pattern that generated slots (e.g. Wednesdays 13:00–16:00, 45 minutes)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekday = models.SmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    slot_minutes = models.PositiveSmallIntegerField(default=45)
    buffer_minutes = models.PositiveSmallIntegerField(default=0)
    first_day = models.DateField()
    last_day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label}s {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Slot(models.Model):
    """A time a practitioner offers for a one-to-one consultation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consultation_slots"
    )
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pattern = models.ForeignKey(
        AvailabilityPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    location = models.CharField(max_length=200, blank=True, help_text="A room, or an online joining link.")
    min_hours_ahead = models.PositiveSmallIntegerField(default=24)
    max_weeks_ahead = models.PositiveSmallIntegerField(default=8)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            # One practitioner's offered times never overlap (PostgreSQL, with btree_gist).
            PostgresOnlyExclusionConstraint(
                name="slot_no_overlap_per_practitioner",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("practitioner", RangeOperators.EQUAL),
                ],
                condition=Q(withdrawn_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%a %-d %b %Y %H:%M}–{timezone.localtime(self.ends_at):%H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    NOT_ATTENDED = "not_attended", "Not attended"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_BOOKING = ~Q(status=BookingStatus.CANCELLED)


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    keyworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=300)
    status = models.CharField(max_length=14, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    #: Read only by the practitioner who holds the slot (hub/access.py).
    private_note = models.TextField(blank=True)

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            # Never double-booked: one active booking per slot.
            models.UniqueConstraint(
                fields=["slot"], condition=ACTIVE_BOOKING, name="booking_one_active_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.keyworker} at {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.status != BookingStatus.CANCELLED

    @property
    def uid(self) -> str:
        return f"consultation-{self.pk}@reflective.hub"


# --- calendar feeds ----------------------------------------------------------------


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar feed; regenerating the token revokes the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


# --- waiting list and reminders ------------------------------------------------------


class WaitlistEntry(models.Model):
    """A keyworker waiting to hear when a consultation time frees up in one week.

    The week is the Monday of a Europe/London week. Booking any time in that week takes
    the keyworker off the list."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    keyworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    last_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week_start", "created_at", "pk"]
        verbose_name_plural = "waiting list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["keyworker", "organisation", "week_start"], name="waitlist_one_per_person_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.keyworker} waiting for the week of {self.week_start:%-d %b %Y}"


class Reminder(models.Model):
    """A reminder email sent, so that it is never sent twice.

    A session's reminder is keyed by its change counter (`Session.sequence`): a moved
    session gets a fresh reminder. A moved booking is a new booking, so it gets one too."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    sequence = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=True) ^ Q(booking__isnull=True),
                name="reminder_for_session_or_booking",
            ),
            models.UniqueConstraint(
                fields=["session", "user", "sequence"],
                condition=Q(session__isnull=False),
                name="reminder_once_per_session_change",
            ),
            models.UniqueConstraint(
                fields=["booking", "user"],
                condition=Q(booking__isnull=False),
                name="reminder_once_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.user} for {self.session or self.booking}"
