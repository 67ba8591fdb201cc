from __future__ import annotations

import datetime as dt

import pytest

from hub import access
from hub.models import AccessRefusal, Membership, Phase, Pilot, Role
from tests.factories import set_pilot

D = dt.date


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (D(2024, 8, 31), Phase.BEFORE),
        (D(2024, 9, 1), Phase.DURING),
        (D(2025, 12, 31), Phase.DURING),
        (D(2026, 1, 1), Phase.AFTER),
    ],
)
def test_the_phase_turns_on_the_pilots_first_and_last_days(day, phase):
    pilot = Pilot(name="p", starts_on=D(2024, 9, 1), ends_on=D(2025, 12, 31))
    assert pilot.phase_on(day) == phase


def test_the_default_pilot_runs_from_september_2024_to_december_2025(db):
    Pilot.objects.all().delete()
    pilot = Pilot.current()
    assert (pilot.starts_on, pilot.ends_on) == (D(2024, 9, 1), D(2025, 12, 31))
    assert len(pilot.months()) == 16


def test_a_control_keyworker_is_refused_treatment_content_during_the_pilot_and_it_is_recorded(world):
    person = world["c_keyworker"]
    assert not access.can_view_treatment_content(person, what=access.FORUM)
    refusal = AccessRefusal.objects.get()
    assert (refusal.user, refusal.organisation, refusal.what) == (person, world.control, access.FORUM)


def test_treatment_people_and_ift_staff_see_treatment_content(world):
    for key in ("t_keyworker", "t_practitioner", "t_la_lead", "tutor", "delivery_lead"):
        assert access.can_view_treatment_content(world[key]), key
    assert not AccessRefusal.objects.exists()


def test_outside_the_pilot_control_refusals_are_not_contamination(world):
    today = dt.date.today()
    set_pilot(starts_on=today + dt.timedelta(days=10), ends_on=today + dt.timedelta(days=400))
    assert not access.can_view_treatment_content(world["c_keyworker"])
    set_pilot(starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=1))
    # After the pilot, the control arm gets the training materials (its two-day CPD) but not the forum.
    assert access.can_view_treatment_content(world["c_keyworker"], what=access.RESOURCES)
    assert not access.can_view_treatment_content(world["c_keyworker"], what=access.FORUM)
    assert not AccessRefusal.objects.exists()


def test_evaluators_see_pseudonyms_only(world):
    assert not access.can_see_names(world["evaluator"])
    assert access.display_name(world["evaluator"], world["t_keyworker"]).startswith("P-")
    assert access.display_name(world["delivery_lead"], world["t_keyworker"]) == world["t_keyworker"].full_name


def test_an_la_lead_manages_their_own_la_only(world):
    assert access.can_manage_la(world["t_la_lead"], world.treatment)
    assert not access.can_manage_la(world["t_la_lead"], world.control)
    assert access.can_manage_la(world["hub_admin"], world.control)


def test_an_la_lead_changing_a_role_in_another_la_is_refused_and_nothing_changes(world, client):
    membership = Membership.objects.get(user=world["c_keyworker"])
    client.force_login(world["t_la_lead"])
    response = client.post(f"/manage/memberships/{membership.pk}/", {"role": Role.PRACTITIONER, "team": ""})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.KEYWORKER and membership.ended_at is None


def test_an_la_lead_changes_a_role_in_their_own_la(world, client):
    membership = Membership.objects.get(user=world["t_keyworker"])
    client.force_login(world["t_la_lead"])
    response = client.post(f"/manage/memberships/{membership.pk}/", {"role": Role.SENIOR_LEADER, "team": ""})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.SENIOR_LEADER


def test_a_keyworker_belongs_to_one_la(world):
    from django.core.exceptions import ValidationError

    from hub import services

    with pytest.raises(ValidationError, match="already a keyworker"):
        services.membership_create(
            actor=None, user=world["t_keyworker"], organisation=world.other_treatment, role=Role.KEYWORKER
        )


def test_a_role_that_does_not_fit_the_organisation_is_refused(world):
    from django.core.exceptions import ValidationError

    from hub import services

    with pytest.raises(ValidationError, match="not a role"):
        services.membership_create(
            actor=None, user=world["t_keyworker"], organisation=world.ift, role=Role.KEYWORKER
        )


def test_the_current_pilot_is_cached_and_a_change_of_dates_clears_the_cache(db, django_assert_num_queries):
    Pilot.current()
    with django_assert_num_queries(0):
        Pilot.current()
    set_pilot(starts_on=D(2030, 1, 1), ends_on=D(2031, 1, 1))
    assert Pilot.current().starts_on == D(2030, 1, 1)
    assert Pilot.current().phase == Phase.BEFORE
