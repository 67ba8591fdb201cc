"""Which Wagtail site answers a request, kept in the shared cache.

Wagtail looks the site up with a query for every request that shows a page of the
library or a link to one (the query ranks every site against the request's host and
port). Sites change about never, so the answer is kept under a version that any save
or deletion of a site moves on (and every `migrate`), and put where Wagtail looks
first (`request._wagtail_site`) before the views that need it run."""

from __future__ import annotations

import hashlib

from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.utils.module_loading import import_string
from wagtail.models import Site

from hub.cache import kept, move_on, renew_on_migrate

VERSION_KEY = "resources:sites-version"
#: The longest a lookup is kept even if no site changes (seconds).
SITE_TIMEOUT = 600


def site_for_request(request) -> Site | None:
    """What `Site.find_for_request` answers, from the cache when it can."""
    if not hasattr(request, "_wagtail_site"):
        # Kept per host and port, as Wagtail reads them (ALLOWED_HOSTS was checked earlier);
        # the lookup itself is Wagtail's.
        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        where = hashlib.sha256(f"{hostname}:{port}".encode()).hexdigest()[:32]
        request._wagtail_site = kept(
            f"resources:site:{where}", (VERSION_KEY,), lambda: Site._find_for_request(request), SITE_TIMEOUT
        )
    return request._wagtail_site


def sites_changed(**_kwargs) -> None:
    move_on(VERSION_KEY)


def connect(app_config) -> None:
    for signal in (post_save, post_delete):
        signal.connect(sites_changed, sender=Site, dispatch_uid=f"resources-sites-{signal}")
    renew_on_migrate(app_config, VERSION_KEY, "the kept Wagtail site lookups")


#: The views that need the site: Wagtail's page view, and the home page's links to the
#: library pages a person read last.
SITE_VIEWS = ("wagtail.views.serve", "hub.views.home")


class KnownSiteMiddleware:
    """Looks the site up through the cache before a view that needs it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {import_string(path) for path in SITE_VIEWS}

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func in self.views:
            site_for_request(request)
