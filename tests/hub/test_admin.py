"""The Django admin shows what the hub's own pages change through its services (roles,
trial arms, outcome emails), and refuses edits that would break a team's people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hub.models import Arm, Membership, Role, Team
from hub.recruitment import selectors as recruitment_selectors
from tests.factories import make_user


@pytest.fixture
def admin_client(world, client):
    client.force_login(world["hub_admin"])
    return client


def _membership_post(m: Membership, **changes) -> dict:
    data = {
        "user": m.user_id,
        "organisation": m.organisation_id,
        "team": m.team_id or "",
        "role": m.role,
        "started_at_0": timezone.localtime(m.started_at).date().isoformat(),
        "started_at_1": "09:00:00",
        "ended_at_0": "",
        "ended_at_1": "",
    }
    return data | changes


def _organisation_post(org, **changes) -> dict:
    teams = list(org.teams.all())
    data = {
        "name": org.name,
        "kind": org.kind,
        "arm": org.arm,
        "teams-TOTAL_FORMS": str(len(teams)),
        "teams-INITIAL_FORMS": str(len(teams)),
        "teams-MIN_NUM_FORMS": "0",
        "teams-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(teams):
        data |= {f"teams-{i}-id": t.pk, f"teams-{i}-name": t.name, f"teams-{i}-organisation": org.pk}
    return data | changes


def test_a_role_is_shown_read_only_with_a_pointer_to_the_people_pages(world, admin_client):
    m = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    page = admin_client.get(f"/django-admin/hub/membership/{m.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "People pages" in text
    assert 'name="role"' not in text and 'name="_save"' not in text
    assert admin_client.get("/django-admin/hub/membership/add/").status_code == 403
    assert admin_client.get(f"/django-admin/hub/membership/{m.pk}/delete/").status_code == 403


def test_ending_a_hub_admins_role_in_the_django_admin_is_refused_and_they_stay_as_they_were(
    world, admin_client
):
    other = make_user(Role.HUB_ADMIN, world.ift, email="second_admin@example.org")
    m = Membership.objects.get(user=other, role=Role.HUB_ADMIN)
    today = timezone.localdate().isoformat()
    response = admin_client.post(
        f"/django-admin/hub/membership/{m.pk}/change/",
        _membership_post(m, ended_at_0=today, ended_at_1="00:00:01"),
    )
    assert response.status_code == 403
    m.refresh_from_db()
    other.refresh_from_db()
    # The role and the admin rights that go with it stay in step.
    assert m.ended_at is None and other.is_superuser


def test_a_role_changed_in_the_django_admin_is_not_saved(world, admin_client):
    m = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    response = admin_client.post(
        f"/django-admin/hub/membership/{m.pk}/change/", _membership_post(m, role=Role.LA_LEAD, team="")
    )
    assert response.status_code == 403
    m.refresh_from_db()
    assert m.role == Role.KEYWORKER and m.team_id is not None


def test_a_persons_roles_are_listed_read_only_on_their_account_page(world, admin_client):
    page = admin_client.get(f"/django-admin/hub/user/{world['t_keyworker'].pk}/change/").content.decode()
    assert "change them on the hub&#x27;s People pages" in page
    assert "Keyworker" in page
    assert 'name="memberships-0-role"' not in page
    assert 'name="memberships-0-DELETE"' not in page


def test_an_las_arm_and_kind_are_shown_not_changed_in_the_django_admin(world, admin_client):
    org = world.control
    page = admin_client.get(f"/django-admin/hub/organisation/{org.pk}/change/").content.decode()
    assert 'name="arm"' not in page and 'name="kind"' not in page
    response = admin_client.post(
        f"/django-admin/hub/organisation/{org.pk}/change/",
        _organisation_post(org, arm=Arm.TREATMENT, kind="evaluator"),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.arm == Arm.CONTROL and org.kind == "la"
    la_page = admin_client.get(f"/django-admin/hub/localauthority/{org.pk}/change/").content.decode()
    assert 'name="arm"' not in la_page


def test_a_team_cannot_be_moved_to_another_la_in_the_django_admin(world, admin_client):
    keyworker = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    team = keyworker.team
    response = admin_client.post(
        f"/django-admin/hub/team/{team.pk}/change/",
        {"name": "Renamed team", "organisation": world.control.pk},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Renamed team"
    assert team.organisation == world.treatment


def test_a_team_with_people_cannot_be_deleted_in_the_django_admin(world, admin_client):
    keyworker = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    team = keyworker.team
    assert admin_client.get(f"/django-admin/hub/team/{team.pk}/delete/").status_code == 403
    assert admin_client.post(f"/django-admin/hub/team/{team.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_client.post(
        "/django-admin/hub/team/",
        {"action": "delete_selected", "_selected_action": [team.pk], "post": "yes"},
    )
    assert "still has people in it" in response.content.decode()
    keyworker.refresh_from_db()
    assert keyworker.team == team


def test_a_team_with_people_cannot_be_deleted_from_its_las_admin_page(world, admin_client):
    keyworker = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    org = world.treatment
    teams = list(org.teams.all())
    index = teams.index(keyworker.team)
    response = admin_client.post(
        f"/django-admin/hub/organisation/{org.pk}/change/",
        _organisation_post(org, **{f"teams-{index}-DELETE": "on"}),
    )
    assert response.status_code == 200
    assert "still has people in it" in response.content.decode()
    assert Team.objects.filter(pk=keyworker.team_id).exists()


def test_a_team_with_nobody_in_it_can_still_be_deleted(world, admin_client):
    empty = Team.objects.create(organisation=world.treatment, name="Empty team")
    admin_client.post(f"/django-admin/hub/team/{empty.pk}/delete/", {"post": "yes"})
    assert not Team.objects.filter(pk=empty.pk).exists()


def test_an_outcome_email_is_shown_not_saved_in_the_django_admin(world, admin_client):
    template = recruitment_selectors.outcome_templates()[0]
    url = f"/django-admin/recruitment/outcomeemailtemplate/{template.pk}/change/"
    assert "/eoi/emails/" in admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "outcome": template.outcome,
            "subject": template.subject,
            "body": "Dear {{ first_name }} {% include 'nowhere.html' %}",
            "updated_at_0": "2026-01-01",
            "updated_at_1": "10:00:00",
        },
    )
    assert response.status_code == 403
    template.refresh_from_db()
    assert "nowhere" not in template.body


def test_the_django_admin_cannot_make_someone_a_superuser_outside_their_roles(world, admin_client):
    person = world["t_keyworker"]
    response = admin_client.post(
        f"/django-admin/hub/user/{person.pk}/change/",
        {
            "email": person.email,
            "full_name": "Renamed Person",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.full_name == "Renamed Person"  # the form was saved
    assert not person.is_staff and not person.is_superuser


def test_opening_or_closing_a_round_in_the_django_admin_is_audited(world, admin_client):
    from hub.models import AuditEvent
    from tests.hub.recruitment.helpers import make_round

    round = make_round("Pilot recruitment 2024")
    data = {
        "name": round.name,
        "target": "12",
        "extra_local_authorities": "",
        "created_at_0": "2024-05-01",
        "created_at_1": "09:00:00",
    }
    response = admin_client.post(f"/django-admin/recruitment/recruitmentround/{round.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    round.refresh_from_db()
    assert not round.is_open
    event = AuditEvent.objects.get(action="recruitment.close")
    assert event.actor == world["hub_admin"]
    assert event.detail == "Pilot recruitment 2024 closed in the Django admin"
    # Saving again without touching "open" records nothing more.
    admin_client.post(
        f"/django-admin/recruitment/recruitmentround/{round.pk}/change/", data | {"target": "10"}
    )
    assert AuditEvent.objects.filter(action__startswith="recruitment.").count() == 1


def _audit_lines(prefix: str) -> list[tuple[str, str]]:
    from hub.models import AuditEvent

    return [
        (e.action, e.detail)
        for e in AuditEvent.objects.filter(action__startswith=prefix, actor__isnull=False).order_by("pk")
    ]


def test_changing_the_pilots_dates_in_the_django_admin_is_audited(world, admin_client):
    from hub.models import Pilot

    pilot = Pilot.current()
    before, after = pilot.ends_on, pilot.ends_on + dt.timedelta(days=90)
    data = {
        "name": pilot.name,
        "starts_on": pilot.starts_on.isoformat(),
        "ends_on": after.isoformat(),
        "is_current": "on",
    }
    response = admin_client.post(f"/django-admin/hub/pilot/{pilot.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _audit_lines("pilot.") == [
        ("pilot.update", f"{Pilot.current()} in the Django admin: ends on {before} → {after}")
    ]
    # Saving it again unchanged records nothing more.
    admin_client.post(f"/django-admin/hub/pilot/{pilot.pk}/change/", data)
    assert len(_audit_lines("pilot.")) == 1


def test_organisations_and_teams_added_renamed_or_deleted_in_the_django_admin_are_audited(
    world, admin_client
):
    from hub.models import Organisation

    response = admin_client.post(
        "/django-admin/hub/organisation/add/",
        {
            "name": "Northby Council",
            "kind": "la",
            "teams-TOTAL_FORMS": "1",
            "teams-INITIAL_FORMS": "0",
            "teams-MIN_NUM_FORMS": "0",
            "teams-MAX_NUM_FORMS": "1000",
            "teams-0-name": "Early help",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organisation.objects.get(name="Northby Council")
    team = org.teams.get()
    admin_client.post(
        f"/django-admin/hub/team/{team.pk}/change/", {"name": "Family help", "organisation": org.pk}
    )
    admin_client.post(f"/django-admin/hub/team/{team.pk}/delete/", {"post": "yes"})
    assert not Team.objects.filter(pk=team.pk).exists()
    assert _audit_lines("organisation.") == [
        ("organisation.create", "Northby Council added in the Django admin"),
    ]
    assert _audit_lines("team.") == [
        ("team.create", "Early help (Northby Council) added in the Django admin"),
        ("team.update", "Family help (Northby Council) in the Django admin: name Early help → Family help"),
        ("team.delete", "Family help (Northby Council) deleted in the Django admin"),
    ]
