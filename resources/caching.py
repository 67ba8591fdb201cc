"""The library's shared cache: what a listing shows is the same for everyone with the
same audiences, filters and page number, so it is kept in the cache (Redis when
REDIS_URL is set) under a content version. Any change to what the library holds
(publishing, unpublishing, moving or deleting a page, changing a topic or a page's
privacy) moves the version on, so no listing, and no page kept for its path
(resources/sites.py), outlives the content it was made from."""

from __future__ import annotations

import hashlib

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from hub.cache import move_on, versions

VERSION_KEY = "resources:library-version"
#: A listing is kept at most this long even if nothing changes (seconds).
LISTING_TIMEOUT = 600


def library_version() -> int:
    return versions(VERSION_KEY)[0][0]


def library_changed(**_kwargs) -> None:
    """Move the version on now and again once the change is committed, so a listing
    read between the two is not kept."""
    move_on(VERSION_KEY)


def _page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        library_changed()


def listing_key(version: int, audiences: frozenset[str], querystring: str, page: str, per_page: int) -> str:
    who = ",".join(sorted(audiences)) or "-"
    what = hashlib.sha256(f"{per_page}:{page}:{querystring}".encode()).hexdigest()[:32]
    return f"resources:listing:{version}:{who}:{what}"


def connect() -> None:
    from wagtail.models import PageViewRestriction

    from resources.models import Topic

    page_published.connect(library_changed, dispatch_uid="resources-cache-published")
    page_unpublished.connect(library_changed, dispatch_uid="resources-cache-unpublished")
    post_page_move.connect(library_changed, dispatch_uid="resources-cache-moved")
    post_delete.connect(_page_deleted, dispatch_uid="resources-cache-deleted")
    for signal in (post_save, post_delete):
        signal.connect(library_changed, sender=Topic, dispatch_uid=f"resources-cache-topic-{signal}")
        # Page privacy: the pages kept for their paths (resources/sites.py) know whether
        # any restriction applies to them.
        signal.connect(
            library_changed, sender=PageViewRestriction, dispatch_uid=f"resources-cache-restriction-{signal}"
        )
