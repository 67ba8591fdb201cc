from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
from openpyxl import load_workbook

from hub.fidelity import export
from hub.fidelity.models import ExportLog, Threshold
from hub.models import AccessRefusal, Arm, Role, User
from tests.factories import make_la, make_user
from tests.hub.fidelity.helpers import PILOT_START, active_on, at, joined, keyworkers, monthly_series, pilot

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def _private_words(world) -> set[str]:
    words = set()
    for user in User.objects.all():
        words |= {user.email.lower(), user.full_name.lower()}
    for team in world.treatment.teams.all():
        words.add(team.name.lower())
    return {w for w in words if w}


def test_the_delivery_lead_sees_every_treatment_la_with_status_in_words(world, client):
    pilot()
    client.force_login(world["delivery_lead"])
    response = client.get("/fidelity/?month=2025-03")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Fidelity of delivery, March 2025" in text
    assert world.treatment.name in text and world.other_treatment.name in text
    assert world.control.name not in text.split("Contamination of the control arm")[0]
    assert "Not yet recorded" in text or "Off track" in text


def test_an_la_lead_sees_only_their_own_la_and_is_refused_another(world, client):
    pilot()
    client.force_login(world["t_la_lead"])
    text = client.get("/fidelity/?month=2025-03").content.decode()
    assert world.treatment.name in text
    assert world.other_treatment.name not in text
    assert client.get(f"/fidelity/la/{world.treatment.pk}/?month=2025-03").status_code == 200
    assert client.get(f"/fidelity/la/{world.other_treatment.pk}/").status_code == 403


