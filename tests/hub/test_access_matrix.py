"""Walks every URL of the URLconf for an anonymous visitor and for each role in a
treatment LA, a control LA, IFT and the evaluators, against the declared table."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from hub.models import AccessRefusal
from tests import access_table
from tests.access_table import ROLES


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p.name


RULES, MOUNTS, BUILDERS = access_table.load()


def _declared(route: str, name: str | None) -> bool:
    clean = route.lstrip("^")
    if any(clean.startswith(m.prefix) for m in MOUNTS):
        return True
    return name is not None and any(r.name == name for r in RULES)


def test_every_url_of_the_urlconf_is_declared_in_the_access_table():
    undeclared = [
        f"{route} (name={name})"
        for route, name in _walk(get_resolver().url_patterns)
        if not _declared(route, name)
    ]
    assert undeclared == [], "URLs without an access rule:\n" + "\n".join(undeclared)


def test_every_declared_url_exists():
    names = {name for _, name in _walk(get_resolver().url_patterns)}
    assert [r.name for r in RULES if r.name not in names] == []


SAMPLES = RULES + [s for m in MOUNTS for s in m.samples]


@pytest.fixture
def matrix_world(world):
    for build in BUILDERS:
        build(world)
    return world


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, matrix_world, client):
    """One role walks every declared URL; every answer that differs from the table is listed.
    (GET requests change nothing, so one world per role serves every URL.)"""
    if role != "anon":
        client.force_login(matrix_world[role])
    wrong = []
    for rule in SAMPLES:
        path = rule.sample(matrix_world)
        response = client.get(path)
        if response.status_code != rule.expected(role):
            wrong.append(
                f"{rule.name}: GET {path} expected {rule.expected(role)}, got {response.status_code}"
            )
        elif role == "anon" and response.status_code == 302 and rule.anon_status == 302:
            if "login/" not in response["Location"]:
                wrong.append(f"{rule.name}: GET {path} redirected to {response['Location']}, not to sign in")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


TREATMENT_SURFACES = [r for r in RULES if r.treatment]


def test_each_treatment_surface_records_a_control_keyworkers_refusal(matrix_world, client):
    person = matrix_world["c_keyworker"]
    client.force_login(person)
    for rule in TREATMENT_SURFACES:
        before = AccessRefusal.objects.filter(user=person, organisation=matrix_world.control).count()
        response = client.get(rule.sample(matrix_world))
        assert response.status_code == rule.expected("c_keyworker"), rule.name
        after = AccessRefusal.objects.filter(user=person, organisation=matrix_world.control).count()
        assert after > before, f"{rule.name}: the refusal was not recorded"


def test_treatment_people_leave_no_refusal_records(matrix_world, client):
    client.force_login(matrix_world["t_keyworker"])
    for rule in TREATMENT_SURFACES:
        client.get(rule.sample(matrix_world))
    assert not AccessRefusal.objects.exists()
