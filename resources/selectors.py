"""Reads of the resource library. Everything a person is shown goes through
`visible_resources`, so listings, search results, saved and recent lists hold only
pages hub/access.py lets them open."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, QuerySet, prefetch_related_objects
from wagtail.models import Page, ReferenceIndex

from hub import access
from resources import caching
from resources.models import (
    Course,
    Kind,
    LibraryIndexPage,
    ResourcePage,
    ResourceView,
    SavedResource,
    Topic,
    TrainingMaterialPage,
)

MAX_QUERY_LENGTH = 200


def visible_resources(user, audiences: frozenset[str] | None = None) -> QuerySet[ResourcePage]:
    """Live resource pages this person may open (no refusal is recorded by asking).
    Pass `audiences` when already known, to ask the policy once per request."""
    if audiences is None:
        audiences = access.resource_audiences(user)
    return ResourcePage.objects.live().filter(audience__in=sorted(audiences))


def library_index() -> LibraryIndexPage | None:
    return LibraryIndexPage.objects.live().first()


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    topic: str = ""
    kind: str = ""
    course: str = ""
    day: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> LibraryFilters:
        # Double quotes and control characters mean nothing to a plain search, and
        # SQLite's full-text search refuses an unbalanced quote outright.
        typed = "".join(c for c in (params.get("q") or "") if c != '"' and (c.isprintable() or c.isspace()))
        q = " ".join(typed.split())[:MAX_QUERY_LENGTH]
        kind = params.get("kind") or ""
        course, day = "", None
        course_day = params.get("day") or ""
        if "-" in course_day:
            code, _, number = course_day.rpartition("-")
            if code in Course.values and number.isascii() and number.isdigit():
                course, day = code, int(number)
        return cls(
            q=q,
            topic=(params.get("topic") or "")[:80],
            kind=kind if kind in Kind.values else "",
            course=course,
            day=day,
        )

    @property
    def course_day(self) -> str:
        return f"{self.course}-{self.day}" if self.course and self.day else ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.topic or self.kind or self.course)

    def querystring(self) -> str:
        """The filters as a query string, for pagination links."""
        pairs = {"q": self.q, "topic": self.topic, "kind": self.kind, "day": self.course_day}
        return urlencode({k: v for k, v in pairs.items() if v})


def library_listing(user, *, index: Page, params: Mapping[str, str], per_page: int | None = None) -> dict:
    """One page of the library for this person: the pages they may open under the
    index, filtered by topic, kind and course day, searched when there is a query.
    What it shows is the same for everyone with the same audiences, so it is kept in
    the cache (resources/caching.py) and only whether each page is saved is asked per
    person. The number of queries does not grow with the number of pages."""
    filters = LibraryFilters.from_params(params)
    audiences = access.resource_audiences(user)
    per_page = per_page or LibraryIndexPage.per_page
    key = caching.listing_key(
        caching.library_version(),
        audiences,
        f"{index.pk}?{filters.querystring()}",
        str(params.get("page") or 1)[:12],
        per_page,
    )
    shared = cache.get(key)
    if shared is None:
        shared = _shared_listing(user, audiences, index, filters, params.get("page"), per_page)
        cache.set(key, shared, caching.LISTING_TIMEOUT)
    items = shared["results"]
    saved = saved_page_ids(user, [p.pk for p in items])
    for item in items:
        item.is_saved = item.pk in saved
    paginator = Paginator(range(shared["count"]), per_page)
    page_obj = paginator.page(shared["number"])
    page_obj.object_list = items
    return {
        "filters": filters,
        "results": items,
        "page_obj": page_obj,
        "querystring": filters.querystring(),
        "topic_options": shared["topic_options"],
        "kind_options": Kind.choices,
        "day_options": shared["day_options"],
    }


def _shared_listing(user, audiences, index: Page, filters: LibraryFilters, page, per_page: int) -> dict:
    pages = visible_resources(user, audiences).child_of(index)
    if filters.kind:
        pages = pages.filter(kind=filters.kind)
    # Topic and course day live in other tables; Wagtail search filters only on the
    # page's own indexed fields, so they become a filter on ids.
    narrowed = ResourcePage.objects.all()
    if filters.topic:
        narrowed = narrowed.filter(topics__slug=filters.topic)
    if filters.course:
        narrowed = narrowed.filter(
            trainingmaterialpage__course_code=filters.course, trainingmaterialpage__day_number=filters.day
        )
    if filters.topic or filters.course:
        pages = pages.filter(id__in=list(narrowed.values_list("pk", flat=True)))
    if filters.q:
        results = pages.search(filters.q, operator="and")
    else:
        results = pages.order_by("title")
    paginator = Paginator(results, per_page)
    try:
        page_obj = paginator.page(page or 1)
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    items = list(page_obj.object_list)
    prefetch_related_objects(items, "topics", "trainingmaterialpage")
    for item in items:
        item.training = _training_of(item)
    return {
        "results": items,
        "count": paginator.count,
        "number": page_obj.number,
        "topic_options": topic_options(user, audiences),
        "day_options": course_day_options(user, audiences),
    }


def _training_of(page: ResourcePage) -> TrainingMaterialPage | None:
    try:
        return page.trainingmaterialpage
    except TrainingMaterialPage.DoesNotExist:
        return None


def topic_options(user, audiences: frozenset[str] | None = None) -> list[Topic]:
    """Topics that have at least one page this person may open."""
    pages = visible_resources(user, audiences)
    return list(Topic.objects.filter(pages__in=pages).distinct().order_by("name"))


def course_day_options(user, audiences: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(value, label) for each course day with material this person may open."""
    if audiences is None:
        audiences = access.resource_audiences(user)
    rows = (
        TrainingMaterialPage.objects.live()
        .filter(audience__in=sorted(audiences))
        .values_list("course_code", "day_number")
        .distinct()
    )
    order = {code: n for n, code in enumerate(Course.values)}
    return [
        (f"{code}-{day}", f"{Course(code).label}, day {day}")
        for code, day in sorted(set(rows), key=lambda r: (order.get(r[0], 99), r[1]))
    ]


