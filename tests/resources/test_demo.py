"""The demo library: every page the issue asks for, real downloadable files, and
safe to load twice."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from wagtail.documents import get_document_model

from hub.demo import Demo
from hub.models import Pilot
from resources import demo as resources_demo
from resources.models import ResourcePage, ResourceView, SystemicToolPage, TrainingMaterialPage
from tests.factories import make_user


@pytest.fixture
def seeded(world):
    lead = make_user("delivery_lead", world.ift, email="delivery.lead@ift.example")
    demo = Demo(pilot=Pilot.current(), treatment=[world.treatment], control=[world.control], ift=world.ift)
    resources_demo.seed(demo)
    return demo, lead


def test_the_demo_library_has_what_the_issue_asks_for(seeded, world, client):
    _demo, lead = seeded
    tools = set(SystemicToolPage.objects.live().values_list("slug", flat=True))
    assert tools == {
        "genograms",
        "ecomaps",
        "circular-questions",
        "social-ggrraaacceeesss",
        "hypothesising",
        "reflecting-teams",
        "cmm-hierarchy-of-contexts",
        "domains-model",
        "safe-uncertainty",
        "score-15",
    }
    days = TrainingMaterialPage.objects.filter(course_code="cpd5").values_list("day_number", flat=True)
    assert sorted(days) == [1, 2, 3, 4, 5]
    score = SystemicToolPage.objects.get(slug="score-15")
    text = score.when_to_use.render_as_block()
    assert "SDQ" in text and "Maslach" in text and "licence" in text
    questions = SystemicToolPage.objects.get(slug="circular-questions").what_it_is.render_as_block()
    for kind in ("Lineal questions", "Circular questions", "Strategic questions", "Reflexive questions"):
        assert kind in questions
    assert {"practitioners", "ift", "champions", "everyone"} <= set(
        ResourcePage.objects.values_list("audience", flat=True)
    )
    assert lead.groups.filter(name="Delivery lead moderators").exists()

    # The files are real PDFs and Word documents.
    documents = get_document_model().objects.all()
    assert documents.count() == 10
    for document in documents:
        with document.open_file() as f:
            content = f.read()
        if document.file_extension == "pdf":
            first_words = document.title.split(",")[0]
            assert PdfReader(io.BytesIO(content)).pages[0].extract_text().startswith(first_words)
        else:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                assert "word/document.xml" in archive.namelist()

    # The genogram tool offers its template, and a keyworker can download it.
    client.force_login(world["t_keyworker"])
    page = SystemicToolPage.objects.get(slug="genograms")
    html = client.get(page.url).content.decode()
    template = get_document_model().objects.get(title="Genogram template")
    assert f'href="{template.url}"' in html
    response = client.get(template.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_loading_the_demo_twice_adds_nothing(seeded):
    demo, _lead = seeded
    counts = (
        ResourcePage.objects.count(),
        get_document_model().objects.count(),
        ResourceView.objects.count(),
    )
    resources_demo.seed(demo)
    assert (
        ResourcePage.objects.count(),
        get_document_model().objects.count(),
        ResourceView.objects.count(),
    ) == counts
