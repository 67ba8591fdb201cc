"""The library's listing and search: what is found, the filters, pagination, and a
query count that does not grow with the number of pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources import caching
from resources.models import Audience, Course, Kind, Topic
from tests.resources import helpers


@pytest.fixture
def keyworker_client(world, client):
    client.force_login(world["t_keyworker"])
    return client


def titles(response) -> list[str]:
    return [p.title for p in response.context["results"]]


def test_the_library_lives_at_resources(library):
    assert library.url == "/resources/"
    assert library.live


def test_search_finds_a_tool_by_a_word_in_its_body(library, keyworker_client):
    helpers.tool(library, title="Ecomaps", body="<p>Draw the family's world: school, health, friends.</p>")
    helpers.tool(
        library,
        title="Genograms",
        body="<p>Josh added a line to his grandad, who had died the previous spring.</p>",
    )
    response = keyworker_client.get("/resources/", {"q": "grandad"})
    assert response.status_code == 200
    assert titles(response) == ["Genograms"]
    assert "Results for “grandad”" in response.content.decode()


def test_search_looks_at_titles_and_summaries_too(library, keyworker_client):
    helpers.tool(library, title="Safe uncertainty", summary="Barry Mason's grid of certainty.")
    helpers.tool(library, title="Genograms")
    assert titles(keyworker_client.get("/resources/", {"q": "uncertainty"})) == ["Safe uncertainty"]
    assert titles(keyworker_client.get("/resources/", {"q": "Mason"})) == ["Safe uncertainty"]


def test_a_search_that_finds_nothing_says_so(library, keyworker_client):
    helpers.tool(library)
    response = keyworker_client.get("/resources/", {"q": "zebra"})
    assert titles(response) == []
    assert "Nothing matches “zebra”" in response.content.decode()


def test_the_listing_filters_by_kind_topic_and_course_day(library, keyworker_client):
    relationships = Topic.objects.create(name="Seeing a family's relationships")
    helpers.tool(library, title="Genograms", topics=[relationships])
    helpers.tool(library, title="Safe uncertainty")
    helpers.training(library, course=Course.CPD5, day=3, title="Five-day CPD, day 3")
    helpers.training(library, course=Course.CPD5, day=4, title="Five-day CPD, day 4")
    helpers.article(library, title="Consent and records", kind=Kind.READING)
    get = keyworker_client.get
    assert titles(get("/resources/", {"kind": "tool"})) == ["Genograms", "Safe uncertainty"]
    assert titles(get("/resources/", {"kind": "reading"})) == ["Consent and records"]
    assert titles(get("/resources/", {"topic": relationships.slug})) == ["Genograms"]
    assert titles(get("/resources/", {"day": "cpd5-3"})) == ["Five-day CPD, day 3"]
    # Filters combine with search.
    assert titles(get("/resources/", {"q": "key points", "day": "cpd5-4"})) == ["Five-day CPD, day 4"]
    assert titles(get("/resources/", {"q": "family", "topic": relationships.slug})) == ["Genograms"]
    response = get("/resources/")
    assert response.context["day_options"] == [
        ("cpd5-3", "Five-day CPD, day 3"),
        ("cpd5-4", "Five-day CPD, day 4"),
    ]
    assert [t.name for t in response.context["topic_options"]] == ["Seeing a family's relationships"]


def test_filter_options_never_reveal_pages_the_person_cannot_open(library, world, client):
    secret = Topic.objects.create(name="Tutor matters")
    page = helpers.training(library, course=Course.CHAMPIONS, day=7, audience=Audience.IFT)
    page.topics.set([secret])
    page.save_revision().publish()
    client.force_login(world["t_keyworker"])
    response = client.get("/resources/")
    assert response.context["topic_options"] == []
    assert response.context["day_options"] == []
    assert titles(client.get("/resources/", {"topic": secret.slug})) == []


def test_nonsense_filters_are_ignored(library, keyworker_client):
    helpers.tool(library)
    for params in (
        {"kind": "nonsense"},
        {"day": "cpd5-x"},
        {"day": "nope-3"},
        {"page": "abc"},
        {"page": "99"},
    ):
        response = keyworker_client.get("/resources/", params)
        assert response.status_code == 200
        assert titles(response) == ["Genograms"]


def test_the_listing_is_paginated_and_keeps_the_filters(library, keyworker_client):
    for n in range(15):
        helpers.tool(library, title=f"Tool {n:02d}", slug=f"tool-{n}")
    first = keyworker_client.get("/resources/", {"kind": "tool"})
    assert len(first.context["results"]) == 12
    assert 'href="?kind=tool&amp;page=2"' in first.content.decode()
    second = keyworker_client.get("/resources/", {"kind": "tool", "page": 2})
    assert titles(second) == ["Tool 12", "Tool 13", "Tool 14"]


def _listing_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/resources/", "/resources/?q=family&topic=relationships"])
def test_the_listing_query_count_is_the_same_for_5_and_50_pages(path, library, world, client):
    topic = Topic.objects.create(name="Relationships", slug="relationships")
    client.force_login(world["t_keyworker"])

    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            if n % 3 == 0:
                helpers.training(library, course=Course.TARGETED, day=1 + n % 20, title=f"Day material {n}")
            else:
                page = helpers.tool(library, title=f"Family tool {n}", slug=f"tool-{n}", topics=[topic])
                if n % 2:
                    client.post(f"/library/saved/{page.pk}/", {"action": "save"})

    add(0, 5)
    client.get(path)  # warm the per-process caches (content types, site root paths)
    caching.library_changed()  # measure the listing made afresh, not the shared copy
    small = _listing_queries(client, path)
    add(5, 45)
    caching.library_changed()
    large = _listing_queries(client, path)
    assert small == large, f"{small} queries for 5 pages, {large} for 50"


def test_only_the_people_who_edit_the_library_see_the_editing_bar(library, world, client):
    helpers.tool(library, title="Genograms", slug="genograms")
    client.force_login(world["content_editor"])
    for path in ("/resources/", "/resources/genograms/"):
        assert "userbar" in client.get(path).content.decode()
    client.force_login(world["t_keyworker"])
    for path in ("/resources/", "/resources/genograms/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "userbar" not in response.content.decode()


# A NUL never reaches the search: the hub answers any address holding one with its
# "could not be read" page (tests/hub/test_error_pages.py).
@pytest.mark.parametrize("q", ['"', 'a"b', '"genograms', "genograms\x07", "\x1b"])
def test_a_search_with_quotes_or_control_characters_is_searched_as_plain_words(library, world, client, q):
    helpers.tool(library, title="Genograms")
    client.force_login(world["t_keyworker"])
    response = client.get("/resources/", {"q": q})
    assert response.status_code == 200
    if "genograms" in q:
        assert "Genograms" in response.content.decode()


@pytest.mark.parametrize("day", ["cpd5-\u00b2", "cpd5-\u0663", "cpd5-", "-"])
def test_an_odd_course_day_filter_is_ignored(library, world, client, day):
    helpers.training(library, course=Course.CPD5, day=1)
    client.force_login(world["t_keyworker"])
    assert client.get("/resources/", {"day": day}).status_code == 200
