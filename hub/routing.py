"""Websocket routes. Each app adds its consumers here."""

from django.urls import path  # noqa: F401

websocket_urlpatterns: list = []
