from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from hub.fidelity import export
from hub.fidelity.models import ExportLog, Threshold
from hub.models import AccessRefusal, Arm, Role, User
from tests.factories import make_la, make_user
from tests.hub.fidelity.helpers import PILOT_START, active_on, at, joined, keyworkers, pilot

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


# --- the export -------------------------------------------------------------------------


@pytest.fixture
def trial(world):
    pilot()
    people = keyworkers(world.treatment, 3)
    active_on(people[0], dt.date(2025, 3, 20))
    AccessRefusal.objects.create(
        user=world["c_keyworker"], organisation=world.control, what="the forum", at=at(dt.date(2025, 3, 2))
    )
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
    for cell in cells:
        low = cell.lower()
        assert "@" not in low, cell
        assert not any(word in low for word in private if len(word) > 3), cell
    assert export.Pseudonymiser().person(trial["t_keyworker"].pk) in cells


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
    _las(6)
    with django_assert_num_queries(len(two.captured_queries)):
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
