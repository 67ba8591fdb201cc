from __future__ import annotations

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from hub import access
from resources import responses, selectors, services
from resources.models import Topic


@hooks.register("before_serve_document")
def serve_document_through_the_access_policy(document, request):
    """Documents are served by Wagtail's view (WAGTAILDOCS_SERVE_METHOD = "serve_view");
    this asks hub/access.py first and records the download."""
    uses = selectors.uses_of(document)
    user = request.user
    if not access.can_download_document(user, [audience for _, audience in uses], request=request):
        return responses.refused(request)
    audiences = access.resource_audiences(user)
    page_id = next((pk for pk, audience in uses if audience in audiences), None)
    services.resource_view_record(user=user, page_id=page_id, document_id=document.pk)
    return None


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = "Library topics"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(TopicViewSet)
