from __future__ import annotations

from hub.models import Arm, AuditEvent, Organisation


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
