"""What the library accepts as an uploaded file: the allowed types, the size limit,
and a check that a file's contents are what its name says.

A name is easy to change, so each type is recognised by its first bytes (its
"magic number"); DOCX, PPTX and XLSX are zip files holding particular members, and
an ODT is a zip file whose first member names its type.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ZIP_MAGIC = b"PK\x03\x04"


def _zip_members(f: IO[bytes]) -> list[str] | None:
    try:
        with zipfile.ZipFile(f) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _office(member: str) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, f: IO[bytes]) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        names = _zip_members(f)
        return names is not None and "[Content_Types].xml" in names and member in names

    return check


def _odt(head: bytes, f: IO[bytes]) -> bool:
    # An OpenDocument file stores an uncompressed "mimetype" member first, so its
    # type is readable at a fixed offset (30 bytes of local header + the 8-byte name).
    return (
        head.startswith(ZIP_MAGIC)
        and head[30:38] == b"mimetype"
        and (b"application/vnd.oasis.opendocument.text" in head[38:100])
    )


def _mp4(head: bytes, f: IO[bytes]) -> bool:
    return head[4:8] == b"ftyp"


#: Allowed extension -> (what a person calls it, a check of the file's first bytes).
FILE_TYPES: dict[str, tuple[str, Callable[[bytes, IO[bytes]], bool]]] = {
    "pdf": ("PDF", lambda head, f: head.startswith(b"%PDF-")),
    "docx": ("Word document (DOCX)", _office("word/document.xml")),
    "pptx": ("PowerPoint presentation (PPTX)", _office("ppt/presentation.xml")),
    "xlsx": ("Excel spreadsheet (XLSX)", _office("xl/workbook.xml")),
    "odt": ("OpenDocument text (ODT)", _odt),
    "png": ("PNG image", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("JPEG image", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("JPEG image", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    "mp4": ("MP4 video", _mp4),
}

DOCUMENT_EXTENSIONS = list(FILE_TYPES)
IMAGE_EXTENSIONS = ["png", "jpg", "jpeg"]


def max_upload_bytes() -> int:
    return settings.RESOURCES_UPLOAD_MAX_MB * 1024 * 1024


def allowed_types_text() -> str:
    return "PDF, DOCX, PPTX, XLSX, ODT, PNG, JPEG or MP4"


def check_upload(f) -> None:
    """Refuse a file that is too big, of a type the library does not take, or whose
    contents do not match its extension. The message names the reason and the limit."""
    name = getattr(f, "name", "") or ""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    limit = max_upload_bytes()
    size = getattr(f, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(size)}; files can be at most {filesizeformat(limit)}. "
            "Make it smaller (for example, save slides as PDF or shorten the video) and upload it again.",
            code="file_too_large",
        )
    if extension not in FILE_TYPES:
        raise ValidationError(
            f"The library does not take .{extension or '?'} files. Upload a {allowed_types_text()} "
            f"file of at most {filesizeformat(limit)}.",
            code="file_type_not_allowed",
        )
    label, matches = FILE_TYPES[extension]
    position = f.tell() if hasattr(f, "tell") else 0
    try:
        f.seek(0)
        head = f.read(512)
        f.seek(0)
        ok = matches(head, f)
    finally:
        f.seek(position)
    if not ok:
        raise ValidationError(
            f"This file's name ends in .{extension} but its contents are not a {label}. "
            f"Save it again as a real {label} (or give it the right extension) and upload it; "
            f"the library takes {allowed_types_text()} files of at most {filesizeformat(limit)}.",
            code="file_contents_do_not_match",
        )
