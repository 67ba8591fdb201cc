"""Editing in the Wagtail admin at /cms/: a content editor drafts and submits a page,
the delivery lead approves, which publishes it; revisions are kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Revision, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from resources import services
from resources.models import ArticlePage
from tests.factories import make_user


@pytest.fixture
def delivery_lead(world):
    lead = world["delivery_lead"]
    services.delivery_lead_moderator_add(user=lead)
    return lead


def _add_form(client, library, **fields):
    """The admin's add form for an article, as the browser would post it, filled in."""
    url = reverse("wagtailadmin_pages:add", args=["resources", "articlepage", library.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(
        nested_form_data(
            {
                "title": "Working with grandparents",
                "slug": "working-with-grandparents",
                "summary": "How to include grandparents who bring up children.",
                "audience": "treatment",
                "kind": "reading",
                "body": streamfield(
                    [("text", rich_text("<p>Grandparents often hold the family story.</p>"))]
                ),
                **fields,
            }
        )
    )
    return url, data


def test_a_content_editor_submits_and_the_delivery_lead_approves_and_publishes(
    library, world, delivery_lead, client
):
    editor = world["content_editor"]
    client.force_login(editor)
    url, data = _add_form(client, library)
    data["action-submit"] = "Submit to Resource library approval"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ArticlePage.objects.get(slug="working-with-grandparents")
    assert not page.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == services.WORKFLOW_NAME

    # Keyworkers cannot see the draft.
    client.force_login(world["t_keyworker"])
    assert client.get("/resources/working-with-grandparents/").status_code == 404

    # The delivery lead sees it waiting and approves it.
    client.force_login(delivery_lead)
    assert "Working with grandparents" in client.get(reverse("wagtailadmin_home")).content.decode()
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": "Clear and useful."},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert page.live_revision.user == editor  # the editor's revision is the one published
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() >= 1

    client.force_login(world["t_keyworker"])
    response = client.get("/resources/working-with-grandparents/")
    assert response.status_code == 200
    assert "Grandparents often hold the family story." in response.content.decode()


def test_a_content_editor_cannot_publish_directly_or_approve(library, world, delivery_lead, client):
    editor = world["content_editor"]
    client.force_login(editor)
    url, data = _add_form(client, library)
    data["action-publish"] = "Publish"
    client.post(url, data)
    page = ArticlePage.objects.get(slug="working-with-grandparents")
    assert not page.live  # saved as a draft at most

    del data["action-publish"]
    data["action-submit"] = "Submit"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    state = WorkflowState.objects.get(object_id=str(page.pk))
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.current_task_state.pk])
    )
    # Wagtail turns the editor away (back to the admin's dashboard) and nothing changes.
    assert response.status_code == 302
    page.refresh_from_db()
    state.refresh_from_db()
    assert not page.live
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_the_delivery_lead_can_reject_with_a_comment_and_the_page_stays_unpublished(
    library, world, delivery_lead, client
):
    client.force_login(world["content_editor"])
    url, data = _add_form(client, library)
    data["action-submit"] = "Submit"
    client.post(url, data)
    page = ArticlePage.objects.get(slug="working-with-grandparents")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    client.force_login(delivery_lead)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", state.current_task_state.pk]),
        {"comment": "Please add an example."},
    )
    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not page.live


def test_keyworkers_never_reach_the_admin(library, world, client):
    client.force_login(world["t_keyworker"])
    response = client.get("/cms/")
    assert response.status_code == 302
    assert "/cms/" not in response["Location"] or "login" in response["Location"]
    assert client.get(reverse("wagtailadmin_pages:edit", args=[library.pk])).status_code == 302


def test_a_delivery_lead_outside_the_moderators_group_cannot_use_the_admin(library, world, client):
    client.force_login(world["delivery_lead"])
    assert client.get("/cms/").status_code == 302


def test_only_delivery_leads_join_the_moderators_group(world):
    with pytest.raises(Exception, match="not a delivery lead"):
        services.delivery_lead_moderator_add(user=world["t_keyworker"])
    lead = make_user("delivery_lead", world.ift)
    services.delivery_lead_moderator_add(user=lead)
    assert lead.groups.filter(name=services.MODERATORS_GROUP).exists()


def test_setting_the_library_up_twice_changes_nothing(library):
    from wagtail.models import GroupApprovalTask, Workflow

    again = services.library_setup()
    assert again.pk == library.pk
    assert Workflow.objects.filter(name=services.WORKFLOW_NAME).count() == 1
    assert GroupApprovalTask.objects.filter(name=services.TASK_NAME).count() == 1
    assert library.get_workflow().name == services.WORKFLOW_NAME


