"""Measure the fidelity dashboard, the LA drill-down and the evaluation export against
the data bench/england.py generated, with hand-written SQL as the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench .venv/bin/python bench/fidelity.py [--repeat 5]

Times are medians of --repeat runs after one warm-up. The dashboard is measured with
6 treatment LAs and with all 153 LAs as treatment (arms are changed inside a
transaction that is rolled back), and with the generated half (77)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
os.environ.setdefault("EVALUATION_PSEUDONYM_KEY", "bench-only-pseudonym-key")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hub.fidelity import export, selectors  # noqa: E402
from hub.models import Arm, Membership, Organisation, OrganisationKind, Pilot, Role, User  # noqa: E402

PREFIX = "Bench LA"

FLOOR_SQL = """
WITH las AS (
  SELECT id FROM hub_organisation WHERE kind = 'la' AND arm = 'treatment'
), kw AS (
  SELECT DISTINCT m.organisation_id AS la, m.user_id
  FROM hub_membership m JOIN las ON las.id = m.organisation_id
  WHERE m.role = 'keyworker' AND m.started_at < %(me)s AND (m.ended_at IS NULL OR m.ended_at >= %(me)s)
), current_kw AS (
  SELECT DISTINCT m.organisation_id AS la, m.user_id FROM hub_membership m JOIN las ON las.id = m.organisation_id
  JOIN hub_user u ON u.id = m.user_id
  WHERE m.role = 'keyworker' AND m.ended_at IS NULL AND u.is_active
), prac AS (
  SELECT organisation_id AS la, MIN(started_at) AS since FROM hub_membership
  WHERE role = 'practitioner' AND organisation_id IN (SELECT id FROM las)
    AND started_at < %(me)s AND (ended_at IS NULL OR ended_at >= %(me)s)
  GROUP BY 1
), eng AS (
  SELECT kw.la, COUNT(*) AS n FROM kw JOIN hub_user u ON u.id = kw.user_id
  WHERE (u.last_active_at >= %(ws)s AND u.last_active_at < %(me)s)
     {views}
     OR EXISTS (SELECT 1 FROM forum_post p WHERE p.author_id = kw.user_id
                AND p.created_at >= %(ws)s AND p.created_at < %(me)s)
  GROUP BY 1
), marks AS (
  SELECT a.user_id, co.code, d.number, d.id AS day_id FROM training_attendance a
  JOIN training_trainingday d ON d.id = a.day_id JOIN training_cohort c ON c.id = d.cohort_id
  JOIN training_course co ON co.id = c.course_id
  WHERE d.date <= %(ld)s AND a.status IN ('present', 'late', 'caught_up')
), cpd_done AS (
  SELECT ck.la, COUNT(*) AS n FROM current_kw ck
  JOIN (SELECT user_id FROM marks WHERE code = 'cpd5' GROUP BY user_id HAVING COUNT(DISTINCT number) >= 5) done
    ON done.user_id = ck.user_id
  GROUP BY 1
), course_days AS (
  SELECT co.code, m.organisation_id AS la,
         COUNT(*) AS scheduled,
         COUNT(a.id) FILTER (WHERE a.status IN ('present', 'late', 'caught_up')) AS attended
  FROM training_enrolment e JOIN training_cohort c ON c.id = e.cohort_id
  JOIN training_course co ON co.id = c.course_id
  JOIN training_cohort_local_authorities cl ON cl.cohort_id = c.id
  JOIN hub_membership m ON m.user_id = e.user_id AND m.organisation_id = cl.organisation_id AND m.ended_at IS NULL
  JOIN training_trainingday d ON d.cohort_id = c.id AND d.date <= %(ld)s
  LEFT JOIN training_attendance a ON a.day_id = d.id AND a.user_id = e.user_id
  WHERE e.removed_at IS NULL AND co.code IN ('cpd5', 'champions') AND m.organisation_id IN (SELECT id FROM las)
  GROUP BY 1, 2
), leaders AS (
  SELECT m.organisation_id AS la, COUNT(DISTINCT m.user_id) AS n FROM hub_membership m
  WHERE m.role IN ('la_lead', 'senior_leader') AND m.ended_at IS NULL
    AND m.user_id IN (SELECT user_id FROM marks WHERE code = 'leaders')
  GROUP BY 1
), team_months AS (
  SELECT t.organisation_id AS la, COUNT(*) AS total,
         COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM reflective_practice_sessionseries_teams st
           JOIN reflective_practice_session s ON s.series_id = st.sessionseries_id
           WHERE st.team_id = t.id AND s.status = 'scheduled' AND s.attendance_marked_at IS NOT NULL
             AND s.starts_at >= mo.m AND s.starts_at < mo.m + interval '1 month' AND s.starts_at < now()
         )) AS held
  FROM hub_team t JOIN las ON las.id = t.organisation_id
  CROSS JOIN generate_series(%(ps)s::timestamptz, %(ms)s::timestamptz, interval '1 month') AS mo(m)
  GROUP BY 1
), invites AS (
  SELECT m.organisation_id AS la, COUNT(*) AS n FROM hub_membership m
  JOIN reflective_practice_sessionseries_teams st ON st.team_id = m.team_id
  JOIN reflective_practice_session s ON s.series_id = st.sessionseries_id
  WHERE m.role = 'keyworker' AND m.ended_at IS NULL AND m.organisation_id IN (SELECT id FROM las)
    AND s.status = 'scheduled' AND s.attendance_marked_at IS NOT NULL
    AND s.starts_at >= %(ms)s AND s.starts_at < %(me)s
  GROUP BY 1
), present AS (
  SELECT ss.organisation_id AS la, COUNT(*) AS n FROM reflective_practice_attendance ra
  JOIN reflective_practice_session s ON s.id = ra.session_id
  JOIN reflective_practice_sessionseries ss ON ss.id = s.series_id
  WHERE s.status = 'scheduled' AND s.attendance_marked_at IS NOT NULL
    AND s.starts_at >= %(ms)s AND s.starts_at < %(me)s AND ss.organisation_id IN (SELECT id FROM las)
    AND EXISTS (SELECT 1 FROM hub_membership m WHERE m.user_id = ra.user_id AND m.role = 'keyworker'
                AND m.ended_at IS NULL AND m.organisation_id = ss.organisation_id)
  GROUP BY 1
), consulted AS (
  SELECT kw.la, COUNT(*) AS n FROM kw WHERE EXISTS (
    SELECT 1 FROM reflective_practice_booking b JOIN reflective_practice_slot sl ON sl.id = b.slot_id
    WHERE b.keyworker_id = kw.user_id AND b.status = 'held' AND sl.starts_at >= %(qs)s AND sl.starts_at < %(me)s)
  GROUP BY 1
), kw_n AS (SELECT la, COUNT(*) AS n FROM kw GROUP BY 1),
   current_n AS (SELECT la, COUNT(*) AS n FROM current_kw GROUP BY 1)
