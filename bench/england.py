"""Generate England-scale pilot data into the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench .venv/bin/python bench/england.py [--scale 1.0]

153 LAs (half treatment), 9,000 keyworkers with teams, practitioners and leaders, 16 pilot
months of training attendance (CPD, champions' course, leaders' day), monthly
reflective sessions with RSVPs and attendance, consultations, champions, 1,000,000
resource views and 500,000 forum posts (scaled by --scale). Rows are written with
bulk_create in batches, and with COPY on PostgreSQL for the two largest tables. Data of
apps that the hub does not record yet is skipped, and the run says so. Run it on an
empty, migrated database (--reset removes an earlier run's data first)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from hub.models import (  # noqa: E402
    AccessRefusal,
    Arm,
    Membership,
    Organisation,
    OrganisationKind,
    Pilot,
    Role,
    Team,
    User,
)

UTC = dt.UTC
BATCH = 5000
PREFIX = "Bench LA"
PILOT_START, PILOT_END = dt.date(2024, 9, 1), dt.date(2025, 12, 31)


def model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def has_table(m) -> bool:
    return m is not None and m._meta.db_table in connection.introspection.table_names()


class Clock:
    def __init__(self):
        self.start = time.perf_counter()
        self.last = self.start

    def step(self, what: str, rows: int) -> None:
        now = time.perf_counter()
        print(f"  {what:<38} {rows:>10,} rows  {now - self.last:7.1f} s", flush=True)
        self.last = now


def bulk(m, objs, clock: Clock | None = None, what: str = "") -> list:
    out = []
    for i in range(0, len(objs), BATCH):
        out += m.objects.bulk_create(objs[i : i + BATCH], batch_size=BATCH)
    if clock:
        clock.step(what, len(objs))
    return out


def copy_rows(table: str, columns: list[str], rows, m=None) -> int:
    """COPY on PostgreSQL; plain batched INSERTs elsewhere."""
    n = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n
    batch = []
    for row in rows:
        batch.append(m(**dict(zip(columns, row, strict=True))))
        if len(batch) == BATCH:
            m.objects.bulk_create(batch)
            n += len(batch)
            batch = []
    m.objects.bulk_create(batch)
    return n + len(batch)


def months() -> list[dt.date]:
    return Pilot(starts_on=PILOT_START, ends_on=PILOT_END).months()


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def reset() -> None:
    las = Organisation.objects.filter(name__startswith=PREFIX)
    users = User.objects.filter(email__endswith="@bench.example")
    Cohort = model("training", "Cohort")
    if Cohort is not None:
        Cohort.objects.filter(name__startswith=PREFIX).delete()
    for app_label, name, field in [
        ("resources", "ResourceView", "user__in"),
        ("forum", "Post", "author__in"),
        ("forum", "Thread", "author__in"),
        ("reflective_practice", "Booking", "keyworker__in"),
        ("reflective_practice", "Slot", "practitioner__in"),
        ("reflective_practice", "SessionSeries", "practitioner__in"),
    ]:
        m = model(app_label, name)
        if has_table(m):
            m.objects.filter(**{field: users}).delete()
    Board = model("forum", "Board")
    if has_table(Board):
        Board.objects.filter(organisation__in=las).delete()
    activity = model("champions", "Activity")
    if has_table(activity):
        activity.objects.filter(la__in=las).delete()
    nomination = model("champions", "Nomination")
    if has_table(nomination):
        nomination.objects.filter(user__in=users).delete()
    AccessRefusal.objects.filter(organisation__in=las).delete()
    ExportLog = model("fidelity", "ExportLog")
    if has_table(ExportLog):
        ExportLog.objects.filter(user__in=users).delete()
    Membership.objects.filter(organisation__in=las).delete()
    Membership.objects.filter(user__in=users).delete()
    users.delete()
    Team.objects.filter(organisation__in=las).delete()
    las.delete()


def generate(scale: float, seed: int = 2024) -> dict:
    rng = random.Random(seed)
    clock = Clock()
    skipped: list[str] = []
    pilot = Pilot.current()
    pilot.starts_on, pilot.ends_on, pilot.name = PILOT_START, PILOT_END, "Bench pilot"
    pilot.save()
    all_months = months()
    n_las = 153
    n_keyworkers = max(n_las, int(9000 * scale))
    per_la = n_keyworkers // n_las

    # --- LAs, teams, people ----------------------------------------------------------
    las = bulk(
        Organisation,
        [
            Organisation(
                name=f"{PREFIX} {i + 1:03d}",
                kind=OrganisationKind.LOCAL_AUTHORITY,
                arm=Arm.TREATMENT if i % 2 == 0 else Arm.CONTROL,
            )
            for i in range(n_las)
        ],
        clock,
        "local authorities",
    )
    treatment = [la for la in las if la.arm == Arm.TREATMENT]
    teams = bulk(
        Team, [Team(organisation=la, name=f"Team {t + 1}") for la in las for t in range(3)], clock, "teams"
    )
    teams_of = {}
    for team in teams:
        teams_of.setdefault(team.organisation_id, []).append(team)
    people, memberships = [], []
    spec = []  # (la, role, team)
    for la in las:
        for k in range(per_la):
            spec.append((la, Role.KEYWORKER, teams_of[la.pk][k % 3]))
        spec.append((la, Role.LA_LEAD, None))
        spec.append((la, Role.SENIOR_LEADER, None))
        if la.arm == Arm.TREATMENT:
            spec.append((la, Role.PRACTITIONER, None))
    end = moment(PILOT_END)
    for n, (_la, role, _team) in enumerate(spec):
        active = end - dt.timedelta(days=rng.choice([1, 5, 12, 25, 40, 70, 200]))
        people.append(
            User(
                email=f"person{n}@bench.example",
                full_name=f"Bench Person {n}",
                password="!",
                last_active_at=active if role == Role.KEYWORKER else None,
            )
        )
    people = bulk(User, people, clock, "people")
    for person, (la, role, team) in zip(people, spec, strict=True):
        started = moment(PILOT_START) - dt.timedelta(days=30)
        if role == Role.PRACTITIONER and la.pk % 7 == 0:
            started = moment(PILOT_START) + dt.timedelta(days=rng.choice([20, 90]))
        memberships.append(Membership(user=person, organisation=la, role=role, team=team, started_at=started))
    bulk(Membership, memberships, clock, "memberships")
    keyworkers = {}
    practitioner, leaders = {}, {}
    for person, (la, role, team) in zip(people, spec, strict=True):
        if role == Role.KEYWORKER:
            keyworkers.setdefault(la.pk, []).append((person, team))
        elif role == Role.PRACTITIONER:
            practitioner[la.pk] = person
        else:
            leaders.setdefault(la.pk, []).append(person)

    # --- training ---------------------------------------------------------------------
    Course, Cohort = model("training", "Course"), model("training", "Cohort")
    if has_table(Cohort):
        TrainingDay, Enrolment = model("training", "TrainingDay"), model("training", "Enrolment")
        Attendance = model("training", "Attendance")
        courses = {c.code: c for c in Course.objects.all()}
        plans = []  # (la, course, people, first day, days, step)
        champions = {}
        for la in treatment:
            kws = [p for p, _ in keyworkers[la.pk]]
            champs = kws[: max(1, round(len(kws) * rng.choice([0.08, 0.12, 0.15, 0.18])))]
            champions[la.pk] = champs
            first = PILOT_START + dt.timedelta(days=rng.randrange(0, 60))
            plans.append((la, courses["cpd5"], kws, first, 5, 7))
            plans.append((la, courses["champions"], champs, first + dt.timedelta(days=90), 10, 30))
            plans.append((la, courses["leaders"], leaders[la.pk], first + dt.timedelta(days=14), 1, 1))
        cohorts = bulk(
            Cohort, [Cohort(course=c, name=f"{PREFIX} {la.name[-3:]} {c.code}") for la, c, *_ in plans]
        )
        Cohort.local_authorities.through.objects.bulk_create(
            [
                Cohort.local_authorities.through(cohort_id=cohort.pk, organisation_id=plan[0].pk)
                for cohort, plan in zip(cohorts, plans, strict=True)
            ],
            batch_size=BATCH,
        )
        clock.step("training cohorts", len(cohorts))
        days, enrolments, marks = [], [], []
        for cohort, (_la, _c, _people, first, n_days, step) in zip(cohorts, plans, strict=True):
            for d in range(n_days):
                days.append(
                    TrainingDay(cohort=cohort, number=d + 1, date=first + dt.timedelta(days=d * step))
                )
        days = bulk(TrainingDay, days, clock, "training days")
        days_of = {}
        for day in days:
            days_of.setdefault(day.cohort_id, []).append(day)
        for cohort, (_la, _c, members, *_rest) in zip(cohorts, plans, strict=True):
            rate = rng.choice([0.75, 0.88, 0.95])
            for person in members:
                enrolments.append(Enrolment(cohort=cohort, user=person))
                for day in days_of[cohort.pk]:
                    roll = rng.random()
                    status = "present" if roll < rate else ("caught_up" if roll < rate + 0.05 else "absent")
                    marks.append(Attendance(day=day, user=person, status=status))
        bulk(Enrolment, enrolments, clock, "enrolments")
        bulk(Attendance, marks, clock, "training attendance marks")
        Nomination = model("champions", "Nomination")
        if has_table(Nomination):
            approved = PILOT_START + dt.timedelta(days=60)
            bulk(
                Nomination,
                [
                    Nomination(
                        la_id=la_id, user=person, reason="Bench", status="approved", approved_on=approved
                    )
                    for la_id, champs in champions.items()
                    for person in champs
                ],
                clock,
                "champions (approved nominations)",
            )
        else:
            skipped.append("champions (approvals): the champions app does not record them yet")
        Activity = model("champions", "Activity")
        if has_table(Activity):
            kinds = ["huddle", "genogram", "co_working", "case_discussion", "other"]
            team_of = {
                person.pk: team for people_teams in keyworkers.values() for person, team in people_teams
            }
            bulk(
                Activity,
                [
                    Activity(
                        champion=person,
                        la_id=la_id,
                        team=team_of[person.pk],
                        date=month + dt.timedelta(days=rng.randrange(0, 28)),
                        kind=rng.choice(kinds),
                        colleagues=rng.randrange(1, 9),
                        description="Bench activity",
                    )
                    for la_id, champs in champions.items()
                    for person in champs
                    for month in all_months
                    if month >= approved
                ],
                clock,
                "champions' activities",
            )
        else:
            skipped.append("champions' activities: the champions app does not record them yet")
    else:
        skipped.append("training: the app does not record cohorts yet")

    # --- reflective practice --------------------------------------------------------------
    Series = model("reflective_practice", "SessionSeries")
    if has_table(Series):
        Session = model("reflective_practice", "Session")
        RAttendance, Rsvp = model("reflective_practice", "Attendance"), model("reflective_practice", "Rsvp")
        Slot, Booking = model("reflective_practice", "Slot"), model("reflective_practice", "Booking")
        series = bulk(
            Series,
            [
                Series(
                    organisation=la,
                    practitioner=practitioner[la.pk],
                    ordinal=1,
                    weekday=2,
                    start_time=dt.time(10),
                    end_time=dt.time(11, 30),
                    venue="Bench hall",
                )
                for la in treatment
            ],
        )
        Series.teams.through.objects.bulk_create(
            [
                Series.teams.through(sessionseries_id=s.pk, team_id=t.pk)
                for s, la in zip(series, treatment, strict=True)
                for t in teams_of[la.pk]
            ],
            batch_size=BATCH,
        )
        sessions = []
        for s in series:
            skip = rng.choice([None, None, 5, 9])
            for i, month in enumerate(all_months):
                day = month + dt.timedelta(days=7)
                held = i != skip
                sessions.append(
                    Session(
                        series=s,
                        rule_date=day,
                        starts_at=moment(day),
                        ends_at=moment(day, 11, 30),
                        attendance_marked_at=moment(day, 12) if held else None,
                    )
                )
        sessions = bulk(Session, sessions, clock, "reflective sessions")
        la_of_series = {s.pk: la for s, la in zip(series, treatment, strict=True)}
        rsvps, attended = [], []
        for session in sessions:
            la = la_of_series[session.series_id]
            rate = 0.4 + (la.pk % 5) * 0.1
            for person, _team in keyworkers[la.pk]:
                if rng.random() < 0.5:
                    rsvps.append(Rsvp(session=session, user=person, going=True))
                if session.attendance_marked_at and rng.random() < rate:
                    attended.append(RAttendance(session=session, user=person))
        bulk(Rsvp, rsvps, clock, "reflective RSVPs")
        bulk(RAttendance, attended, clock, "reflective attendance")
        slots, plan = [], []
        for la in treatment:
            cursor = moment(PILOT_START)
            for person, _team in keyworkers[la.pk]:
                for _ in range(rng.choice([0, 1, 2, 4])):
                    cursor += dt.timedelta(hours=rng.choice([20, 44, 68]))
                    slots.append(
                        Slot(
                            organisation=la,
                            practitioner=practitioner[la.pk],
                            starts_at=cursor,
                            ends_at=cursor + dt.timedelta(minutes=45),
                        )
                    )
                    plan.append(person)
        slots = bulk(Slot, slots, clock, "consultation slots")
        bulk(
            Booking,
            [
                Booking(
                    slot=slot,
                    keyworker=person,
                    purpose="Bench",
                    status=rng.choice(["held", "held", "not_attended"]),
                )
                for slot, person in zip(slots, plan, strict=True)
            ],
            clock,
            "consultation bookings",
        )
    else:
        skipped.append("reflective practice: the app does not record sessions yet")

    # --- contamination --------------------------------------------------------------------
    refusals = []
    for la in las:
        if la.arm == Arm.CONTROL and la.pk % 4 == 0:
            person = keyworkers[la.pk][0][0]
            for month in all_months[::5]:
                refusals.append(
                    AccessRefusal(user=person, organisation=la, what="the forum", at=moment(month))
                )
    bulk(AccessRefusal, refusals, clock, "contamination refusals")

    # --- resource views and forum posts -------------------------------------------------
    span = (moment(PILOT_END) - moment(PILOT_START)).total_seconds()
    treatment_kws = [p.pk for la in treatment for p, _ in keyworkers[la.pk]]
    View = model("resources", "ResourceView")
    if has_table(View):
        n = int(1_000_000 * scale)

        def views():
            for _ in range(n):
                when = moment(PILOT_START) + dt.timedelta(seconds=rng.random() * span)
                yield (rng.choice(treatment_kws), when)

        copy_rows(View._meta.db_table, ["user_id", "at"], views(), View)
        clock.step("resource views", n)
    else:
        skipped.append(
            f"{int(1_000_000 * scale):,} resource views: the resources app does not record them yet"
        )
    Board, Thread, Post = model("forum", "Board"), model("forum", "Thread"), model("forum", "Post")
    if has_table(Post):
        boards = bulk(Board, [Board(name=f"{la.name} board", kind="la", organisation=la) for la in treatment])
        threads = bulk(
            Thread,
            [
                Thread(board=b, title=f"Bench thread {t}", author_id=keyworkers[b.organisation_id][0][0].pk)
                for b in boards
                for t in range(20)
            ],
            clock,
            "forum boards and threads",
        )
        n = int(500_000 * scale)
        thread_ids = [t.pk for t in threads]

        def posts():
            for _ in range(n):
                when = moment(PILOT_START) + dt.timedelta(seconds=rng.random() * span)
                yield (
                    rng.choice(thread_ids),
                    rng.choice(treatment_kws),
                    "Bench post",
                    "<p>Bench post</p>",
                    when,
                )

        copy_rows(
            Post._meta.db_table, ["thread_id", "author_id", "body", "html", "created_at"], posts(), Post
        )
        clock.step("forum posts", n)
    else:
        skipped.append(f"{int(500_000 * scale):,} forum posts: the forum does not record them yet")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Rows were written in bulk, past the signals: nothing the cache kept from before counts.
    from champions.selectors import nominations_changed
    from hub import access

    access.organisations_changed()
    nominations_changed()
    return {"seconds": time.perf_counter() - clock.start, "skipped": skipped, "keyworkers": n_keyworkers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="Fraction of England scale (people and rows)."
    )
    parser.add_argument("--reset", action="store_true", help="Remove an earlier run's data first.")
    args = parser.parse_args()
    if args.reset:
        with transaction.atomic():
            reset()
    elif Organisation.objects.filter(name__startswith=PREFIX).exists():
        sys.exit("This database already holds bench data: run again with --reset.")
    print(f"Generating England-scale data at scale {args.scale} into {connection.vendor} ...", flush=True)
    with transaction.atomic():
        result = generate(args.scale)
    for line in result["skipped"]:
        print(f"  skipped: {line}")
    print(f"Generation took {result['seconds']:.1f} s ({result['keyworkers']:,} keyworkers).")


if __name__ == "__main__":
    main()
