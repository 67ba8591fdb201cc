"""Websocket routes. Each app adds its consumers here."""

from django.urls import path

from hub.forum.consumers import ForumConsumer

websocket_urlpatterns: list = [
    path("ws/forum/boards/<int:board_id>/", ForumConsumer.as_asgi()),
    path("ws/forum/threads/<int:thread_id>/", ForumConsumer.as_asgi()),
]
