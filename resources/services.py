"""Writes of the resource library: setting it up (the index page, the delivery
lead's moderation group and workflow), publishing pages, saving pages to
"My resources", and recording views and downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from hub import access
from hub.models import Role
from hub.services import CONTENT_EDITORS_GROUP, MODERATORS_GROUP, content_editors_group
from resources.models import LibraryIndexPage, ResourcePage, ResourceView, SavedResource
from resources.models.pages import LIBRARY_SLUG

WORKFLOW_NAME = "Resource library approval"
TASK_NAME = "Delivery lead approves and publishes"

_ADMIN_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
    "wagtailimages": ["add_image", "change_image", "choose_image"],
}
#: Editors keep the library's list of topics (a snippet).
_TOPIC_PERMISSIONS = ["add_topic", "change_topic", "delete_topic", "view_topic"]
_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


# --- setting the library up ------------------------------------------------------------


@transaction.atomic
def library_setup(*, title: str = "Resource library", intro: str = "") -> LibraryIndexPage:
    """Make sure the library exists and is moderated: the index page at /resources/,
    the "Delivery lead moderators" group, the workflow in which a content editor
    submits a page and the delivery lead approves and publishes it, and both groups'
    rights to upload documents and images and to keep the topics. Safe to repeat."""
    index = library_index_ensure(title=title, intro=intro)
    library_workflow_ensure(index)
    for group in (content_editors_group(), moderators_group()):
        media_permissions_ensure(group)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="resources", codename__in=_TOPIC_PERMISSIONS)
        )
    return index


def library_index_ensure(*, title: str = "Resource library", intro: str = "") -> LibraryIndexPage:
    """The library's index page: a live child, slug "resources", of the default site's root page."""
    index = LibraryIndexPage.objects.first()
    if index is not None:
        return index
    root = _site_root_page()
    if root.get_children().filter(slug=LIBRARY_SLUG).exists():
        raise ImproperlyConfigured(
            f"Another page already uses /{LIBRARY_SLUG}/: rename it so the library can live there."
        )
    index = LibraryIndexPage(title=title, slug=LIBRARY_SLUG, intro=intro)
    root.add_child(instance=index)
    index.save_revision().publish()
    return index


def media_permissions_ensure(group: Group) -> None:
    """Wagtail decides who may upload and choose documents and images per collection,
    not by model permission: give the group those rights on the root collection."""
    root = Collection.get_first_root_node()
    for app_label in ("wagtaildocs", "wagtailimages"):
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=_ADMIN_PERMISSIONS[app_label]
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


def _site_root_page() -> Page:
    """The default site's root page. Wagtail's migrations make the page tree, its locale,
    the default site and the root collection; a database emptied since (as a
    transactional test does) gets them again here."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    tree_root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = tree_root.get_children().first()
    if home is None:
        home = tree_root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


def moderators_group() -> Group:
    """The group whose members (the delivery lead) approve and publish library pages."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    for app_label, codenames in _ADMIN_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    root = Page.get_first_root_node()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    return group


def library_workflow_ensure(index: Page) -> Workflow:
    """Content editors submit; the delivery lead moderators approve, which publishes.

    Content editors must not publish directly (Wagtail lets anyone with publish
    permission skip a workflow), so any publish permission their group still holds
    from an older set-up is removed here."""
    group = moderators_group()
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([group])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    GroupPagePermission.objects.filter(
        group__name=CONTENT_EDITORS_GROUP, permission__codename="publish_page"
    ).delete()
    return workflow


def delivery_lead_moderator_add(*, user) -> None:
    """Let a delivery lead approve and publish library pages in the Wagtail admin."""
    if not access.has_role(user, Role.DELIVERY_LEAD) and not access.is_hub_admin(user):
        raise PermissionDenied(f"{user} is not a delivery lead, so cannot moderate the library.")
    user.groups.add(moderators_group())


# --- pages ---------------------------------------------------------------------------------


def resource_page_publish(*, index: Page, page: ResourcePage, user=None) -> ResourcePage:
    """Add a page to the library and publish it (the demo data and tests; editors
    use the Wagtail admin and its workflow)."""
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=user).publish(user=user)
    return page


# --- documents -----------------------------------------------------------------------------


def document_upload(*, title: str, filename: str, content: bytes, user=None):
    """Add a document through Wagtail's own document form, so it passes the same
    checks as an editor's upload (type, size, contents matching the extension).
    Raises ValidationError with the form's messages when it is refused."""
    form_class = get_document_form(get_document_model())
    form = form_class(
        data={"title": title, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(filename, content)},
        user=user,
    )
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    document = form.save(commit=False)
    document.uploaded_by_user = user
    document.save()
    return document


# --- "My resources" -----------------------------------------------------------------------


def saved_resource_add(*, user, page: ResourcePage, request=None) -> SavedResource:
    """Save a page to the person's list. Refused when they may not open the page."""
    if not access.can_view_resource(user, page, request=request):
        raise PermissionDenied("You cannot save a page you cannot open.")
    try:
        with transaction.atomic():
            saved, _ = SavedResource.objects.get_or_create(user=user, page=page)
    except IntegrityError:  # saved at the same moment in another tab
        saved = SavedResource.objects.get(user=user, page=page)
    return saved


def saved_resource_remove(*, user, page: ResourcePage) -> None:
    SavedResource.objects.filter(user=user, page=page).delete()


# --- usage ------------------------------------------------------------------------------------


def resource_view_record(*, user, page_id: int | None = None, document_id: int | None = None) -> None:
    """Record one page view or download by a signed-in person: a single INSERT."""
    if not getattr(user, "is_authenticated", False):
        return
    ResourceView.objects.create(user_id=user.pk, page_id=page_id, document_id=document_id)
