"""What hub/access.py keeps of a person between requests (their memberships), and the
champions app of today's champions, saves a query on every request and never outlives
a change: each change moves a version on, and a copy tagged with an older version is
not used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from champions import services as champion_services
from champions.selectors import champion_ids, is_champion
from hub import access, services
from hub.cache import versions
from hub.models import Arm, Membership, Role, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _get(client, path: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries.captured_queries if '"hub_membership"' in q["sql"]]


def _fresh(user: User) -> User:
    """The person as the next request loads them: nothing kept on the object."""
    return User.objects.get(pk=user.pk)


def test_a_persons_memberships_are_read_once_then_kept(client, world):
    client.force_login(world["t_keyworker"])
    access.memberships_changed(world["t_keyworker"].pk)  # nothing kept from the set-up
    response, first = _get(client, "/accessibility/")
    assert response.status_code == 200 and len(first) == 1
    response, second = _get(client, "/accessibility/")
    assert response.status_code == 200 and second == []


def test_an_las_arm_changing_takes_effect_on_the_next_request(client, world):
    client.force_login(world["t_keyworker"])
    assert client.get("/forum/").status_code == 200
    assert client.get("/forum/").status_code == 200  # from the kept copy
    services.organisation_update(
        actor=None, organisation=world.treatment, name=world.treatment.name, arm=Arm.CONTROL
    )
    assert client.get("/forum/").status_code == 403
    services.organisation_update(
        actor=None, organisation=world.treatment, name=world.treatment.name, arm=Arm.TREATMENT
    )
    assert client.get("/forum/").status_code == 200


def test_ending_a_membership_takes_effect_on_the_next_request(client, world):
    person = world["t_keyworker"]
    client.force_login(person)
    assert client.get("/forum/").status_code == 200
    assert access.roles(_fresh(person)) == {Role.KEYWORKER}
    membership = Membership.objects.active().get(user=person)
    services.membership_end(actor=None, membership=membership)
    assert access.roles(_fresh(person)) == frozenset()
    assert client.get("/forum/").status_code == 403


def test_a_membership_added_counts_at_once(world):
    person = world["t_keyworker"]
    assert access.roles(_fresh(person)) == {Role.KEYWORKER}
    services.membership_create(actor=None, user=person, organisation=world.treatment, role=Role.LA_LEAD)
    assert access.roles(_fresh(person)) == {Role.KEYWORKER, Role.LA_LEAD}


def test_a_copy_made_from_a_read_before_a_change_is_not_used(world):
    # A request reads the versions, then the memberships; meanwhile another process ends
    # the membership; the first request then keeps what it read, with its old versions.
    person = world["t_keyworker"]
    key = access._profile_key(person.pk)
    tag, _ = versions(access.EVERYONE_VERSION, access._person_version(person.pk))
    stale = list(Membership.objects.active().filter(user=person).select_related("organisation", "team"))
    services.membership_end(actor=None, membership=stale[0])
    cache.set(key, (tag, stale), access.PROFILE_TIMEOUT)
    assert access.roles(_fresh(person)) == frozenset()


def test_todays_champions_are_kept_and_follow_every_nomination_change(world):
    person = world["t_keyworker"]
    assert not is_champion(_fresh(person))
    with CaptureQueriesContext(connection) as queries:
        assert champion_ids() == set()
    assert queries.captured_queries == []  # kept from the call above
    nomination = champion_services.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=person, reason="Leads reflective work"
    )
    assert not is_champion(_fresh(person))  # nominated, not yet approved
    champion_services.nomination_approve(actor=world["tutor"], nomination=nomination)
    assert is_champion(_fresh(person)) and champion_ids() == {person.pk}
    champion_services.champion_withdraw(
        actor=world["tutor"], nomination=nomination, on=timezone.localdate(), reason="Moved team"
    )
    assert not is_champion(_fresh(person)) and champion_ids() == set()
    # Another day's champions are read from the database, not from today's copy:
    # approved today, the person was not a champion yesterday.
    colleague = make_user(Role.KEYWORKER, world.treatment)
    champion_services.nomination_approve(
        actor=world["tutor"],
        nomination=champion_services.nomination_create(
            actor=world["t_la_lead"], la=world.treatment, user=colleague, reason="Runs the group"
        ),
    )
    assert champion_ids() == {colleague.pk}
    assert champion_ids(timezone.localdate() - dt.timedelta(days=1)) == set()


def test_migrating_leaves_no_copy_kept_under_the_old_schema_in_use(world):
    from django.core.management.sql import emit_post_migrate_signal

    from champions.selectors import CHAMPIONS_VERSION

    person = world["t_keyworker"]
    access.roles(_fresh(person))  # kept
    before = versions(access.EVERYONE_VERSION, CHAMPIONS_VERSION)[0]
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    after = versions(access.EVERYONE_VERSION, CHAMPIONS_VERSION)[0]
    assert after[0] > before[0] and after[1] > before[1]
    with CaptureQueriesContext(connection) as queries:
        assert access.roles(_fresh(person)) == {Role.KEYWORKER}
    assert [q for q in queries.captured_queries if '"hub_membership"' in q["sql"]]


def test_migrate_goes_on_when_the_cache_cannot_be_reached(settings, caplog):
    from django.core.management.sql import emit_post_migrate_signal

    settings.CACHES = {"default": {"BACKEND": "hub.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with caplog.at_level("WARNING", logger="hub"):
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "the cached memberships could not be renewed" in caplog.text
    assert "the cached champions could not be renewed" in caplog.text
