"""Which Wagtail site, and which of its pages, answer a request, kept in the shared cache.

Wagtail looks the site up with a query for every request that shows a page of the
library or a link to one (the query ranks every site against the request's host and
port). Sites change about never, so the answer is kept under a version that any save
or deletion of a site moves on (and every `migrate`), and put where Wagtail looks
first (`request._wagtail_site`) before the views that need it run.

Wagtail then finds the page for the path by walking down from the site's root, two
queries a level, and asks which view restrictions (page privacy) apply to it, two more.
Which page answers a path changes only when a page is published, unpublished, moved
or deleted, and its restrictions when one is added, changed or removed; each moves the
library's version on (resources/caching.py). So the page found is kept under both
versions, with whether any restriction applies, and put where Wagtail looks first
(`request._wagtail_route_for_request`)."""

from __future__ import annotations

import hashlib

from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from hub.cache import kept, move_on, renew_on_migrate
from resources import caching

VERSION_KEY = "resources:sites-version"
#: The longest a lookup is kept even if no site changes (seconds).
SITE_TIMEOUT = 600
#: The longest a page found for a path is kept even if no page changes (seconds).
ROUTE_TIMEOUT = 600


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


def route_for_request(request, path: str) -> RouteResult | None:
    """What `Page.route_for_request` answers, from the cache when it can. Kept per site
    and path while no site and no page of the library changes; a path that no page
    answers is looked up each time (it is not kept, so odd paths fill no cache)."""
    if not hasattr(request, "_wagtail_route_for_request"):
        site = site_for_request(request)
        if site is None:
            return None

        def find():
            found = Page.route_for_request(request, path)
            if found is None:
                return None
            # Kept with the page: whether any view restriction applies to it (see
            # resources/models/pages.py).
            found.page.has_no_view_restrictions = not found.page.get_view_restrictions().exists()
            return (found.page, found.args, found.kwargs)

        # Per language too: with Wagtail's localisation on, the page depends on it.
        where = hashlib.sha256(f"{get_language()}:{path}".encode()).hexdigest()[:32]
        found = kept(
            f"resources:route:{site.pk}:{where}",
            (VERSION_KEY, caching.VERSION_KEY),
            find,
            ROUTE_TIMEOUT,
            keep=lambda value: value is not None,
        )
        request._wagtail_route_for_request = None if found is None else RouteResult(*found)
    return request._wagtail_route_for_request


def sites_changed(**_kwargs) -> None:
    move_on(VERSION_KEY)


def connect(app_config) -> None:
    for signal in (post_save, post_delete):
        signal.connect(sites_changed, sender=Site, dispatch_uid=f"resources-sites-{signal}")
    renew_on_migrate(app_config, VERSION_KEY, "the kept Wagtail site lookups")


#: Wagtail's page view: the site and the page for the path are looked up before it.
PAGE_VIEW = "wagtail.views.serve"
#: The other views that need the site: the home page links to the library pages a
#: person read last.
SITE_VIEWS = ("hub.views.home",)


class KnownSiteMiddleware:
    """Looks the site, and the page for Wagtail's page view, up through the cache
    before a view that needs them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {import_string(path) for path in SITE_VIEWS}
        self.page_view = import_string(PAGE_VIEW)

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is self.page_view:
            route_for_request(request, view_args[0] if view_args else view_kwargs["path"])
        elif view_func in self.views:
            site_for_request(request)
