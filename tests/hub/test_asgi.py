"""The hub's HTTP application runs each request's middleware and view in one worker
thread, and still serves the async health check."""

from __future__ import annotations

import json
import sys
import threading

import pytest
from channels.testing import HttpCommunicator
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.utils.deprecation import MiddlewareMixin

from hub.asgi import OneThreadASGIHandler, application

SEEN: list[tuple[str, int]] = []
VIEW_STACK: list[str] = []


class SyncOnly:
    """Like the hub's own middleware: synchronous only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        SEEN.append(("sync-only middleware", threading.get_ident()))
        return self.get_response(request)


class AsyncCapable(MiddlewareMixin):
    """Like Django's and Wagtail's: able to run either way."""

    def process_request(self, request):
        SEEN.append(("async-capable middleware", threading.get_ident()))

    def process_response(self, request, response):
        SEEN.append(("async-capable middleware, response", threading.get_ident()))
        return response


def probe(request):
    SEEN.append(("view", threading.get_ident()))
    frame, VIEW_STACK[:] = sys._getframe(), []
    while frame is not None:
        if "asgiref" in frame.f_code.co_filename:
            VIEW_STACK.append(frame.f_code.co_qualname)
        frame = frame.f_back
    return HttpResponse("ok")


urlpatterns = [path("probe/", probe)]


@pytest.mark.asyncio
@override_settings(
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[f"{__name__}.AsyncCapable", f"{__name__}.SyncOnly", f"{__name__}.AsyncCapable"],
)
async def test_middleware_and_view_run_in_one_thread_off_the_event_loop():
    SEEN.clear()
    handler = OneThreadASGIHandler()
    response = await HttpCommunicator(handler, "GET", "/probe/").get_response()
    assert response["status"] == 200 and response["body"] == b"ok"
    assert [name for name, _ in SEEN] == [
        "async-capable middleware",
        "sync-only middleware",
        "async-capable middleware",
        "view",
        "async-capable middleware, response",
        "async-capable middleware, response",
    ]
    threads = {ident for _, ident in SEEN}
    assert len(threads) == 1
    assert threads != {threading.get_ident()}  # not the event loop's thread
    # One crossing from the event loop to the thread, and none back to the loop on the
    # way from the first middleware to the view (Django's own handler crosses back to
    # the loop below the sync-only middleware and out to the thread again for the view).
    assert VIEW_STACK.count("SyncToAsync.thread_handler") == 1
    assert not [name for name in VIEW_STACK if name.startswith("AsyncToSync")]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_async_health_check_answers_through_the_application():
    communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"testserver")])
    response = await communicator.get_response()
    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_what_the_server_loads_at_start_is_left_out_of_full_collections():
    # hub/asgi.py freezes the objects loaded at start (Django, Wagtail, the apps): the
    # collector's full passes no longer walk them, which stopped a process for 100-250 ms.
    import gc

    import hub.asgi  # noqa: F401

    assert gc.get_freeze_count() > 50_000
