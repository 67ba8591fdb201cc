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


def _queries_that(client, path: str, matches) -> tuple[int, int]:
    """The response's status and how many of its queries' SQL `matches`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, sum(bool(matches(q["sql"])) for q in queries.captured_queries)


def _site_queries(client, path: str) -> tuple[int, int]:
    """The response's status and how many of its queries looked up the site for the
    request's host (Wagtail ranks the sites with a CASE; its list of every site's root
    path is a query of its own, kept by Wagtail)."""
    return _queries_that(client, path, lambda sql: '"wagtailcore_site"' in sql and "CASE" in sql)


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


def _route_queries(client, path: str) -> tuple[int, int]:
    """The response's status and how many of its queries looked for the page: Wagtail's
    walk down the tree (pages by slug, then each page's own table) and its look at the
    page's view restrictions (ancestors, then restrictions)."""
    return _queries_that(
        client,
        path,
        lambda sql: (
            '"wagtailcore_page"."slug" =' in sql
            or "wagtailcore_pageviewrestriction" in sql
            or '"alias_of_id" FROM "wagtailcore_page"' in sql
        ),
    )


def test_the_page_for_a_path_is_found_once_then_kept(library, world, client):
    helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    for path in ("/resources/", "/resources/ecomaps/"):
        status, first = _route_queries(client, path)
        assert status == 200 and first >= 3, first  # found by slug, its restrictions read
        assert _route_queries(client, path) == (200, 0)


def test_a_path_no_page_answers_is_not_kept(library, world, client):
    client.force_login(world["t_keyworker"])
    assert _route_queries(client, "/resources/no-such-page/")[0] == 404
    status, looks = _route_queries(client, "/resources/no-such-page/")
    assert status == 404 and looks >= 1


def test_publishing_renaming_unpublishing_and_deleting_a_page_take_effect_at_once(library, world, client):
    page = helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    assert client.get("/resources/ecomaps/").status_code == 200
    assert client.get("/resources/circular-questions/").status_code == 404

    page.slug = "circular-questions"
    page.title = "Circular questions"
    page.save_revision().publish()
    assert client.get("/resources/ecomaps/").status_code == 404
    renamed = client.get("/resources/circular-questions/")
    assert renamed.status_code == 200 and "Circular questions" in renamed.content.decode()

    page.refresh_from_db()
    page.unpublish()
    assert client.get("/resources/circular-questions/").status_code == 404
    page.refresh_from_db()
    page.save_revision().publish()
    assert client.get("/resources/circular-questions/").status_code == 200
    page.delete()
    assert client.get("/resources/circular-questions/").status_code == 404


def test_page_privacy_set_in_wagtail_applies_to_a_kept_page_at_once(library, world, client):
    from wagtail.models import PageViewRestriction

    helpers.tool(library, title="Ecomaps", slug="ecomaps")
    client.force_login(world["t_keyworker"])
    assert client.get("/resources/ecomaps/").status_code == 200
    assert _route_queries(client, "/resources/ecomaps/") == (200, 0)

    # A password on the library applies to every page under it.
    restriction = PageViewRestriction.objects.create(
        page=library, restriction_type=PageViewRestriction.PASSWORD, password="family-tree"
    )
    for path in ("/resources/", "/resources/ecomaps/"):
        response = client.get(path)
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()
        assert "Ecomaps" not in response.content.decode()

    restriction.delete()
    response = client.get("/resources/ecomaps/")
    assert 'name="password"' not in response.content.decode() and "Ecomaps" in response.content.decode()
