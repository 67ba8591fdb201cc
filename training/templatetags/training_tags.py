from __future__ import annotations

from django import template

from hub import access

register = template.Library()


@register.simple_tag
def training_in_menu(user) -> bool:
    return access.training_in_menu(user)


@register.inclusion_tag("training/includes/home_card.html")
def training_home_card(user):
    if not access.training_in_menu(user):
        return {"show": False}
    from training import selectors

    return {
        "show": True,
        "progress": selectors.progress_by_course(user),
        "can_manage": access.can_manage_training(user),
    }
