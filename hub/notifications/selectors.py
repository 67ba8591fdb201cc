from __future__ import annotations

from django.db.models import QuerySet

from hub.cache import kept, move_on
from hub.models import User
from hub.notifications.models import Notification

#: How long a person's unread count is kept at most (every change renews it at once).
UNREAD_TIMEOUT = 300


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    """How many of the person's notifications are unread. Every signed-in page shows it,
    so it is kept in the shared cache until one of their notifications is added or read
    (`unread_changed`)."""
    return kept(
        _unread_key(user.pk),
        (_unread_version(user.pk),),
        lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
        UNREAD_TIMEOUT,
    )


def unread_changed(user_id: int) -> None:
    """A person's notifications changed: no page shows the count kept before."""
    move_on(_unread_version(user_id), forget=(_unread_key(user_id),))


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _unread_version(user_id: int) -> str:
    return f"notifications:unread-version:{user_id}"
