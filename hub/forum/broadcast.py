"""The forum's one way out to open pages. Services call these functions inside
`transaction.on_commit`, so a reader never hears of a post that was rolled back; a
message lost while Redis is down is fetched again by the page when it reconnects."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger("hub.forum")

EVENT_TYPE = "forum.event"
_pending: set[asyncio.Task] = set()


def user_group(user_id: int) -> str:
    return f"forum.user.{user_id}"


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": EVENT_TYPE, "event": event}
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is None:
            async_to_sync(layer.group_send)(group, message)
        else:
            # Called from code running on an event loop (a service awaited directly):
            # send on that loop instead of blocking it.
            task = loop.create_task(layer.group_send(group, message))
            _pending.add(task)
            task.add_done_callback(_pending.discard)
    except Exception:  # a down layer delays delivery; pages backfill on reconnect
        log.exception("Could not broadcast %s to %s", event.get("type"), group)


def post_payload(post) -> dict:
    from hub.forum.selectors import post_json

    return post_json(post)


def post_created(post) -> None:
    payload = post_payload(post)
    _send(post.thread.group_name, {"type": "post.created", "post": payload})
    _send(
        post.thread.board.group_name,
        {
            "type": "thread.updated",
            "thread": {
                "id": post.thread_id,
                "title": post.thread.title,
                "url": post.thread.get_absolute_url(),
                "post_count": post.thread.post_count,
                "last_post_id": post.pk,
                "is_new": post.thread.post_count == 1,
            },
        },
    )


def post_changed(post) -> None:
    """An edit, a removal by its author, or a moderator's hide or restore."""
    if post.hidden_at is not None:
        _send(post.thread.group_name, {"type": "post.hidden", "id": post.pk})
    else:
        _send(post.thread.group_name, {"type": "post.updated", "post": post_payload(post)})


def thread_changed(thread) -> None:
    event = {
        "type": "thread.changed",
        "id": thread.pk,
        "is_locked": thread.is_locked,
        "is_pinned": thread.is_pinned,
    }
    _send(thread.group_name, event)
    _send(thread.board.group_name, event)


def presence(group: str, count: int) -> None:
    _send(group, {"type": "presence", "count": count})


def access_changed(user_id: int) -> None:
    """Ask every open forum socket of this person to check their access again."""
    _send(user_group(user_id), {"type": "access.changed"})