def test_the_evaluator_is_refused_everything_but_the_export(world, client):
    client.force_login(world["evaluator"])
    for path in (
        "/fidelity/",
        f"/fidelity/la/{world.treatment.pk}/",
        "/fidelity/thresholds/",
        "/fidelity/export/log/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get("/fidelity/export/").status_code == 200


def test_the_drill_down_shows_a_chart_with_a_table_alternative(world, client):
    pilot()
    joined(world["t_practitioner"], PILOT_START)
    client.force_login(world["delivery_lead"])
    text = client.get(f"/fidelity/la/{world.treatment.pk}/?month=2025-04").content.decode()
    assert text.count("<h1") == 1
    assert '<svg class="fidelity-chart"' in text and "<title id=" in text and "<desc id=" in text
    assert "Practitioner in post as a table" in text
    assert "April 2025" in text


def test_the_delivery_lead_changes_a_threshold_and_a_bad_band_is_refused_next_to_the_field(world, client):
    client.force_login(world["delivery_lead"])
    threshold = Threshold.objects.get(indicator="engagement")
    prefix = f"t{threshold.pk}"
    bad = {"threshold": threshold.pk, f"{prefix}-green_low": "80", f"{prefix}-green_high": "70"}
    response = client.post("/fidelity/thresholds/", bad)
    assert response.status_code == 200
    assert "The green band must end at or above where it starts" in response.content.decode()
    assert 'value="80"' in response.content.decode()
    good = {"threshold": threshold.pk, f"{prefix}-green_low": "65", f"{prefix}-amber_low": "40"}
    assert client.post("/fidelity/thresholds/", good).status_code == 302
    threshold.refresh_from_db()
    assert (threshold.green_low, threshold.amber_low, threshold.updated_by) == (
        65,
        40,
        world["delivery_lead"],
    )


@pytest.mark.parametrize("named", ["abc", "", "²", "99999", "1.5"])
def test_saving_bands_for_a_row_that_does_not_exist_is_not_found_and_changes_nothing(world, client, named):
    client.force_login(world["delivery_lead"])
    threshold = Threshold.objects.get(indicator="engagement")
    before = (threshold.green_low, threshold.green_high)
    prefix = f"t{threshold.pk}"
    response = client.post(
        "/fidelity/thresholds/",
        {"threshold": named, f"{prefix}-green_low": "10", f"{prefix}-green_high": "20"},
    )
    assert response.status_code == 404
    threshold.refresh_from_db()
    assert (threshold.green_low, threshold.green_high) == before


# --- the export -------------------------------------------------------------------------


@pytest.fixture
def trial(world):
    from champions import services as champions
    from reflective_practice import services as reflective

    pilot()
    people = keyworkers(world.treatment, 3)
    active_on(people[0], dt.date(2025, 3, 20))
    AccessRefusal.objects.create(
        user=world["c_keyworker"], organisation=world.control, what="the forum", at=at(dt.date(2025, 3, 2))
    )
    # A champion from 10 March 2025 until 20 June 2025, who logged an activity described
    # with a colleague's and a team's name (free text that must not leave the hub).
    champion = world["t_keyworker"]
    nomination = champions.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=champion, reason="Leads huddles"
    )
    champions.nomination_approve(actor=world["delivery_lead"], nomination=nomination, on=dt.date(2025, 3, 10))
    team = world.treatment.teams.order_by("name").first()
    champions.activity_log(
        actor=champion,
        date=dt.date(2025, 3, 12),
        kind="huddle",
        colleagues=4,
        description=f"Huddle with {team.name} and {people[1].full_name} on genograms",
        team=team,
    )
    champions.champion_withdraw(
        actor=world["t_la_lead"], nomination=nomination, on=dt.date(2025, 6, 20), reason="Moved on"
    )
    # A session with one keyworker going, one not, and the first of them attending.
    series = monthly_series(world["t_practitioner"], [team], dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    session = series.sessions.get()
    invited = list(team.memberships.filter(role=Role.KEYWORKER).select_related("user"))[:2]
    for n, membership in enumerate(invited):
        reflective.rsvp_set(user=membership.user, session=session, going=n == 0, now=at(dt.date(2025, 3, 1)))
    reflective.attendance_mark(
        actor=world["t_practitioner"],
        session=session,
        attendees=[invited[0].user],
        now=at(dt.date(2025, 4, 1)),
    )
    world.rsvps = [(m.user, n == 0) for n, m in enumerate(invited)]
    world.session = session
    return world


def test_the_export_holds_no_name_email_or_free_text_in_any_cell(trial, client):
    client.force_login(trial["evaluator"])
    private = _private_words(trial)
    cells = []
    for table in [*export.tables(), "dictionary"]:
        name = table if isinstance(table, str) else table.name
        response = client.get(f"/fidelity/export/{name}.csv")
        assert response.status_code == 200
        cells += [cell for row in _csv(response) for cell in row]
    book = load_workbook(io.BytesIO(b"".join(client.get("/fidelity/export/all.xlsx").streaming_content)))
    assert "People" in book.sheetnames and "Data dictionary" in book.sheetnames
    for sheet in book.worksheets:
        cells += [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells
    assert {"Reflective RSVPs", "Champions' activities"} <= set(book.sheetnames)
    for cell in cells:
        low = cell.lower()
        assert "@" not in low, cell
        assert "genograms" not in low, cell  # the activity's description
        assert not any(word in low for word in private if len(word) > 3), cell
    assert export.Pseudonymiser().person(trial["t_keyworker"].pk) in cells


def _table(client, name: str) -> list[dict[str, str]]:
    header, *rows = _csv(client.get(f"/fidelity/export/{name}.csv"))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_export_has_rsvps_champions_activities_and_champion_dates(trial, client):
    client.force_login(trial["evaluator"])
    p = export.Pseudonymiser()
    champion = p.person(trial["t_keyworker"].pk)
    rsvps = _table(client, "reflective_rsvps")
    assert sorted((r["session"], r["person"], r["going"]) for r in rsvps) == sorted(
        (str(trial.session.pk), p.person(user.pk), "yes" if going else "no") for user, going in trial.rsvps
    )
    assert all(r["answered_at"].startswith("2025-03-01") for r in rsvps)
    attended = _table(client, "reflective_attendance")
    assert [(r["person"], r["rsvp"]) for r in attended] == [(p.person(trial.rsvps[0][0].pk), "yes")]
    team = trial.treatment.teams.order_by("name").first()
    activities = _table(client, "champion_activities")
    assert len(activities) == 1 and activities[0]["activity"].isdigit()
    assert {k: v for k, v in activities[0].items() if k != "activity"} == {
        "person": champion,
        "la": trial.treatment.name,
        "team": p.team(team.pk),
        "date": "2025-03-12",
        "kind": "huddle",
        "colleagues": "4",
    }
    people = _table(client, "people")
    mine = [r for r in people if r["person"] == champion]
    assert [(r["role"], r["champion_from"], r["champion_to"]) for r in mine] == [
        ("keyworker", "2025-03-10", "2025-06-20")
    ]
    others = [r for r in people if r["person"] != champion]
    assert others and all(r["champion_from"] == r["champion_to"] == "" for r in others)
    # The workbook holds the same rows as the CSV files.
    book = load_workbook(io.BytesIO(b"".join(client.get("/fidelity/export/all.xlsx").streaming_content)))
    sheet = [[str(c) for c in row] for row in book["Reflective RSVPs"].iter_rows(values_only=True)]
    assert sheet == _csv(client.get("/fidelity/export/reflective_rsvps.csv"))
    sheet = [[str(c) for c in row] for row in book["Champions' activities"].iter_rows(values_only=True)]
    assert sheet == _csv(client.get("/fidelity/export/champion_activities.csv"))
    header = next(book["People"].iter_rows(values_only=True))
    assert header[-2:] == ("champion_from", "champion_to")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+44 Borough", "-Borough", "@SUM(A1)"])
def test_an_la_name_that_looks_like_a_formula_is_exported_as_text(world, client, name):
    pilot()
    la = make_la(name, arm=Arm.TREATMENT)
    make_user(Role.KEYWORKER, la)
    client.force_login(world["evaluator"])
    people = _table(client, "people")
    assert {r["la"] for r in people if r["la"].endswith(name[1:])} == {"'" + name}
    book = load_workbook(io.BytesIO(b"".join(client.get("/fidelity/export/all.xlsx").streaming_content)))
    header, *rows = book["People"].iter_rows()
    column = [c.value for c in header].index("la")
    cells = [row[column] for row in rows if str(row[column].value).endswith(name[1:])]
    assert cells and all(c.data_type == "s" and c.value == "'" + name for c in cells)


def test_the_data_dictionary_describes_every_column_of_every_table(trial, client):
    client.force_login(trial["evaluator"])
    described = {(r["table"], r["column"]) for r in _table(client, "dictionary")}
    for table in export.tables():
        header = _csv(client.get(f"/fidelity/export/{table.name}.csv"))[0]
        assert {(table.name, column) for column in header} <= described, table.name
    assert {"reflective_rsvps", "champion_activities"} <= {t for t, _ in described}
    assert ("people", "champion_from") in described and ("people", "champion_to") in described


def test_pseudonyms_are_stable_across_exports_and_change_with_the_key(trial, client):
    client.force_login(trial["evaluator"])
    first = _csv(client.get("/fidelity/export/people.csv"))
    second = _csv(client.get("/fidelity/export/people.csv"))
    assert first == second
    people = {row[0] for row in first[1:]}
    assert all(p.startswith("P-") for p in people)
    teams = {row[3] for row in first[1:] if row[3]}
    assert teams and all(t.startswith("T-") for t in teams)
    table = export.table_named("people")
    other = [row[0] for row in table.rows(export.Pseudonymiser(b"another key"), pilot())]
    assert not people & set(other)


def test_every_download_is_logged(trial, client):
    client.force_login(trial["evaluator"])
    client.get("/fidelity/export/people.csv")
    client.get("/fidelity/export/all.xlsx")
    log = list(ExportLog.objects.order_by("at").values_list("user", "what", "file_format"))
    assert log == [(trial["evaluator"].pk, "people", "csv"), (trial["evaluator"].pk, "all tables", "xlsx")]
    client.force_login(trial["delivery_lead"])
    assert "all tables" in client.get("/fidelity/export/log/").content.decode()


def test_the_engagement_table_has_a_row_per_keyworker_and_month(trial, client):
    client.force_login(trial["hub_admin"])
    rows = _csv(client.get("/fidelity/export/engagement.csv"))
    march = [r for r in rows[1:] if r[0] == "2025-03" and r[2] == trial.treatment.name]
    assert len(march) == 3
    assert sorted(r[3] for r in march) == ["no", "no", "yes"]


def _las(n: int):
    out = []
    for _ in range(n):
        la = make_la(arm=Arm.TREATMENT, teams=2)
        joined(make_user(Role.PRACTITIONER, la), PILOT_START)
        for person in keyworkers(la, 2):
            active_on(person, dt.date(2025, 3, 10))
        out.append(la)
    return out


def test_the_dashboard_requests_query_count_is_the_same_for_two_and_eight_las(
    client, django_assert_num_queries
):
    pilot()
    lead = make_user(
        Role.DELIVERY_LEAD, make_la(arm=Arm.CONTROL).__class__.objects.create(name="IFT", kind="ift")
    )
    _las(2)
    client.force_login(lead)
    client.get("/fidelity/?month=2025-03")  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert client.get("/fidelity/?month=2025-03").status_code == 200
    two_las = len(two.captured_queries)  # counted now: every request empties the query log
    _las(6)
    # New LAs move on what the hub keeps of everyone's memberships: the first request
    # after them reads the lead's afresh; compare the request after that.
    client.get("/fidelity/?month=2025-03")
    with django_assert_num_queries(two_las):
        response = client.get("/fidelity/?month=2025-03")
    assert response.content.decode().count('<th scope="row"><a href="/fidelity/la/') == 8


def test_the_needs_attention_email_lists_what_turned_red(world, mailoutbox):
    from django.core.management import call_command

    pilot()
    people = keyworkers(world.treatment, 2)
    for person in people:
        active_on(person, dt.date(2025, 3, 30))
    call_command("fidelity_attention_email", "--month", "2025-04", stdout=io.StringIO())
    assert [m.to for m in mailoutbox] == [[world["delivery_lead"].email]]
    body = mailoutbox[0].body
    assert f"{world.treatment.name}: Hub engagement is off track" in body
    assert f"/fidelity/la/{world.treatment.pk}/?month=2025-04" in body


_SLOT_DAYS = itertools.count()


def _activity_for(la, team, practitioner, tutor, cohort, days, n: int):
    """`n` keyworkers of `team` with a CPD mark, a held consultation, a resource view,
    and a monthly reflective series for the team with attendance marked."""
    from reflective_practice import services as reflective
    from resources.models import ResourceView
    from training import services as training
    from training.models import Status as Mark

    people = [make_user(Role.KEYWORKER, la, team=team) for _ in range(n)]
    for person in people:
        joined(person, dt.date(2024, 12, 1))
        ResourceView.objects.create(user=person, at=at(dt.date(2025, 3, 20)))
    training.enrolment_add_bulk(actor=tutor, cohort=cohort, users=people)
    for person in people:
        for day in days:
            training.attendance_mark(
                actor=tutor, day=day, user=person, status=Mark.PRESENT, today=dt.date(2025, 7, 1)
            )
        start = at(dt.date(2025, 2, 3) + dt.timedelta(days=next(_SLOT_DAYS)), 10)
        slot = reflective.slot_create(
            actor=practitioner, starts_at=start, ends_at=start + dt.timedelta(minutes=45)
        )
        booking = reflective.booking_create(
            actor=person, slot=slot, purpose="A family", now=at(dt.date(2025, 1, 2))
        )
        reflective.booking_mark(actor=practitioner, booking=booking, held=True, now=at(dt.date(2025, 6, 1)))
    series = monthly_series(practitioner, [team], dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    for session in series.sessions.all():
        reflective.attendance_mark(
            actor=practitioner, session=session, attendees=people[:1], now=at(dt.date(2025, 7, 1))
        )
    return people


def test_the_drill_downs_query_count_does_not_grow_with_months_teams_or_people(
    client, django_assert_num_queries
):
    from hub import services as hub
    from tests.factories import make_org
    from training import services as training
    from training.models import Course

    pilot()
    la = make_la(arm=Arm.TREATMENT, teams=2)
    practitioner = make_user(Role.PRACTITIONER, la)
    joined(practitioner, PILOT_START)
    tutor = make_user(Role.TUTOR, make_org("ift", "IFT"))
    cohort = training.cohort_create(
        actor=tutor, course=Course.objects.get(code="cpd5"), name="CPD", local_authorities=[la]
    )
    days = [
        training.day_schedule(actor=tutor, cohort=cohort, date=dt.date(2025, 2, 3) + dt.timedelta(weeks=w))
        for w in range(5)
    ]
    first, second = la.teams.order_by("pk")
    _activity_for(la, first, practitioner, tutor, cohort, days, 1)
    _activity_for(la, second, practitioner, tutor, cohort, days, 1)
    lead = make_user(Role.DELIVERY_LEAD, make_org("ift", "IFT staff"))
    client.force_login(lead)
    client.get(f"/fidelity/la/{la.pk}/?month=2025-02")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        response = client.get(f"/fidelity/la/{la.pk}/?month=2025-02")
    assert response.status_code == 200
    small_count = len(small.captured_queries)  # counted now: every request empties the query log
    third = hub.team_create(actor=None, organisation=la, name="Team three")
    _activity_for(la, third, practitioner, tutor, cohort, days, 4)
    _activity_for(la, first, practitioner, tutor, cohort, days, 3)
    # A new team moves on what the hub keeps of everyone's memberships: the first
    # request after it reads the lead's afresh; compare the request after that.
    client.get(f"/fidelity/la/{la.pk}/?month=2025-06")
    with django_assert_num_queries(small_count):
        response = client.get(f"/fidelity/la/{la.pk}/?month=2025-06")
    text = response.content.decode()
    assert "June 2025" in text and "Team three" in text
    assert text.count('<tr><th scope="row">Person') == 9  # every keyworker in post