def test_the_library_sets_itself_up_on_a_database_without_a_page_tree(db):
    """As after a transactional test empties every table, Wagtail's migrated pages too."""
    from wagtail.models import Collection, Locale, Page, Site

    Site.objects.all().delete()
    Page.objects.all().delete()
    Collection.objects.all().delete()
    Locale.objects.all().delete()
    index = services.library_setup()
    assert index.url == "/resources/"
    assert Collection.get_first_root_node() is not None


@pytest.mark.parametrize("model", ["trainingmaterialpage", "systemictoolpage", "articlepage"])
def test_editors_get_the_admin_form_for_every_page_type(model, library, world, client):
    client.force_login(world["content_editor"])
    response = client.get(reverse("wagtailadmin_pages:add", args=["resources", model, library.pk]))
    assert response.status_code == 200
    assert 'name="audience"' in response.content.decode()


def test_editors_keep_the_list_of_topics(library, world, client):
    client.force_login(world["content_editor"])
    response = client.post(reverse("wagtailsnippets_resources_topic:add"), {"name": "Working with schools"})
    assert response.status_code == 302
    from resources.models import Topic

    assert Topic.objects.get().slug == "working-with-schools"


def test_a_topic_whose_name_makes_the_same_web_address_as_another_is_refused_in_plain_english(
    library, world, client
):
    from resources.models import Topic

    client.force_login(world["content_editor"])
    client.post(reverse("wagtailsnippets_resources_topic:add"), {"name": "Working with schools"})
    response = client.post(reverse("wagtailsnippets_resources_topic:add"), {"name": "Working with schools."})
    assert response.status_code == 200
    assert "There is already a topic called “Working with schools”" in response.content.decode()
    response = client.post(reverse("wagtailsnippets_resources_topic:add"), {"name": "???"})
    assert response.status_code == 200
    assert "Give the topic a name with letters or numbers in it." in response.content.decode()
    assert list(Topic.objects.values_list("name", flat=True)) == ["Working with schools"]


def test_a_delivery_lead_whose_role_ends_leaves_the_admin(library, world, delivery_lead, client):
    from hub import services as hub_services

    client.force_login(delivery_lead)
    assert client.get("/cms/").status_code == 200
    hub_services.membership_end(actor=None, membership=delivery_lead.memberships.get())
    assert client.get("/cms/").status_code == 302
    assert client.get(reverse("wagtailadmin_pages:edit", args=[library.pk])).status_code == 302
    assert not delivery_lead.groups.filter(name=services.MODERATORS_GROUP).exists()


def test_page_privacy_in_the_admin_is_a_shared_password_only(library, world, delivery_lead, client):
    """Who may open a page is its audience (hub/access.py). A "signed-in people" or
    "these groups" restriction on top would send a signed-in reader outside the groups
    to sign in, which sends them straight back, round and round."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from tests.resources import helpers

    page = helpers.tool(library)
    moderators = Group.objects.get(name=services.MODERATORS_GROUP)
    client.force_login(delivery_lead)
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    client.post(url, {"restriction_type": "groups", "groups": [moderators.pk]})
    client.post(url, {"restriction_type": "login"})
    assert not PageViewRestriction.objects.exists()
    client.force_login(world["t_keyworker"])
    assert client.get(page.url).status_code == 200

    client.force_login(delivery_lead)
    client.post(url, {"restriction_type": "password", "password": "family-tree"})
    client.force_login(world["t_keyworker"])
    assert 'name="password"' in client.get(page.url).content.decode()


def test_editors_see_their_images_in_the_admin_and_only_the_pages_readers_see_them_elsewhere(
    library, world, client
):
    import re

    from hub.models import AccessRefusal
    from tests.resources import helpers

    picture = helpers.image()
    helpers.tool(library, picture=picture)
    unused = helpers.image(title="Not on any page")
    client.force_login(world["content_editor"])
    html = client.get(reverse("wagtailimages:index")).content.decode()
    thumbnails = re.findall(r'src="(/media/images/[^"]+)"', html)
    assert len(thumbnails) == 2
    for src in thumbnails:
        response = client.get(src)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
    used = picture.get_rendition("max-165x165").url
    other = unused.get_rendition("max-165x165").url
    client.force_login(world["t_keyworker"])
    assert client.get(used).status_code == 200
    assert client.get(other).status_code == 403
    client.force_login(world["c_keyworker"])
    assert client.get(used).status_code == 403
    assert AccessRefusal.objects.filter(user=world["c_keyworker"]).exists()
    client.logout()
    assert "/accounts/login/" in client.get(used)["Location"]
    assert client.get("/media/images/no-such-file.png").status_code == 302
