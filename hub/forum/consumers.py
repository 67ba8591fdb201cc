"""Websockets of board and thread pages. Thin: authenticate, ask hub/access.py, join
the group, pass frames to services. Broadcasts come from hub/forum/broadcast.py."""

from __future__ import annotations

import json
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from hub import access
from hub.forum import broadcast, services
from hub.forum.models import Board, Thread

MAX_FRAME_CHARS = 4096
CLOSE_REFUSED = 4403


def _target(user, scope) -> Board | Thread | None:
    """The board or thread this socket is for, if the person may read it."""
    kwargs = scope["url_route"]["kwargs"]
    request = SimpleNamespace(path=scope.get("path", ""))
    if not access.can_view_treatment_content(user, what=access.FORUM, request=request):
        return None
    if "thread_id" in kwargs:
        obj = Thread.objects.select_related("board").filter(pk=kwargs["thread_id"]).first()
        board = obj.board if obj else None
    else:
        obj = board = Board.objects.filter(pk=kwargs["board_id"]).first()
    if obj is None or not access.can_read_forum_board(user, board, record=False):
        return None
    return obj


def _still_allowed(user_id: int, scope) -> bool:
    from hub.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and _target(user, scope) is not None


class ForumConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        target = None
        if user is not None and user.is_authenticated:
            target = await database_sync_to_async(_target)(user, self.scope)
        await self.accept()
        if target is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.group = target.group_name
        self.user_id = user.pk
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(broadcast.user_group(user.pk), self.channel_name)
        await database_sync_to_async(services.presence_join)(
            user=user, group=self.group, channel_name=self.channel_name
        )

    async def disconnect(self, code):
        await self._leave()

    async def _leave(self):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(broadcast.user_group(self.user_id), self.channel_name)
            await database_sync_to_async(services.presence_leave)(
                group=self.group, channel_name=self.channel_name
            )
            self.group = None

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None or text_data is None:
            return await self._error("Send text frames only.")
        if len(text_data) > MAX_FRAME_CHARS:
            return await self._error(f"A frame may be at most {MAX_FRAME_CHARS} characters.")
        try:
            frame = json.loads(text_data)
        except ValueError:
            return await self._error("That frame was not valid JSON.")
        if not isinstance(frame, dict):
            return await self._error("A frame must be a JSON object with a type.")
        kind = frame.get("type")
        if kind == "ping":
            # Renew the group membership too, so an open page never outlives its
            # membership (the layer forgets members after its group_expiry).
            if self.group:
                await self.channel_layer.group_add(self.group, self.channel_name)
                await self.channel_layer.group_add(broadcast.user_group(self.user_id), self.channel_name)
            await database_sync_to_async(services.presence_touch)(channel_name=self.channel_name)
            await self.send(text_data=json.dumps({"type": "pong"}))
        else:
            await self._error(f"Unknown frame type: {str(kind)[:40]}.")

    async def _error(self, message: str):
        await self.send(text_data=json.dumps({"type": "error", "message": message}))

    async def dispatch(self, message):
        # Channels runs close_old_connections in a worker thread before every handler.
        # A forum event touches no database (access.changed reads it through
        # database_sync_to_async, which closes old connections itself), and every
        # reader gets every event: skip that thread hop for them.
        if message["type"] == broadcast.EVENT_TYPE:
            return await self.forum_event(message)
        return await super().dispatch(message)

    async def forum_event(self, message):
        """Pass on a message of hub/forum/broadcast.py: its text is the finished frame,
        the same for every reader, so delivering it does no work per reader."""
        if message["kind"] == "access.changed":
            if not await database_sync_to_async(_still_allowed)(self.user_id, self.scope):
                # Leave the groups first: nothing more reaches this socket while the
                # server finishes closing it.
                await self._leave()
                await self.close(code=CLOSE_REFUSED)
            return
        await self.send(text_data=message["text"])
