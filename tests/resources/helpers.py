"""Builders for the resource library's tests, going through resources/services.py."""

from __future__ import annotations

import io

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from resources import generated, services
from resources.models import (
    ArticlePage,
    Audience,
    Course,
    Kind,
    LibraryIndexPage,
    SystemicToolPage,
    TrainingMaterialPage,
)


def library() -> LibraryIndexPage:
    return services.library_setup()


def document(title: str = "Genogram template", filename: str = "genogram-template.pdf"):
    return services.document_upload(title=title, filename=filename, content=generated.genogram_template_pdf())


def image(title: str = "A genogram"):
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (29, 79, 110)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name="genogram.png"))


def text(html: str) -> dict:
    return {"type": "text", "value": html}


def _download(doc) -> dict:
    return {"type": "download", "value": {"document": doc.pk, "title": "", "description": ""}}


def tool(
    index: LibraryIndexPage,
    *,
    title: str = "Genograms",
    slug: str | None = None,
    audience: str = Audience.TREATMENT,
    summary: str = "A family tree that shows relationships.",
    body: str = "<p>Draw the family over three generations with them.</p>",
    template=None,
    picture=None,
    topics=(),
) -> SystemicToolPage:
    steps = [{"type": "step", "value": {"heading": "Explain and ask", "text": "<p>Ask permission.</p>"}}]
    if picture is not None:
        steps.append(
            {"type": "image", "value": {"image": picture.pk, "alt_text": "A genogram", "caption": ""}}
        )
    page = SystemicToolPage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        summary=summary,
        audience=audience,
        what_it_is=[text(body)],
        when_to_use=[text("<p>Early on, to get to know the family.</p>")],
        steps=steps,
        templates=[_download(template)] if template is not None else [],
    )
    page.topics.set(list(topics))
    return services.resource_page_publish(index=index, page=page)


def training(
    index: LibraryIndexPage,
    *,
    course: str = Course.CPD5,
    day: int = 1,
    audience: str = Audience.TREATMENT,
    title: str | None = None,
    template=None,
    body: str = "<p>The day's key points.</p>",
) -> TrainingMaterialPage:
    title = title or f"{Course(course).label}, day {day}"
    session = [text(body)]
    if template is not None:
        session.append(_download(template))
    page = TrainingMaterialPage(
        title=title,
        slug=f"{course}-day-{day}-{audience}",
        summary=f"Material for {title}.",
        audience=audience,
        course_code=course,
        day_number=day,
        session=session,
    )
    return services.resource_page_publish(index=index, page=page)


def article(
    index: LibraryIndexPage,
    *,
    title: str = "Guidance",
    audience: str = Audience.TREATMENT,
    kind: str = Kind.READING,
    body: str = "<p>Some guidance.</p>",
    slug: str | None = None,
    template=None,
) -> ArticlePage:
    blocks = [text(body)]
    if template is not None:
        blocks.append(_download(template))
    page = ArticlePage(
        title=title,
        slug=slug or title.lower().replace(" ", "-").replace(":", ""),
        summary=f"About {title.lower()}.",
        audience=audience,
        kind=kind,
        body=blocks,
    )
    return services.resource_page_publish(index=index, page=page)


def one_of_each_audience(index: LibraryIndexPage, template=None, *, documents=None, body: str = "") -> dict:
    """A page for every audience. The treatment one is a tool offering `template`;
    `documents` (audience -> document) puts a download on each page; `body` adds
    the same words to every page, for searching."""
    documents = dict(documents or {})
    if template is not None:
        documents.setdefault(Audience.TREATMENT, template)
    extra = f"<p>{body}</p>" if body else ""
    return {
        Audience.TREATMENT: tool(
            index,
            title="Genograms",
            template=documents.get(Audience.TREATMENT),
            body="<p>Draw the family over three generations with them.</p>" + extra,
        ),
        Audience.CHAMPIONS: training(
            index,
            course=Course.CHAMPIONS,
            day=1,
            audience=Audience.CHAMPIONS,
            template=documents.get(Audience.CHAMPIONS),
            body="<p>The champion's role.</p>" + extra,
        ),
        Audience.PRACTITIONERS: article(
            index,
            title="Running reflective sessions",
            audience=Audience.PRACTITIONERS,
            template=documents.get(Audience.PRACTITIONERS),
            body="<p>A structure for the session.</p>" + extra,
        ),
        Audience.IFT: article(
            index,
            title="Tutor notes",
            audience=Audience.IFT,
            template=documents.get(Audience.IFT),
            body="<p>What each day covers.</p>" + extra,
        ),
        Audience.EVERYONE: training(
            index,
            course=Course.POSTPILOT,
            day=1,
            audience=Audience.EVERYONE,
            template=documents.get(Audience.EVERYONE),
            body="<p>An introduction.</p>" + extra,
        ),
    }
