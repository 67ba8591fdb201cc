"""A reply posted over HTTP goes out to open pages as soon as it is committed, through
the hub's real ASGI application (hub/asgi.py): the pages do not wait for the posting
request's response."""

from __future__ import annotations

import asyncio
import json
import urllib.parse

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from hub.asgi import application
from hub.forum import services
from hub.forum.models import Post

from .test_consumers import _next, _open, _thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _session_key(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _http_scope(path: str, session_key: str, csrf: str) -> dict:
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"cookie", cookie.encode()),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"accept", b"application/json"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def test_open_pages_hear_a_reply_once_committed_not_after_its_answer(world, boards):
    thread = await database_sync_to_async(_thread)(world, boards)
    reader = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    assert (await _next(reader, "presence"))["count"] == 1

    csrf = "c" * 32
    session_key = await database_sync_to_async(_session_key)(world["t_practitioner"])
    body = urllib.parse.urlencode({"body": "Answered first", "csrfmiddlewaretoken": csrf}).encode()
    requested = [{"type": "http.request", "body": body, "more_body": False}]
    disconnected = asyncio.Event()

    async def receive():
        if requested:
            return requested.pop()
        await disconnected.wait()  # the client stays connected until the end
        return {"type": "http.disconnect"}

    sent: list[dict] = []
    heard_before_answer: list[bool] = []

    async def send(message):
        if message["type"] == "http.response.start":
            # The reply is committed and its answer is about to go out: the open page
            # has been told already.
            heard_before_answer.append(not await reader.receive_nothing(timeout=0.3))
        sent.append(message)

    await application(_http_scope(f"/forum/threads/{thread.pk}/reply/", session_key, csrf), receive, send)

    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 201
    answer = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert answer["post"]["html"] == "<p>Answered first</p>"
    assert heard_before_answer == [True]
    frame = await _next(reader, "post.created")
    assert frame["post"]["id"] == answer["post"]["id"]
    assert await database_sync_to_async(Post.objects.filter(pk=frame["post"]["id"]).exists)()
    await reader.disconnect()


async def test_broadcasts_outside_a_request_still_go_at_once(world, boards):
    thread = await database_sync_to_async(_thread)(world, boards)
    reader = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    await _next(reader, "presence")
    post = await database_sync_to_async(services.post_create)(
        user=world["t_practitioner"], thread=thread, body="From a task, not a request"
    )
    assert (await _next(reader, "post.created"))["post"]["id"] == post.pk
    await reader.disconnect()
