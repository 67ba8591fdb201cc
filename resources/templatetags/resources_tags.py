from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from wagtail.images.models import SourceImageIOError

from hub import access
from resources import selectors
from resources.models.pages import LIBRARY_SLUG

register = template.Library()


@register.simple_tag
def library_url() -> str:
    return f"/{LIBRARY_SLUG}/"


@register.simple_tag
def library_in_menus(user) -> bool:
    """Whether to offer the library to this person (asking records no refusal)."""
    return access.library_in_menus(user)


@register.simple_tag
def recently_viewed(user, limit: int = 5):
    return selectors.recently_viewed(user, limit=limit)


@register.simple_tag(takes_context=True)
def visible_pages(context, pages):
    """Of these pages, those the reader may open (related links never lead to a refusal)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.visible_among(user, pages or [])


@register.filter
def numbered_steps(stream):
    """Pair each block of a steps field with its step number (None for call-outs and images)."""
    number = 0
    out = []
    for block in stream or []:
        if block.block_type == "step":
            number += 1
            out.append((number, block))
        else:
            out.append((None, block))
    return out


@register.simple_tag
def resource_image(image, spec: str, alt: str):
    """An <img> served through the library's access check rather than from /media/."""
    if image is None:
        return ""
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:  # the file has gone from storage: the page still opens
        return format_html('<span class="meta">[Image: {}]</span>', alt)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        reverse("resources_image", args=[image.pk, spec]),
        rendition.width,
        rendition.height,
        alt,
    )
