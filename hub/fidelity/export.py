"""The pseudonymised evaluation export: one CSV per table, or one XLSX workbook with a
sheet per table and a data dictionary.

People and teams appear only as keyed hashes (HMAC-SHA256 with a key of its own, not
the site's SECRET_KEY), so the same person has the same pseudonym in every export and
nobody can reverse it without the key. No name, email address or free text leaves the
hub. Rows are read with server-side iteration and written as they come, so memory
stays flat however many rows there are."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import BooleanField, DateField, ExpressionWrapper, OuterRef, Subquery

from hub import access
from hub.csvsafe import csv_safe_row
from hub.fidelity import selectors
from hub.models import AccessRefusal, Membership, Pilot, Role
from hub.pseudonyms import KEY_SETTING, code, pseudonym_key  # noqa: F401

CHUNK = 2000
#: The LA roles of the trial's people (IFT staff and evaluators are not in the data).
TRIAL_ROLES = [Role.KEYWORKER, Role.PRACTITIONER, Role.LA_LEAD, Role.SENIOR_LEADER]
#: Treatment surfaces as the access policy names them; anything else is exported as "other".
SURFACES = {
    access.RESOURCES,
    access.FORUM,
    access.REFLECTIVE,
    access.CONSULTATIONS,
    access.CHAMPIONS,
    access.TRAINING,
}


class Pseudonymiser:
    """Stable keyed codes for people and teams."""

    def __init__(self, key: bytes | None = None):
        self.key = key if key is not None else pseudonym_key()
        self._cache: dict[tuple[str, int], str] = {}

    def code(self, kind: str, pk: int | None) -> str:
        if pk is None:
            return ""
        found = self._cache.get((kind, pk))
        if found is None:
            found = self._cache[(kind, pk)] = code(kind, pk, self.key)
            if len(self._cache) > 200_000:
                self._cache.clear()
        return found

    def person(self, pk: int | None) -> str:
        return self.code("person", pk)

    def team(self, pk: int | None) -> str:
        return self.code("team", pk)


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[Pseudonymiser, Pilot], Iterator[tuple]]


def _date(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).date().isoformat() if value else ""


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


# --- people -------------------------------------------------------------------


def _champion(field: str) -> Subquery:
    """`field` of the person's latest time as a champion of the membership's LA."""
    from champions.models import Nomination

    latest = (
        Nomination.objects.filter(
            user=OuterRef("user_id"), la=OuterRef("organisation_id"), approved_on__isnull=False
        )
        .order_by("-approved_on", "-pk")
        .values(field)[:1]
    )
    return Subquery(latest, output_field=DateField())


def _people_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    rows = (
        Membership.objects.filter(role__in=TRIAL_ROLES, organisation__kind="la")
        .annotate(champion_from=_champion("approved_on"), champion_to=_champion("withdrawn_on"))
        .order_by("organisation__name", "user_id", "role", "started_at")
        .values_list(
            "user_id",
            "organisation__name",
            "organisation__arm",
            "team_id",
            "role",
            "started_at",
            "ended_at",
            "champion_from",
            "champion_to",
        )
    )
    for user_id, la, arm, team_id, role, started, ended, champion_from, champion_to in rows.iterator(
        chunk_size=CHUNK
    ):
        if role != Role.KEYWORKER:
            champion_from = champion_to = None
        yield (
            p.person(user_id),
            la,
            arm,
            p.team(team_id),
            role,
            _date(started),
            _date(ended),
            _day(champion_from),
            _day(champion_to),
        )


PEOPLE = Table(
    "people",
    "People",
    "One row per role a person holds or held in a local authority of the trial.",
    [
        Column("person", "The person's pseudonym (stable across exports)."),
        Column("la", "The local authority."),
        Column("arm", "The LA's trial arm: treatment or control."),
        Column("team", "The pseudonym of the person's keyworker team, if any."),
        Column("role", "keyworker, practitioner (systemic practitioner), la_lead or senior_leader."),
        Column("from", "The date the role started (UTC)."),
        Column("to", "The date the role ended (UTC), empty while it continues."),
        Column(
            "champion_from",
            "For a keyworker who is or was a systemic champion of the LA: the date they became "
            "one (their latest time as champion, if more than one); else empty.",
        ),
        Column(
            "champion_to",
            "The date that time as champion ended (withdrawn), empty while it continues or if "
            "never a champion.",
        ),
    ],
    _people_rows,
)


# --- hub engagement per month -------------------------------------------------------


def _engagement_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    for month in pilot.months():
        end = selectors.month_end(month)
        start = end - dt.timedelta(days=30)
        rows = (
            selectors.keyworker_memberships_all()
            .filter(selectors.in_post_at(end))
            .annotate(active=ExpressionWrapper(selectors.activity_q(start, end), output_field=BooleanField()))
            .order_by("organisation__name", "user_id")
            .values_list("user_id", "organisation__name", "active")
        )
        for user_id, la, active in rows.iterator(chunk_size=CHUNK):
            yield (f"{month:%Y-%m}", p.person(user_id), la, "yes" if active else "no")


ENGAGEMENT = Table(
    "engagement",
    "Hub engagement",
    "One row per keyworker in post at the end of each pilot month.",
    [
        Column("month", "The pilot month (YYYY-MM)."),
        Column("person", "The keyworker's pseudonym."),
        Column("la", "The local authority."),
        Column(
            "active_last_30_days",
            "yes if the keyworker used the hub in the 30 days before the month's end "
            "(signed in and used it, viewed a resource or posted in the forum), else no.",
        ),
    ],
    _engagement_rows,
)


# --- contamination -------------------------------------------------------------------


def _contamination_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    rows = AccessRefusal.objects.order_by("at", "pk").values_list(
        "user_id", "organisation__name", "organisation__arm", "what", "at"
    )
    for user_id, la, arm, what, at in rows.iterator(chunk_size=CHUNK):
        yield (p.person(user_id), la, arm, what if what in SURFACES else "other", _when(at))


CONTAMINATION = Table(
    "contamination",
    "Contamination log",
    "One row per refusal of treatment content to a control-arm person.",
    [
        Column("person", "The pseudonym of the person refused."),
        Column("la", "Their local authority."),
        Column("arm", "Their LA's trial arm (control)."),
        Column("surface", "What they tried to open: the treatment surface's name."),
        Column("at", "When (UTC, ISO 8601)."),
    ],
    _contamination_rows,
)


def tables() -> list[Table]:
    """The export's tables, for the apps whose data the hub records."""
    return [PEOPLE, *extra_tables(), ENGAGEMENT, CONTAMINATION]


