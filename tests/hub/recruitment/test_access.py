"""The assessor role, which the access matrix does not walk."""

from __future__ import annotations

import pytest

from hub import access
from hub.models import Role
from tests.access_table.recruitment import build
from tests.factories import make_user


@pytest.fixture
def recruitment_world(world):
    build(world)
    return world


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/eoi/assess/", 200),
        ("/eoi/assess/{eoi}/", 200),
        ("/eoi/assess/{eoi}/letter/", 200),
        ("/eoi/rounds/{round}/randomise/", 403),
        ("/eoi/randomisations/{run}/", 403),
        ("/eoi/emails/", 403),
    ],
)
@pytest.mark.parametrize("where", ["evaluators", "ift"])
def test_an_assessor_assesses_but_does_not_randomise(recruitment_world, client, path, status, where):
    person = make_user(Role.ASSESSOR, getattr(recruitment_world, where))
    client.force_login(person)
    extra = recruitment_world.extra
    url = path.format(
        eoi=extra["recruitment_eoi"].pk, round=extra["recruitment_round"].pk, run=extra["recruitment_run"].pk
    )
    assert client.get(url).status_code == status


def test_an_assessor_without_two_factor_sign_in_is_sent_to_set_it_up(recruitment_world, client):
    person = make_user(Role.ASSESSOR, recruitment_world.evaluators, mfa=False)
    client.force_login(person)
    response = client.get("/eoi/assess/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_rules(recruitment_world):
    assert access.can_assess_eois(recruitment_world["hub_admin"])
    assert not access.can_assess_eois(recruitment_world["evaluator"])
    assert not access.can_run_randomisation(make_user(Role.ASSESSOR, recruitment_world.evaluators))