# --- one person's lists -----------------------------------------------------------


def saved_page_ids(user, page_ids: Iterable[int]) -> set[int]:
    ids = list(page_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(SavedResource.objects.filter(user=user, page_id__in=ids).values_list("page_id", flat=True))


def is_saved(user, page: Page) -> bool:
    return bool(saved_page_ids(user, [page.pk]))


def saved_resources(user) -> list[ResourcePage]:
    """The pages this person saved that they may still open, most recently saved first."""
    if not getattr(user, "is_authenticated", False):
        return []
    saved = SavedResource.objects.filter(user=user, page__in=visible_resources(user)).order_by("-saved_at")
    pages = [s.page for s in saved.select_related("page")]
    prefetch_related_objects(pages, "topics", "trainingmaterialpage")
    for page in pages:
        page.is_saved = True
        page.training = _training_of(page)
    return pages


def recently_viewed(user, *, limit: int = 5) -> list[ResourcePage]:
    """The last pages this person opened that they may still open (two queries)."""
    if not getattr(user, "is_authenticated", False) or not access.library_in_menus(user):
        return []
    latest = (
        ResourceView.objects.filter(user=user, page__isnull=False, document__isnull=True)
        .values("page")
        .annotate(last=Max("at"))
        .order_by("-last")[: limit * 3]
    )
    order = {row["page"]: n for n, row in enumerate(latest)}
    pages = visible_resources(user).filter(pk__in=list(order))
    return sorted(pages, key=lambda p: order[p.pk])[:limit]


def visible_among(user, pages: Iterable[Page]) -> list[ResourcePage]:
    """Those of `pages` this person may open, in the given order (for related links)."""
    ids = [p.pk for p in pages if p is not None]
    if not ids:
        return []
    found = {p.pk: p for p in visible_resources(user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


# --- documents and images ------------------------------------------------------------


def uses_of(obj) -> list[tuple[int, str]]:
    """(page id, audience) of each live resource page, and live library index, that
    uses this document or image, from Wagtail's reference index (kept up to date when
    pages are saved)."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    if not ids:
        return []
    uses = list(ResourcePage.objects.live().filter(pk__in=ids).order_by("pk").values_list("pk", "audience"))
    # The library's own introduction is read by everyone who may open the library.
    uses += [
        (pk, access.AUDIENCE_EVERYONE)
        for pk in LibraryIndexPage.objects.live()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    return uses
