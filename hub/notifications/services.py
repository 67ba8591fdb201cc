from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hub import access
from hub.models import User
from hub.notifications.models import Notification
from hub.notifications.selectors import unread_changed


def notify(user: User, *, title: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    """Store an in-app notification and, once the transaction commits, queue an email
    (never to a switched-off account)."""
    with transaction.atomic():
        note = Notification.objects.create(user=user, title=title[:200], body=body, url=url)
        unread_changed(user.pk)
        if email and access.gets_email(user):
            link = f"\n\n{settings.SITE_URL}{url}" if url.startswith("/") else ""
            transaction.on_commit(lambda: _queue_email(user.email, title, body + link))
    return note


def _queue_email(to: str, subject: str, body: str) -> None:
    from hub.notifications.tasks import send_email

    send_email.enqueue(to=to, subject=subject, body=body)


def notification_mark_read(*, user: User, notification_id: int | None = None, upto: int | None = None) -> int:
    """Mark one of the person's notifications read, or all of them when no id is given
    (with `upto`, only those up to that one: the ones the person had on screen)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    if upto is not None:
        qs = qs.filter(pk__lte=upto)
    marked = qs.update(read_at=timezone.now())
    if marked:
        unread_changed(user.pk)
    return marked
