"""Error pages speak plainly, in the hub's layout, and an address holding a NUL is
refused before any of it reaches the database (PostgreSQL refuses NULs in text)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_missing_page_says_so_in_the_hubs_layout_with_a_way_home(world, client):
    client.force_login(world["t_keyworker"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "Systemic Practice Hub" in page and 'href="/"' in page
    assert "Notifications" in page  # the signed-in header


def test_a_refused_page_says_who_to_ask_and_names_nothing_of_the_treatment(world, client):
    client.force_login(world["c_keyworker"])
    response = client.get("/forum/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>You cannot open this page</h1>" in page
    assert "your LA lead" in page
    for word in ("treatment", "control", "trial arm"):
        assert word not in page.lower().split("<main", 1)[1]


@pytest.mark.parametrize(
    "address",
    [
        "/forum/search/?q=a%00b",
        "/resources/?topic=a%00b&q=x",
        "/forum/boards/1/people.json?q=%00",
        "/no%00where/",
    ],
)
def test_an_address_with_a_nul_character_gets_a_plain_bad_request_page(world, client, address):
    client.force_login(world["t_keyworker"])
    response = client.get(address)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>That address could not be read</h1>" in page
    assert "Systemic Practice Hub" in page


def test_the_server_error_page_is_plain_and_needs_nothing_from_the_failed_request(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "try again" in page.lower()


def test_a_form_sent_without_its_check_says_what_to_do_next(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["t_keyworker"])
    response = client.post("/forum/settings/", {"daily_digest": "on"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Your form could not be sent</h1>" in page
    assert "reload the page" in page
