"""The library listing's shared cache: a second reader of the same listing is served
from the cache, and every change to the library's content is seen at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from resources.models import Audience, Topic
from tests.resources import helpers


def _get(client, path: str = "/resources/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def titles(response) -> list[str]:
    return [p.title for p in response.context["results"]]


def test_a_second_reader_is_served_from_the_cache(library, world, client):
    for n in range(6):
        helpers.tool(library, title=f"Tool {n}", slug=f"tool-{n}")
    client.force_login(world["t_keyworker"])
    client.get("/library/")  # warm the per-process caches (content types, site root paths)
    first, made = _get(client)
    second, cached = _get(client)
    assert titles(second) == titles(first) == [f"Tool {n}" for n in range(6)]
    assert cached < made, f"{cached} queries from the cache, {made} made afresh"


def test_publishing_and_unpublishing_a_page_show_at_once(library, world, client):
    helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    assert titles(client.get("/resources/")) == ["Ecomaps"]

    genograms = helpers.tool(library, title="Genograms", slug="genograms")
    assert titles(client.get("/resources/")) == ["Ecomaps", "Genograms"]

    genograms.unpublish()
    assert titles(client.get("/resources/")) == ["Ecomaps"]


def test_changing_a_page_and_a_topic_show_at_once(library, world, client):
    topic = Topic.objects.create(name="Relationships", slug="relationships")
    page = helpers.tool(library, title="Ecomaps", slug="ecomaps", topics=[topic])
    client.force_login(world["t_keyworker"])
    response = client.get("/resources/")
    assert [t.name for t in response.context["topic_options"]] == ["Relationships"]

    topic.name = "Family relationships"
    topic.save()
    response = client.get("/resources/")
    assert [t.name for t in response.context["topic_options"]] == ["Family relationships"]

    page.title = "Ecomaps, redrawn"
    page.save_revision().publish()
    assert titles(client.get("/resources/")) == ["Ecomaps, redrawn"]

    page.delete()
    assert titles(client.get("/resources/")) == []


def test_people_with_other_audiences_never_share_a_listing(library, world, client):
    helpers.tool(library, title="For everyone in treatment", slug="treatment", audience=Audience.TREATMENT)
    helpers.tool(library, title="For practitioners", slug="practitioners", audience=Audience.PRACTITIONERS)
    client.force_login(world["t_practitioner"])
    assert titles(client.get("/resources/")) == ["For everyone in treatment", "For practitioners"]
    client.force_login(world["t_keyworker"])
    assert titles(client.get("/resources/")) == ["For everyone in treatment"]


def test_whether_a_page_is_saved_is_each_persons_own(library, world, client):
    page = helpers.tool(library, title="Genograms", slug="genograms")
    client.force_login(world["t_keyworker"])
    client.post(f"/library/saved/{page.pk}/", {"action": "save"})
    assert [p.is_saved for p in client.get("/resources/").context["results"]] == [True]
    client.force_login(world["o_keyworker"])
    assert [p.is_saved for p in client.get("/resources/").context["results"]] == [False]


def _site_queries(client, path: str) -> tuple[int, int]:
    """The response's status and how many of its queries looked up the site for the
    request's host (Wagtail ranks the sites with a CASE; its list of every site's root
    path is a query of its own, kept by Wagtail)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    lookups = sum('"wagtailcore_site"' in q["sql"] and "CASE" in q["sql"] for q in queries.captured_queries)
    return response.status_code, lookups


def test_the_site_is_looked_up_once_then_kept_until_a_site_changes(library, world, client):
    helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    assert _site_queries(client, "/resources/") == (200, 1)
    assert _site_queries(client, "/resources/") == (200, 0)
    assert _site_queries(client, "/resources/ecomaps/") == (200, 0)
    # The site's root moves to the library itself: its pages now live one level up.
    site = Site.objects.get(is_default_site=True)
    root = site.root_page
    site.root_page = library
    site.save()
    assert _site_queries(client, "/resources/ecomaps/") == (404, 1)
    assert _site_queries(client, "/ecomaps/") == (200, 0)
    site.root_page = root
    site.save()
    assert _site_queries(client, "/resources/ecomaps/")[0] == 200
    site.delete()
    assert _site_queries(client, "/resources/ecomaps/") == (404, 1)  # no site answers now


def test_the_home_page_links_to_pages_read_without_looking_the_site_up_again(library, world, client):
    helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    client.get("/resources/ecomaps/")  # read (and the site looked up): the home page lists it
    assert _site_queries(client, "/") == (200, 0)
    assert 'href="/resources/ecomaps/"' in client.get("/").content.decode()
