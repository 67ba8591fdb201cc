"""The forum's one way out to open pages. Services call these functions inside
`transaction.on_commit`, so a reader never hears of a post that was rolled back; a
message lost while Redis is down is fetched again by the page when it reconnects.

On Redis, messages are handed to one sender per process (a thread with its own event
loop) and the caller returns at once: a request that posts does not wait for the layer,
nor for the server's event loop, which may be busy writing to hundreds of sockets. The
sender sends in the order it was handed the messages, as soon as the post is committed:
open pages do not wait for the posting request's response. Each event is turned into
JSON once here, not once per reader by every consumer."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.cache import cache

log = logging.getLogger("hub.forum")

EVENT_TYPE = "forum.event"
_pending: set[asyncio.Task] = set()


def user_group(user_id: int) -> str:
    return f"forum.user.{user_id}"


def layer_message(event: dict) -> dict:
    """What goes through the layer: the frame's text, ready to send, and its type."""
    return {"type": EVENT_TYPE, "kind": event["type"], "text": json.dumps(event, separators=(",", ":"))}


class _Sender:
    """A daemon thread running an event loop that sends queued messages one by one."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._pid: int | None = None

    def put(self, layer, group: str, message: dict) -> None:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._start()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (layer, group, message))

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(loop)
            self._queue = asyncio.Queue()
            loop.create_task(self._drain())
            loop.call_soon(ready.set)
            loop.run_forever()

        threading.Thread(target=run, name="forum-broadcast", daemon=True).start()
        ready.wait()
        self._loop, self._pid = loop, os.getpid()

    async def _drain(self) -> None:
        while True:
            layer, group, message = await self._queue.get()
            try:
                await layer.group_send(group, message)
            except Exception:  # a down layer delays delivery; pages backfill on reconnect
                log.exception("Could not broadcast %s to %s", message.get("kind"), group)


_sender = _Sender()


def _send(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = layer_message(event)
    if not isinstance(layer, InMemoryChannelLayer):
        _sender.put(layer, group, message)
        return
    # The in-memory layer (one process, tests) belongs to the loop serving the
    # consumers: send there.
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is None:
            async_to_sync(layer.group_send)(group, message)
        else:
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


PRESENCE_WINDOW = 1  # seconds: at most one "N people reading" count per group in this time


def _presence_keys(group: str) -> tuple[str, str]:
    return f"forum.presence.sent.{group}", f"forum.presence.due.{group}"


def presence(group: str, count: int) -> None:
    """Send the count at once unless one went out for this group within the window (in
    any process: the mark is in the shared cache). Otherwise make sure one later count
    follows when the window has passed, read afresh then, so the count ends right while
    a crowd joining or leaving costs a few broadcasts rather than one per person."""
    sent_key, due_key = _presence_keys(group)
    if cache.add(sent_key, 1, timeout=PRESENCE_WINDOW):
        _send(group, {"type": "presence", "count": count})
    elif cache.add(due_key, 1, timeout=PRESENCE_WINDOW + 5):
        _schedule(_presence_later(group))


def _schedule(coroutine) -> None:
    """Run `coroutine` as a task on the event loop serving this code: the running loop,
    or, from a thread of `database_sync_to_async`, the loop of the consumer that called."""

    def start():
        # A fresh context: the caller's may belong to a `database_sync_to_async` call
        # that has finished by the time this task reads the database.
        task = asyncio.get_running_loop().create_task(coroutine, context=contextvars.Context())
        _pending.add(task)
        task.add_done_callback(_pending.discard)

    async def start_there():
        start()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(start_there)()
    else:
        start()


async def _presence_later(group: str) -> None:
    from channels.db import database_sync_to_async

    from hub.forum.selectors import presence_count

    sent_key, due_key = _presence_keys(group)
    try:
        await asyncio.sleep(PRESENCE_WINDOW)
        # Clear the mark before counting: a change after this point schedules again.
        await cache.adelete(due_key)
        count = await database_sync_to_async(presence_count)(group)
        await cache.aset(sent_key, 1, timeout=PRESENCE_WINDOW)
        _send(group, {"type": "presence", "count": count})
    except Exception:  # a down layer or cache: the next join or leave sends a count
        log.exception("Could not send the presence count to %s", group)


def access_changed(user_id: int) -> None:
    """Ask every open forum socket of this person to check their access again."""
    _send(user_group(user_id), {"type": "access.changed"})
