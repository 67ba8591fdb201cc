from __future__ import annotations

from django import template
from django.utils.html import format_html

from hub import access

register = template.Library()


@register.simple_tag(takes_context=True)
def champion_badge(context, person) -> str:
    """A "Champion" badge beside a person's name. The set of current champions is read
    once per request, so a list of names costs one query."""
    request = context.get("request")
    ids = getattr(request, "_champion_ids", None) if request is not None else None
    if ids is None:
        from champions.selectors import champion_ids

        ids = champion_ids()
        if request is not None:
            request._champion_ids = ids
    if getattr(person, "pk", None) in ids:
        return format_html('<span class="badge champion-badge">{}</span>', "Systemic champion")
    return ""


@register.simple_tag
def champions_in_menu(user) -> bool:
    return access.champions_in_menu(user)
