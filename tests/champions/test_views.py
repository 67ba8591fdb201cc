from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from champions import services
from hub.models import Arm, OrganisationKind, Role
from tests.factories import make_la, make_org, make_user


def _champions(n: int, tutor):
    la = make_la(arm=Arm.TREATMENT)
    lead = make_user(Role.LA_LEAD, la)
    people = [make_user(Role.KEYWORKER, la) for _ in range(5 * n)]
    for person in people[:n]:
        nomination = services.nomination_create(actor=lead, la=la, user=person, reason="r")
        services.nomination_approve(actor=tutor, nomination=nomination, on=dt.date(2025, 1, 1))
    return la, lead, people


def test_the_champions_directory_query_count_is_flat_in_the_number_of_champions(
    client, django_assert_num_queries
):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    _champions(1, tutor)
    viewer = make_user(Role.KEYWORKER, make_la(arm=Arm.TREATMENT))
    client.force_login(viewer)
    client.get("/champions/directory/")  # the viewer's memberships and today's champions kept
    with CaptureQueriesContext(connection) as few:
        page = client.get("/champions/directory/").content.decode()
    assert page.count("Systemic champion</span>") == 1
    one_champion = len(few.captured_queries)  # counted now: every request empties the query log
    _champions(4, tutor)
    # New LAs and nominations move on what is kept: compare the request after the next.
    client.get("/champions/directory/")
    with django_assert_num_queries(one_champion):
        page = client.get("/champions/directory/").content.decode()
    assert page.count("Systemic champion</span>") == 5


def test_the_nomination_page_shows_the_ratio_now_and_after(client):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    la, lead, people = _champions(1, tutor)
    client.force_login(lead)
    page = client.get("/champions/nominate/").content.decode()
    assert "1 of 5 keyworkers (20%)" in page
    assert "2 of 5 (40.0%)" in page


def test_an_approval_above_20_percent_is_refused_on_the_page_with_the_numbers(client):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    la, lead, people = _champions(1, tutor)
    nomination = services.nomination_create(actor=lead, la=la, user=people[1], reason="r")
    client.force_login(tutor)
    response = client.post(f"/champions/nominations/{nomination.pk}/decide/", {"action": "approve"})
    assert "2 champions of 5 keyworkers (40%), above the 20% limit" in response.content.decode()


def test_a_control_keyworker_is_refused_the_champions_directory(client):
    person = make_user(Role.KEYWORKER, make_la(arm=Arm.CONTROL))
    client.force_login(person)
    assert client.get("/champions/directory/").status_code == 403


def test_the_activity_form_warns_about_identifying_families(client):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    la, lead, people = _champions(1, tutor)
    client.force_login(people[0])
    page = client.get("/champions/activities/new/").content.decode()
    assert "Do not write anything that could identify a family" in page


def test_a_champion_opens_the_activity_log_and_an_ordinary_keyworker_cannot(client):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    la, lead, people = _champions(1, tutor)
    client.force_login(people[0])
    assert client.get("/champions/activities/new/").status_code == 200
    assert client.get("/champions/activities/").status_code == 200
    client.force_login(people[1])
    assert client.get("/champions/activities/new/").status_code == 403
    assert client.get("/champions/activities/").status_code == 403


def test_a_withdrawal_dated_ahead_is_refused_next_to_the_date_and_the_reason_stays(client):
    tutor = make_user(Role.TUTOR, make_org(OrganisationKind.IFT))
    la, lead, people = _champions(1, tutor)
    nomination = people[0].nominations.get()
    ahead = dt.date.today() + dt.timedelta(days=30)
    client.force_login(lead)
    response = client.post(
        f"/champions/nominations/{nomination.pk}/withdraw/",
        {"on": ahead.isoformat(), "reason": "Moving to another team in the spring"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error-message" id="id_on_error">The date cannot be in the future.' in page
    assert f'value="{ahead.isoformat()}"' in page and 'value="Moving to another team in the spring"' in page
    nomination.refresh_from_db()
    assert nomination.withdrawn_on is None
