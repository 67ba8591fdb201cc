"""This app's rows of the declared access table, walked on their own (the hub-wide
matrix walks them too, with every other app's URLs)."""

from __future__ import annotations

import pytest

from hub.models import AccessRefusal
from tests.access_table import ROLES
from tests.access_table.reflective_practice import RULES, build


@pytest.fixture
def rp_world(world):
    build(world)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_declared_answer_at_each_reflective_url(role, rp_world, client):
    if role != "anon":
        client.force_login(rp_world[role])
    wrong = []
    for rule in RULES:
        path = rule.sample(rp_world)
        status = client.get(path).status_code
        if status != rule.expected(role):
            wrong.append(f"{rule.name}: GET {path} expected {rule.expected(role)}, got {status}")
    assert wrong == []


def test_a_control_keyworker_is_refused_every_reflective_surface_and_each_refusal_is_recorded(
    rp_world, client
):
    person = rp_world["c_keyworker"]
    client.force_login(person)
    for rule in [r for r in RULES if r.treatment]:
        before = AccessRefusal.objects.filter(user=person).count()
        assert client.get(rule.sample(rp_world)).status_code == 403, rule.name
        assert AccessRefusal.objects.filter(user=person).count() > before, rule.name


def test_a_keyworker_of_another_treatment_la_cannot_book_or_see_this_las_consultations(rp_world, client):
    client.force_login(rp_world["o_keyworker"])
    assert (
        client.get(f"/reflective/consultations/times/{rp_world.extra['rp_free_slot'].pk}/book/").status_code
        == 403
    )
    assert (
        client.get(f"/reflective/consultations/bookings/{rp_world.extra['rp_booking'].pk}/").status_code
        == 403
    )
    assert client.get(f"/reflective/sessions/{rp_world.extra['rp_session'].pk}/").status_code == 403


def test_an_la_lead_sees_their_own_la_only(rp_world, client):
    client.force_login(rp_world["t_la_lead"])
    assert client.get(f"/reflective/sessions/{rp_world.extra['rp_session'].pk}/").status_code == 200
    client.force_login(rp_world["c_la_lead"])
    assert client.get(f"/reflective/sessions/{rp_world.extra['rp_session'].pk}/").status_code == 403
