from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from hub import access


def hub(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hub_roles": frozenset()}
    from hub.notifications.selectors import unread_count

    return {
        "hub_roles": SimpleLazyObject(lambda: access.roles(user)),
        "hub_unread": SimpleLazyObject(lambda: unread_count(user)),
        "hub_la": SimpleLazyObject(lambda: access.home_la(user)),
        "hub_can_manage_people": SimpleLazyObject(lambda: access.can_manage_people(user)),
        "hub_is_admin": SimpleLazyObject(lambda: access.is_hub_admin(user)),
        "hub_editor_bar": SimpleLazyObject(lambda: access.shows_editor_bar(user)),
        "hub_treatment": SimpleLazyObject(lambda: access.is_ift(user) or access.arm_of(user) == "treatment"),
    }
