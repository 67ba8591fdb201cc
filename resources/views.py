"""The library's own views at /library/ (the pages themselves are Wagtail's, at /resources/)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.images import get_image_model

from hub import access
from resources import responses, selectors, services
from resources.models import ResourcePage

#: The image sizes pages may ask for (each is made once, then served from storage).
IMAGE_SPECS = frozenset({"width-400", "width-800"})


@access.require(access.can_open_library)
def saved_list(request):
    return render(
        request,
        "resources/saved_list.html",
        {"pages": selectors.saved_resources(request.user), "index": selectors.library_index()},
    )


@access.require(access.can_open_library)
@require_POST
def saved_toggle(request, page_id: int):
    """Save a page to, or remove it from, "My resources". Answers JSON to the page's
    script, and redirects back (with a message) when the form is posted without it."""
    # By the page's own id (not its link to Wagtail's page row), which Django checks is
    # in range rather than handing the database a number too large for it.
    page = get_object_or_404(ResourcePage.objects.live(), id=page_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.POST.get("action") == "remove":
        # Only pages the person may open are listed with a remove button; answering
        # for any other page would tell its title.
        if not selectors.visible_resources(request.user).filter(pk=page.pk).exists():
            raise Http404
        services.saved_resource_remove(user=request.user, page=page)
        saved, message = False, f"Removed “{page.title}” from My resources."
    else:
        try:
            services.saved_resource_add(user=request.user, page=page, request=request)
        except PermissionDenied:
            return responses.refused(request, page=page)
        saved, message = True, f"Saved “{page.title}” to My resources."
    if wants_json:
        return JsonResponse({"saved": saved, "message": message})
    messages.success(request, message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = page.get_url(request)
    return redirect(target)


@access.require(access.can_open_library)
def image_serve(request, image_id: int, spec: str):
    """An image used on library pages, for people who may open one of those pages."""
    if spec not in IMAGE_SPECS:
        raise Http404
    image = get_object_or_404(get_image_model(), pk=image_id)
    return _image_response(request, image, lambda: image.get_rendition(spec))


@access.require(access.can_open_library)
def rendition_serve(request, name: str):
    """A size of an image already made (the Wagtail admin's thumbnails and previews), at
    the address Wagtail gives it under MEDIA_URL, for the same people as `image_serve`."""
    rendition = get_object_or_404(
        get_image_model().get_rendition_model().objects.select_related("image"), file=f"images/{name}"
    )
    return _image_response(request, rendition.image, lambda: rendition)


def _image_response(request, image, rendition):
    audiences = [audience for _, audience in selectors.uses_of(image)]
    if not access.can_download_document(request.user, audiences, request=request):
        return responses.refused(request)
    try:
        made = rendition()
        content_type = mimetypes.guess_type(made.file.name)[0] or "application/octet-stream"
        response = FileResponse(made.file.open("rb"), content_type=content_type)
    except OSError:  # the image's file has gone from storage (SourceImageIOError is one)
        raise Http404 from None
    response["Cache-Control"] = "private, max-age=3600"
    return response