SELECT las.id, prac.since, kw_n.n, eng.n, current_n.n, cpd_done.n, cpd.scheduled, cpd.attended,
       ch.scheduled, ch.attended, leaders.n, team_months.total, team_months.held, invites.n, present.n,
       consulted.n
FROM las
LEFT JOIN prac ON prac.la = las.id LEFT JOIN kw_n ON kw_n.la = las.id LEFT JOIN eng ON eng.la = las.id
LEFT JOIN current_n ON current_n.la = las.id LEFT JOIN cpd_done ON cpd_done.la = las.id
LEFT JOIN course_days cpd ON cpd.la = las.id AND cpd.code = 'cpd5'
LEFT JOIN course_days ch ON ch.la = las.id AND ch.code = 'champions'
LEFT JOIN leaders ON leaders.la = las.id LEFT JOIN team_months ON team_months.la = las.id
LEFT JOIN invites ON invites.la = las.id LEFT JOIN present ON present.la = las.id
LEFT JOIN consulted ON consulted.la = las.id
ORDER BY las.id
"""

VIEWS_SQL = """OR EXISTS (SELECT 1 FROM resources_resourceview v WHERE v.user_id = kw.user_id
                AND v.at >= %(ws)s AND v.at < %(me)s)"""


def median_time(func, repeat: int) -> float:
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_user(role: str, kind: str) -> User:
    org = Organisation.objects.filter(name=f"Bench {kind}").first() or Organisation.objects.create(
        name=f"Bench {kind}", kind=kind
    )
    user, _ = User.objects.get_or_create(email=f"bench.{role}@bench.example", defaults={"full_name": role})
    if not Membership.objects.filter(user=user, role=role, ended_at__isnull=True).exists():
        Membership.objects.create(user=user, organisation=org, role=role)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user


def client_for(user: User) -> Client:
    # Marked active today, so that the activity middleware has nothing to write.
    User.objects.filter(pk=user.pk).update(last_active_at=timezone.now())
    client = Client()
    client.force_login(user)
    return client


def get(client: Client, path: str) -> int:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def query_count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get(client, path)
    return len(ctx.captured_queries)


def floor_params(pilot: Pilot, month: dt.date) -> dict:
    me = selectors.month_end(month)
    return {
        "me": me,
        "ms": selectors.month_start(month),
        "ws": me - dt.timedelta(days=30),
        "qs": selectors.quarter_start(month),
        "ld": selectors._last_day(month),
        "ps": selectors.month_start(pilot.starts_on),
    }


def floor_sql() -> str:
    with_views = any(app == "resources" for app, *_ in selectors.ACTIVITY_MODELS)
    return FLOOR_SQL.replace("{views}", VIEWS_SQL if with_views else "")


FLOOR_PARAMS = ("me", "ms", "ws", "qs", "ld", "ps")


def dashboard_floor(pilot: Pilot, month: dt.date) -> tuple[str, dict]:
    """The dashboard shows the month's figures and, for its "turned red this month"
    list, the month before's: the floor computes the same months, in one statement
    (one copy of the figures' SQL per month, joined with UNION ALL)."""
    months = [*pilot.months(until=month)[-2:-1], month]
    parts, params = [], {}
    for n, each in enumerate(months):
        sql = floor_sql()
        for name in FLOOR_PARAMS:
            sql = sql.replace(f"%({name})s", f"%({name}_{n})s")
        parts.append(f"SELECT {n} AS month, f.* FROM ({sql}) AS f")
        params.update({f"{name}_{n}": value for name, value in floor_params(pilot, each).items()})
    return "\nUNION ALL\n".join(parts), params


def run_floor(statement: tuple[str, dict]) -> int:
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.DEBUG = False
    if connection.vendor != "postgresql":
        print("Warning: the floor SQL is written for PostgreSQL; set DATABASE_URL.")
    if connection.vendor == "postgresql":
        # PostgreSQL's JIT compiles any statement with a high cost estimate, which costs
        # seconds on a small machine and nothing is gained at this size: off for both
        # the hub's queries and the floor.
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    pilot = Pilot.current()
    month = selectors.default_month(pilot)
    path_month = f"?month={month:%Y-%m}"
    lead = client_for(bench_user(Role.DELIVERY_LEAD, OrganisationKind.IFT))
    evaluator = client_for(bench_user(Role.EVALUATOR, OrganisationKind.EVALUATOR))
    bench_las = Organisation.objects.filter(name__startswith=PREFIX).order_by("name")
    treatment = list(bench_las.filter(arm=Arm.TREATMENT))
    print(f"Data: {bench_las.count()} LAs ({len(treatment)} treatment), month {month:%B %Y}, PostgreSQL")
    params = dashboard_floor(pilot, month)
    one_month = (floor_sql(), floor_params(pilot, month))
    results = {}

    def with_arms(treatment_ids: list[int], label: str) -> None:
        with transaction.atomic():
            bench_las.exclude(pk__in=treatment_ids).update(arm=Arm.CONTROL)
            bench_las.filter(pk__in=treatment_ids).update(arm=Arm.TREATMENT)
            n = len(treatment_ids)
            queries = query_count(lead, f"/fidelity/{path_month}")
            seconds = median_time(lambda: get(lead, f"/fidelity/{path_month}"), args.repeat)
            floor = median_time(lambda: run_floor(params), args.repeat)
            single = median_time(lambda: run_floor(one_month), args.repeat)
            results[label] = (n, queries, seconds, floor)
            print(
                f"dashboard at {n:>3} LAs: {seconds * 1000:8.1f} ms, {queries} queries; "
                f"SQL floor {floor * 1000:8.1f} ms; ratio {seconds / floor:5.2f} "
                f"(the month alone, without the month before: {single * 1000:.1f} ms, ratio {seconds / single:.2f})",
                flush=True,
            )
            transaction.set_rollback(True)

    all_ids = [la.pk for la in bench_las]
    with_arms([la.pk for la in treatment[:6]], "6")
    with_arms([la.pk for la in treatment], "half")
    with_arms(all_ids, "153")

    la = treatment[0]
    drill_queries = query_count(lead, f"/fidelity/la/{la.pk}/{path_month}")
    drill = median_time(lambda: get(lead, f"/fidelity/la/{la.pk}/{path_month}"), args.repeat)
    print(
        f"LA drill-down ({la.name}, {len(pilot.months(until=month))} months): {drill * 1000:.1f} ms, {drill_queries} queries"
    )

    start = time.perf_counter()
    sizes = {}
    for table in export.tables():
        sizes[table.name] = get(evaluator, f"/fidelity/export/{table.name}.csv")
    csv_seconds = time.perf_counter() - start
    start = time.perf_counter()
    xlsx_bytes = get(evaluator, "/fidelity/export/all.xlsx")
    xlsx_seconds = time.perf_counter() - start
    # Memory is traced in a second pass: tracing slows Python several times over.
    tracemalloc.start()
    for table in export.tables():
        get(evaluator, f"/fidelity/export/{table.name}.csv")
    _, csv_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    get(evaluator, "/fidelity/export/all.xlsx")
    _, xlsx_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total_mb = sum(sizes.values()) / 1e6
    print(
        f"export, every table as CSV: {csv_seconds:.1f} s, {total_mb:.1f} MB streamed, "
        f"peak Python memory {csv_peak / 1e6:.1f} MB"
    )
    for name, size in sizes.items():
        print(f"    {name:<24} {size / 1e6:8.2f} MB")
    print(
        f"export, one XLSX workbook: {xlsx_seconds:.1f} s, {xlsx_bytes / 1e6:.1f} MB, peak Python memory {xlsx_peak / 1e6:.1f} MB"
    )
    n6, q6, t6, f6 = results["6"]
    n153, q153, t153, f153 = results["153"]
    print(
        f"dashboard/sql floor = {t153 / f153:.2f}; queries at 6 LAs = {q6}; "
        f"queries at 153 LAs = {q153}; export s = {csv_seconds + xlsx_seconds:.1f}"
    )


if __name__ == "__main__":
    main()