# --- training attendance ------------------------------------------------------------


def _training_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from training.models import Attendance

    la_of = _la_of_people()
    rows = Attendance.objects.order_by("day__date", "day_id", "user_id").values_list(
        "user_id", "day__cohort__course__code", "day__cohort_id", "day__number", "day__date", "status"
    )
    for user_id, course, cohort, number, date, status in rows.iterator(chunk_size=CHUNK):
        yield (p.person(user_id), la_of.get(user_id, ""), course, cohort, number, date.isoformat(), status)


def _la_of_people() -> dict[int, str]:
    """Each person's current local authority (one query; a few bytes a person)."""
    return dict(
        Membership.objects.filter(ended_at__isnull=True, organisation__kind="la")
        .order_by("user_id", "started_at")
        .values_list("user_id", "organisation__name")
    )


TRAINING = Table(
    "training_attendance",
    "Training attendance",
    "One row per attendance mark on a training day (CPD, champions' course, leaders' day).",
    [
        Column("person", "The person's pseudonym."),
        Column("la", "Their local authority."),
        Column("course", "cpd5 (five-day CPD), champions, leaders (leaders' day), postpilot or targeted."),
        Column("cohort", "A number identifying the cohort."),
        Column("day", "The day's number in the course."),
        Column("date", "The day's date."),
        Column(
            "status",
            "present, late, left_early, absent, excused or caught_up (attended with another cohort).",
        ),
    ],
    _training_rows,
)


# --- reflective practice -----------------------------------------------------------


def _session_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from reflective_practice.models import Session

    rows = Session.objects.order_by("starts_at", "pk").values_list(
        "pk", "series__organisation__name", "series__teams", "starts_at", "status", "attendance_marked_at"
    )
    for pk, la, team_id, starts_at, status, marked in rows.iterator(chunk_size=CHUNK):
        held = "held" if status == "scheduled" and marked else status
        yield (pk, la, p.team(team_id), _when(starts_at), held)


SESSIONS = Table(
    "reflective_sessions",
    "Reflective sessions",
    "One row per group reflective session and team invited.",
    [
        Column("session", "A number identifying the session."),
        Column("la", "The local authority."),
        Column("team", "The pseudonym of a team the session is for."),
        Column("starts_at", "When it starts (UTC, ISO 8601)."),
        Column("status", "held (attendance taken), scheduled (not yet held or not marked) or cancelled."),
    ],
    _session_rows,
)


def _session_attendance_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from reflective_practice.models import Attendance, Rsvp

    answer = Rsvp.objects.filter(session=OuterRef("session_id"), user=OuterRef("user_id")).values("going")[:1]
    rows = (
        Attendance.objects.annotate(going=Subquery(answer, output_field=BooleanField()))
        .order_by("session_id", "user_id")
        .values_list("session_id", "user_id", "going")
    )
    for session_id, user_id, going in rows.iterator(chunk_size=CHUNK):
        yield (session_id, p.person(user_id), _yes_no(going))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


SESSION_ATTENDANCE = Table(
    "reflective_attendance",
    "Reflective attendance",
    "One row per keyworker who attended a group reflective session.",
    [
        Column("session", "The session's number (see reflective_sessions)."),
        Column("person", "The keyworker's pseudonym."),
        Column("rsvp", "Their answer beforehand: yes, no, or empty if they did not answer."),
    ],
    _session_attendance_rows,
)


