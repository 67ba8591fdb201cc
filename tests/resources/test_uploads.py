"""Uploads: only PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG and MP4, within the size limit,
with contents that match the extension. A refusal names the reason and the limit."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.documents import get_document_model

from resources import generated, services


def office(members: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in members:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


GOOD = {
    "handout.pdf": generated.genogram_template_pdf(),
    "card.docx": generated.docx("Card", [("p", "Hello")]),
    "slides.pptx": office(["ppt/presentation.xml"]),
    "scores.xlsx": office(["xl/workbook.xml"]),
    "notes.odt": odt(),
    "diagram.png": png(),
    "photo.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 100,
    "session.mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100,
}


@pytest.mark.parametrize("filename", list(GOOD))
def test_each_allowed_type_is_accepted(filename, db):
    document = services.document_upload(title=filename, filename=filename, content=GOOD[filename])
    assert document.file_size == len(GOOD[filename])
    assert get_document_model().objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("handout.pdf", b"MZ\x90\x00 not a pdf at all", "its contents are not a PDF"),
        ("card.docx", office(["xl/workbook.xml"]), "its contents are not a Word document (DOCX)"),
        ("scores.xlsx", generated.docx("Card", [("p", "x")]), "its contents are not a Excel spreadsheet"),
        ("slides.pptx", b"PK\x03\x04 broken zip", "its contents are not a PowerPoint presentation"),
        ("notes.odt", office(["content.xml"]), "its contents are not a OpenDocument text"),
        ("diagram.png", generated.genogram_template_pdf(), "its contents are not a PNG image"),
        ("session.mp4", b"just some text pretending", "its contents are not a MP4 video"),
    ],
)
def test_contents_that_do_not_match_the_extension_are_refused(filename, content, reason, db):
    with pytest.raises(ValidationError) as refused:
        services.document_upload(title="Bad", filename=filename, content=content)
    message = " ".join(refused.value.messages)
    assert reason in message
    assert "at most 50.0\xa0MB" in message
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize("filename", ["script.exe", "notes.txt", "page.html", "noextension"])
def test_other_types_are_refused_with_the_allowed_list(filename, db):
    with pytest.raises(ValidationError) as refused:
        services.document_upload(title="Bad", filename=filename, content=b"hello")
    message = " ".join(refused.value.messages)
    assert "PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG or MP4" in message or "File extension" in message


@override_settings(RESOURCES_UPLOAD_MAX_MB=1, WAGTAILDOCS_MAX_UPLOAD_SIZE=1024 * 1024)
def test_a_file_over_the_limit_is_refused_naming_the_limit(db):
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    with pytest.raises(ValidationError) as refused:
        services.document_upload(title="Big", filename="big.pdf", content=big)
    message = " ".join(refused.value.messages)
    assert "too big" in message or "at most" in message
    assert "1.0\xa0MB" in message


def test_the_admin_upload_form_shows_the_reason_and_the_limit(library, world, client):
    client.force_login(world["content_editor"])
    response = client.post(
        "/cms/documents/add/",
        {"title": "Not really a PDF", "file": SimpleUploadedFile("handout.pdf", b"<html>hello</html>")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "its contents are not a PDF" in html
    assert "at most 50.0\xa0MB" in html or "at most 50.0&nbsp;MB" in html
    assert not get_document_model().objects.exists()
    # A real PDF goes in.
    response = client.post(
        "/cms/documents/add/",
        {"title": "Handout", "file": SimpleUploadedFile("handout.pdf", generated.genogram_template_pdf())},
    )
    assert response.status_code == 302
    assert get_document_model().objects.get().title == "Handout"


def test_the_admin_image_upload_takes_only_png_and_jpeg(library, world, client):
    client.force_login(world["content_editor"])
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    response = client.post(
        "/cms/images/add/",
        {"title": "An animation", "file": SimpleUploadedFile("moving.gif", buffer.getvalue())},
    )
    assert response.status_code == 200
    assert "Not a supported image format. Supported formats: PNG, JPG, JPEG." in response.content.decode()
