from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hub import services
from hub.models import Arm, AuditEvent, Membership, Organisation, Role


def test_a_hub_admin_adds_an_la_with_its_arm_and_a_team(world, client):
    client.force_login(world["hub_admin"])
    response = client.post(
        "/manage/organisations/", {"name": "Newshire Council", "kind": "la", "arm": Arm.CONTROL}
    )
    org = Organisation.objects.get(name="Newshire Council")
    assert response["Location"] == f"/manage/organisations/{org.pk}/"
    assert org.arm == Arm.CONTROL
    client.post(f"/manage/organisations/{org.pk}/", {"action": "team", "name": "East team"})
    assert list(org.teams.values_list("name", flat=True)) == ["East team"]
    assert AuditEvent.objects.filter(action="organisation.create", detail__contains="Newshire").exists()


def test_a_duplicate_name_is_refused_next_to_the_field_and_the_entry_kept(world, client):
    client.force_login(world["hub_admin"])
    response = client.post(
        "/manage/organisations/", {"name": "treatville council", "kind": "la", "arm": Arm.TREATMENT}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already an organisation called treatville council." in page
    assert 'value="treatville council"' in page


def test_only_las_have_an_arm(world, client):
    client.force_login(world["hub_admin"])
    response = client.post(
        "/manage/organisations/", {"name": "Another IFT", "kind": "ift", "arm": Arm.TREATMENT}
    )
    assert "Only local authorities have a trial arm" in response.content.decode()
    assert not Organisation.objects.filter(name="Another IFT").exists()


def test_changing_an_las_arm_switches_what_its_people_see(world, client):
    from hub import access

    client.force_login(world["hub_admin"])
    assert not access.can_view_treatment_content(world["c_keyworker"])
    client.post(
        f"/manage/organisations/{world.control.pk}/",
        {"action": "update", "name": world.control.name, "kind": "la", "arm": Arm.TREATMENT},
    )
    world["c_keyworker"].refresh_from_db()
    access.forget(world["c_keyworker"])
    assert access.can_view_treatment_content(world["c_keyworker"])


def test_a_duplicate_team_is_refused(world, client):
    client.force_login(world["t_la_lead"])
    response = client.post(
        f"/manage/organisations/{world.treatment.pk}/", {"action": "team", "name": "team 1"}
    )
    assert "already has a team called team 1" in response.content.decode()


def test_the_organisation_page_shows_the_kind_as_text_and_offers_no_kind_to_change(world, client):
    client.force_login(world["hub_admin"])
    page = client.get(f"/manage/organisations/{world.control.pk}/").content.decode()
    assert 'name="kind"' not in page
    assert "Local authority" in page
    assert 'name="arm"' in page
    response = client.post(
        f"/manage/organisations/{world.control.pk}/",
        {"action": "update", "name": "Controlshire County Council", "kind": "evaluator", "arm": Arm.CONTROL},
    )
    assert response.status_code == 302
    world.control.refresh_from_db()
    assert world.control.name == "Controlshire County Council"
    assert world.control.kind == "la"


def test_an_organisation_that_is_not_an_la_is_edited_without_a_trial_arm(world, client):
    client.force_login(world["hub_admin"])
    page = client.get(f"/manage/organisations/{world.ift.pk}/").content.decode()
    assert 'name="arm"' not in page and 'name="kind"' not in page
    response = client.post(
        f"/manage/organisations/{world.ift.pk}/", {"action": "update", "name": "IFT London"}
    )
    assert response.status_code == 302
    world.ift.refresh_from_db()
    assert world.ift.name == "IFT London" and world.ift.arm == Arm.UNASSIGNED


def test_a_keyworker_cannot_be_left_without_a_team_and_the_page_says_so_by_the_team(world, client):
    keyworker = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    team = keyworker.team
    client.force_login(world["t_la_lead"])
    response = client.post(f"/manage/memberships/{keyworker.pk}/", {"role": Role.KEYWORKER, "team": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error-message" id="id_team_error">Choose the keyworker&#x27;s team.</p>' in page
    keyworker.refresh_from_db()
    assert keyworker.team == team
    assert not AuditEvent.objects.filter(action="membership.update").exists()


def test_the_membership_service_keeps_every_keyworker_in_a_team(world):
    keyworker = Membership.objects.get(user=world["t_keyworker"], role=Role.KEYWORKER)
    with pytest.raises(ValidationError) as exc:
        services.membership_update(actor=None, membership=keyworker, role=Role.KEYWORKER, team=None)
    assert exc.value.message_dict == {"team": ["Choose the keyworker's team."]}
    # Another role needs no team.
    services.membership_update(actor=None, membership=keyworker, role=Role.LA_LEAD, team=None)
    keyworker.refresh_from_db()
    assert keyworker.role == Role.LA_LEAD and keyworker.team is None
