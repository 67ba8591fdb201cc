"""The demo library for `make run`: the index at /resources/, topics, the systemic
tools, the five-day CPD's materials, guidance, pages for each audience, their
downloadable files, and a little usage history. Safe to run again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex
from wagtail.search import index as search_index

from hub.models import Role, User
from resources import library_content, services
from resources.models import (
    ArticlePage,
    ResourcePage,
    ResourceView,
    SavedResource,
    SystemicToolPage,
    Topic,
    TrainingMaterialPage,
)

INTRO = (
    "<p>Training materials and systemic tools for keyworkers, champions and practitioners: "
    "what each tool is, when to use it with a family, how to do it, and templates to download.</p>"
)


def seed(demo) -> None:
    index = services.library_setup(title="Resource library", intro=INTRO)
    topics = {key: Topic.objects.get_or_create(name=name)[0] for key, name in library_content.TOPICS.items()}
    documents = _documents()
    created: dict[str, tuple[ResourcePage, dict]] = {}
    for spec in library_content.all_pages():
        if ResourcePage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = _build(spec, documents)
        page.topics.set([topics[key] for key in spec.get("topics", [])])
        services.resource_page_publish(index=index, page=page)
        created[spec["slug"]] = (page, spec)
    _add_related(created)
    for page, _spec in created.values():
        # The task worker would do both shortly; do them now so search and downloads
        # work the moment `make run` starts serving.
        fresh = page.specific_class.objects.get(pk=page.pk)
        search_index.insert_or_update_object(fresh)
        ReferenceIndex.create_or_update_for_object(fresh)
    lead = User.objects.filter(email="delivery.lead@ift.example").first()
    if lead is not None:
        services.delivery_lead_moderator_add(user=lead)
    _usage(demo)


def _documents() -> dict[str, int]:
    Document = get_document_model()
    ids = {}
    for key, (title, filename, content) in library_content.documents().items():
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = services.document_upload(title=title, filename=filename, content=content)
        ids[key] = document.pk
    return ids


def _resolve(stream: list[dict], documents: dict[str, int]) -> list[dict]:
    """Swap document keys for ids; related-page blocks wait until every page exists."""
    out = []
    for block in stream:
        if block["type"] == "related":
            continue
        if block["type"] == "download":
            block = {**block, "value": {**block["value"], "document": documents[block["value"]["document"]]}}
        out.append(block)
    return out


def _build(spec: dict, documents: dict[str, int]) -> ResourcePage:
    common = {
        "title": spec["title"],
        "slug": spec["slug"],
        "summary": spec["summary"],
        "audience": spec.get("audience", "treatment"),
    }
    if spec["type"] == "tool":
        what_it_is = spec["what_it_is"]
        when_to_use = spec["when_to_use"] + ([spec["extra_callout"]] if "extra_callout" in spec else [])
        worked = spec["worked_example"] + ([spec["extra_try_this"]] if "extra_try_this" in spec else [])
        return SystemicToolPage(
            **common,
            what_it_is=_resolve(what_it_is, documents),
            when_to_use=_resolve(when_to_use, documents),
            steps=spec["steps"],
            worked_example=_resolve(worked, documents),
            templates=_resolve(spec["templates"], documents),
        )
    if spec["type"] == "training":
        return TrainingMaterialPage(
            **common,
            course_code=spec["course"],
            day_number=spec["day"],
            pre_reading=_resolve(spec["pre_reading"], documents),
            session=_resolve(spec["session"], documents),
            follow_up=_resolve(spec["follow_up"], documents),
        )
    return ArticlePage(**common, kind=spec["kind"], body=_resolve(spec["body"], documents))


def _related_block(slugs: list[str], heading: str) -> dict | None:
    ids = list(ResourcePage.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    by_slug = dict(ids)
    pages = [by_slug[s] for s in slugs if s in by_slug]
    if not pages:
        return None
    return {"type": "related", "value": {"heading": heading, "pages": pages}}


def _append(stream, raw: dict) -> None:
    block = stream.stream_block.child_blocks[raw["type"]]
    stream.append((raw["type"], block.to_python(raw["value"])))


def _add_related(created: dict[str, tuple[ResourcePage, dict]]) -> None:
    """Second pass: link pages to each other now that they all exist."""
    for page, spec in created.values():
        changed = False
        page = page.specific_class.objects.get(pk=page.pk)
        # Related links written inside a field (the CPD days' pre-reading).
        for field in ("pre_reading", "body"):
            for block in spec.get(field, []):
                if block["type"] == "related":
                    made = _related_block(block["value"]["pages"], block["value"]["heading"])
                    if made:
                        _append(getattr(page, field), made)
                        changed = True
        if spec.get("related"):
            made = _related_block(spec["related"], "Related resources")
            if made:
                field = "worked_example" if spec["type"] == "tool" else "body"
                _append(getattr(page, field), made)
                changed = True
        if changed:
            page.save_revision().publish()


def _usage(demo) -> None:
    """A little history: treatment keyworkers' views over the last two months, and a
    few saved pages for the demo keyworker, so recent lists and the dashboard have data."""
    if ResourceView.objects.exists():
        return
    pages = list(ResourcePage.objects.live().filter(audience="treatment").values_list("pk", flat=True))
    if not pages:
        return
    now = timezone.now()
    views = []
    keyworkers = User.objects.filter(
        memberships__role=Role.KEYWORKER,
        memberships__organisation__in=demo.treatment,
        memberships__ended_at__isnull=True,
    ).order_by("pk")
    for person in keyworkers:
        for _ in range(demo.rng.randint(0, 6)):
            views.append(
                ResourceView(
                    user=person,
                    page_id=demo.rng.choice(pages),
                    at=now - dt.timedelta(days=demo.rng.randint(0, 60), minutes=demo.rng.randint(0, 600)),
                )
            )
    ResourceView.objects.bulk_create(views)
    person = User.objects.filter(email="keyworker1@ashdown.example").first()
    if person is not None:
        for slug in ("genograms", "circular-questions"):
            page = ResourcePage.objects.filter(slug=slug).first()
            if page is not None:
                SavedResource.objects.get_or_create(user=person, page=page)
