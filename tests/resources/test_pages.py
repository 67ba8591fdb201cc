"""Serving library pages: what each page type shows, usage records, and saving to
"My resources"."""

from __future__ import annotations

from hub.models import AccessRefusal
from resources.models import Audience, Course, ResourceView, SavedResource
from tests.resources import helpers


def test_a_tool_page_shows_its_sections_and_its_template_with_type_and_size(library, world, client):
    template = helpers.document()
    page = helpers.tool(library, template=template)
    client.force_login(world["t_keyworker"])
    html = client.get(page.url).content.decode()
    for heading in ("What it is", "When to use it with a family", "Step by step", "Templates to download"):
        assert heading in html
    assert "Step 1:" in html
    assert f'href="{template.url}"' in html
    assert f"(PDF, {template.file_size / 1024:.1f}\xa0KB)" in html


def test_a_training_material_page_names_its_course_and_day(library, world, client):
    page = helpers.training(library, course=Course.CPD5, day=3)
    client.force_login(world["t_keyworker"])
    html = client.get(page.url).content.decode()
    assert "Five-day CPD, day 3" in html
    assert "On the day: slides and handouts" in html


def test_an_image_is_served_through_the_library_with_its_alt_text(library, world, client):
    picture = helpers.image()
    page = helpers.tool(library, picture=picture)
    client.force_login(world["t_keyworker"])
    html = client.get(page.url).content.decode()
    src = f"/library/images/{picture.pk}/width-800/"
    assert f'src="{src}"' in html and 'alt="A genogram"' in html
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(f"/library/images/{picture.pk}/width-9999/").status_code == 404
    client.force_login(world["c_keyworker"])
    assert client.get(src).status_code == 403
    assert AccessRefusal.objects.filter(user=world["c_keyworker"]).exists()


def test_a_page_whose_image_file_is_missing_still_opens_with_the_alt_text(library, world, client):
    picture = helpers.image()
    page = helpers.tool(library, picture=picture)
    picture.file.storage.delete(picture.file.name)
    client.force_login(world["t_keyworker"])
    response = client.get(page.url)
    assert response.status_code == 200
    assert "[Image: A genogram]" in response.content.decode()
    assert client.get(f"/library/images/{picture.pk}/width-800/").status_code == 404


def test_related_links_show_only_pages_the_reader_may_open(library, world, client):
    open_page = helpers.tool(library, title="Ecomaps")
    tutors_only = helpers.article(library, title="Tutor notes", audience=Audience.IFT)
    page = helpers.article(library, title="Guidance")
    page.body.append(
        (
            "related",
            page.body.stream_block.child_blocks["related"].to_python(
                {"heading": "See also", "pages": [open_page.pk, tutors_only.pk]}
            ),
        )
    )
    page.save_revision().publish()
    client.force_login(world["t_keyworker"])
    html = client.get(page.url).content.decode()
    assert "Ecomaps" in html and "Tutor notes" not in html
    client.force_login(world["tutor"])
    assert "Tutor notes" in client.get(page.url).content.decode()


def test_each_page_view_and_download_is_recorded_once(library, world, client):
    template = helpers.document()
    page = helpers.tool(library, template=template)
    person = world["t_keyworker"]
    client.force_login(person)
    client.get(page.url)
    client.get(template.url)
    views = list(
        ResourceView.objects.filter(user=person).order_by("pk").values_list("page_id", "document_id")
    )
    assert views == [(page.pk, None), (page.pk, template.pk)]


def test_recording_a_view_is_one_insert(library, world, client, django_assert_num_queries):
    from resources import services

    page = helpers.tool(library)
    with django_assert_num_queries(1):
        services.resource_view_record(user=world["t_keyworker"], page_id=page.pk)


def test_refusals_and_listing_views_are_not_recorded_as_usage(library, world, client):
    page = helpers.tool(library, audience=Audience.PRACTITIONERS)
    client.force_login(world["t_keyworker"])
    assert client.get(page.url).status_code == 403
    assert client.get("/resources/").status_code == 200
    assert not ResourceView.objects.exists()


def test_saving_a_page_to_my_resources_and_removing_it(library, world, client):
    page = helpers.tool(library)
    person = world["t_keyworker"]
    client.force_login(person)
    response = client.post(f"/library/saved/{page.pk}/", {"action": "save", "next": "/resources/"})
    assert response.status_code == 302 and response["Location"] == "/resources/"
    # Saving twice keeps one.
    client.post(f"/library/saved/{page.pk}/", {"action": "save"})
    assert SavedResource.objects.filter(user=person, page=page).count() == 1
    listing = client.get("/library/saved/")
    assert [p.pk for p in listing.context["pages"]] == [page.pk]
    assert "Saved to My resources" in client.get(page.url).content.decode()
    response = client.post(
        f"/library/saved/{page.pk}/", {"action": "remove"}, headers={"accept": "application/json"}
    )
    assert response.json() == {"saved": False, "message": "Removed “Genograms” from My resources."}
    assert not SavedResource.objects.exists()


def test_a_page_the_person_may_not_open_cannot_be_saved(library, world, client):
    page = helpers.tool(library, audience=Audience.PRACTITIONERS)
    client.force_login(world["t_keyworker"])
    assert client.post(f"/library/saved/{page.pk}/", {"action": "save"}).status_code == 403
    assert not SavedResource.objects.exists()


def test_saving_a_page_that_does_not_exist_answers_not_found(library, world, client):
    client.force_login(world["t_keyworker"])
    for page_id in (999999, 10**20):
        assert client.post(f"/library/saved/{page_id}/", {"action": "save"}).status_code == 404


def test_an_offsite_next_address_is_ignored(library, world, client):
    page = helpers.tool(library)
    client.force_login(world["t_keyworker"])
    response = client.post(f"/library/saved/{page.pk}/", {"action": "save", "next": "https://evil.example/"})
    assert response["Location"] == page.url


def test_saved_pages_that_are_no_longer_open_to_the_person_drop_out_of_the_list(library, world, client):
    page = helpers.tool(library)
    person = world["t_keyworker"]
    client.force_login(person)
    client.post(f"/library/saved/{page.pk}/", {"action": "save"})
    page.audience = Audience.IFT
    page.save_revision().publish()
    assert client.get("/library/saved/").context["pages"] == []


def test_recently_viewed_pages_appear_on_the_home_page(library, world, client):
    first = helpers.tool(library, title="Genograms")
    second = helpers.tool(library, title="Ecomaps")
    hidden = helpers.tool(library, title="Tutor notes")
    client.force_login(world["t_keyworker"])
    for page in (first, hidden, second, first):
        client.get(page.url)
    hidden.audience = Audience.IFT
    hidden.save_revision().publish()
    html = client.get("/").content.decode()
    recent = html[html.index("Recently viewed") :]
    assert recent.index("Genograms") < recent.index("Ecomaps")
    assert "Tutor notes" not in recent


def test_a_draft_page_is_not_served(library, world, client):
    page = helpers.tool(library)
    page.unpublish()
    client.force_login(world["t_keyworker"])
    assert client.get(page.url).status_code == 404
