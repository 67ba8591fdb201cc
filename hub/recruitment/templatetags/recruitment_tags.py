from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:"data-word-limit"`: a dict entry whose key is not a valid name."""
    return mapping.get(key) if hasattr(mapping, "get") else None
