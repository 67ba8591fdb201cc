"""The hub's one ASGI application: HTTP (with the project's static files) and websockets."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
django.setup(set_prefix=False)

from asgiref.sync import sync_to_async  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.base import BaseHandler  # noqa: E402

from hub.routing import websocket_urlpatterns  # noqa: E402


class OneThreadASGIHandler(ASGIHandler):
    """Django's ASGI handler, running each request's middleware and view in one worker
    thread, start to finish.

    The hub's middleware and views are synchronous. Django's handler loads the
    middleware for async use, so a request crosses between the event loop and a worker
    thread at every boundary between async-capable and sync-only middleware and again
    around the view; each crossing back waits for the event loop, which may be busy
    writing a forum post to hundreds of open pages. Here the whole chain runs in one
    crossing. Async views (the health check) still work: Django runs them from the
    thread on the server's event loop."""

    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


django_http = OneThreadASGIHandler()

application = ProtocolTypeRouter(
    {
        "http": ASGIStaticFilesHandler(django_http),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything loaded by now (Django, Wagtail, the apps, the URL conf) lives as long as the
# process. Leave it out of the garbage collector's full passes, which would otherwise
# walk all of it (about 170,000 objects) and stop the process for 100-250 ms each time,
# measured here: every open page of this process waits that long.
gc.freeze()