def _rsvp_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from reflective_practice.models import Rsvp

    rows = Rsvp.objects.order_by("session_id", "user_id").values_list(
        "session_id", "user_id", "going", "answered_at"
    )
    for session_id, user_id, going, answered_at in rows.iterator(chunk_size=CHUNK):
        yield (session_id, p.person(user_id), _yes_no(going), _when(answered_at))


RSVPS = Table(
    "reflective_rsvps",
    "Reflective RSVPs",
    "One row per answer an invited keyworker gave before a group reflective session.",
    [
        Column("session", "The session's number (see reflective_sessions)."),
        Column("person", "The keyworker's pseudonym."),
        Column("going", "yes if they said they were going, no if not (their latest answer)."),
        Column("answered_at", "When they last answered (UTC, ISO 8601)."),
    ],
    _rsvp_rows,
)


def _consultation_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from reflective_practice.models import Booking

    rows = Booking.objects.order_by("slot__starts_at", "pk").values_list(
        "keyworker_id", "slot__organisation__name", "slot__practitioner_id", "slot__starts_at", "status"
    )
    for keyworker, la, practitioner, starts_at, status in rows.iterator(chunk_size=CHUNK):
        yield (p.person(keyworker), la, p.person(practitioner), _when(starts_at), status)


CONSULTATIONS = Table(
    "consultations",
    "Consultations",
    "One row per one-to-one consultation booked (no purposes or notes).",
    [
        Column("person", "The keyworker's pseudonym."),
        Column("la", "The local authority."),
        Column("practitioner", "The systemic practitioner's pseudonym."),
        Column("starts_at", "When it was booked for (UTC, ISO 8601)."),
        Column("status", "held, not_attended, booked (not yet marked) or cancelled."),
    ],
    _consultation_rows,
)


# --- champions' activities ---------------------------------------------------------


def _activity_rows(p: Pseudonymiser, pilot: Pilot) -> Iterator[tuple]:
    from champions.models import Activity

    # The description is free text and stays in the hub.
    rows = Activity.objects.order_by("date", "pk").values_list(
        "pk", "champion_id", "la__name", "team_id", "date", "kind", "colleagues"
    )
    for pk, champion, la, team_id, date, kind, colleagues in rows.iterator(chunk_size=CHUNK):
        yield (pk, p.person(champion), la, p.team(team_id), date.isoformat(), kind, colleagues)


ACTIVITIES = Table(
    "champion_activities",
    "Champions' activities",
    "One row per activity a systemic champion logged to embed systemic practice (no descriptions).",
    [
        Column("activity", "A number identifying the activity."),
        Column("person", "The champion's pseudonym."),
        Column("la", "The local authority."),
        Column("team", "The pseudonym of the team it was with, if one was given."),
        Column("date", "The day it took place."),
        Column(
            "kind",
            "huddle (team huddle), genogram (genogram or ecomap practice), co_working (co-working a "
            "family visit), case_discussion (case discussion using a systemic tool) or other.",
        ),
        Column("colleagues", "How many colleagues took part."),
    ],
    _activity_rows,
)


def extra_tables() -> list[Table]:
    return [TRAINING, SESSIONS, SESSION_ATTENDANCE, RSVPS, CONSULTATIONS, ACTIVITIES]


def table_named(name: str) -> Table | None:
    return next((t for t in tables() if t.name == name), None)


def dictionary_rows() -> Iterator[tuple]:
    for table in tables():
        for column in table.columns:
            yield (table.name, column.name, column.description)


DICTIONARY_HEADER = ("table", "column", "description")


# --- writers ---------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


# Every cell written goes through `csv_safe_row`: an LA's name or any other text
# that reaches the export must not open as a formula in the evaluators' spreadsheets.


def csv_lines(table: Table, pseudonymiser: Pseudonymiser, pilot: Pilot) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(csv_safe_row(c.name for c in table.columns))
    for row in table.rows(pseudonymiser, pilot):
        yield writer.writerow(csv_safe_row(row))


def dictionary_csv_lines() -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(csv_safe_row(DICTIONARY_HEADER))
    for row in dictionary_rows():
        yield writer.writerow(csv_safe_row(row))


def workbook_file(pseudonymiser: Pseudonymiser, pilot: Pilot):
    """Every table as a sheet of one workbook, written row by row to a temporary file
    (openpyxl's write-only mode), returned open at its start."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data dictionary")
    sheet.append(csv_safe_row(DICTIONARY_HEADER))
    for row in dictionary_rows():
        sheet.append(csv_safe_row(row))
    for table in tables():
        sheet = book.create_sheet(table.title[:31])
        sheet.append(csv_safe_row(c.name for c in table.columns))
        for row in table.rows(pseudonymiser, pilot):
            sheet.append(csv_safe_row(row))
    out = tempfile.TemporaryFile(suffix=".xlsx")
    book.save(out)
    out.seek(0)
    return out
