"""Small real files made in code for the demo library: one-page PDFs (with simple
drawings) and plain DOCX documents. No template is copied from anywhere."""

from __future__ import annotations

import io
import math
import zipfile
from xml.sax.saxutils import escape

# --- PDF -----------------------------------------------------------------------------------

A4 = (595, 842)


class PdfPage:
    """A one-page PDF drawn with a few operators: text, lines, boxes and circles."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    @staticmethod
    def _text(value: str) -> str:
        value = value.encode("latin-1", "replace").decode("latin-1")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    def text(self, x: float, y: float, value: str, *, size: float = 11, bold: bool = False) -> PdfPage:
        font = "F2" if bold else "F1"
        self.ops.append(f"BT /{font} {size} Tf {x:.1f} {y:.1f} Td ({self._text(value)}) Tj ET")
        return self

    def paragraph(self, x: float, y: float, value: str, *, size: float = 11, width: int = 90) -> float:
        """Write wrapped text; returns the y below it."""
        line = ""
        for word in value.split():
            if len(line) + len(word) + 1 > width:
                self.text(x, y, line, size=size)
                y -= size * 1.4
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            self.text(x, y, line, size=size)
            y -= size * 1.4
        return y

    def line(
        self, x1: float, y1: float, x2: float, y2: float, *, dash: str = "", width: float = 1
    ) -> PdfPage:
        pattern = f"[{dash}] 0 d" if dash else "[] 0 d"
        self.ops.append(f"{width} w {pattern} {x1:.1f} {y1:.1f} m {x2:.1f} {y2:.1f} l S")
        return self

    def box(self, x: float, y: float, w: float, h: float, *, width: float = 1) -> PdfPage:
        self.ops.append(f"{width} w [] 0 d {x:.1f} {y:.1f} {w:.1f} {h:.1f} re S")
        return self

    def circle(self, cx: float, cy: float, r: float, *, width: float = 1) -> PdfPage:
        k = 0.5523 * r  # control-point distance for a Bézier quarter circle
        self.ops.append(
            f"{width} w [] 0 d {cx + r:.1f} {cy:.1f} m "
            f"{cx + r:.1f} {cy + k:.1f} {cx + k:.1f} {cy + r:.1f} {cx:.1f} {cy + r:.1f} c "
            f"{cx - k:.1f} {cy + r:.1f} {cx - r:.1f} {cy + k:.1f} {cx - r:.1f} {cy:.1f} c "
            f"{cx - r:.1f} {cy - k:.1f} {cx - k:.1f} {cy - r:.1f} {cx:.1f} {cy - r:.1f} c "
            f"{cx + k:.1f} {cy - r:.1f} {cx + r:.1f} {cy - k:.1f} {cx + r:.1f} {cy:.1f} c S"
        )
        return self

    def to_bytes(self, title: str) -> bytes:
        content = "\n".join(self.ops).encode("latin-1")
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] "
                "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
            ).encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            f"<< /Title ({self._text(title)}) /Producer (Systemic Practice Hub) >>".encode("latin-1"),
        ]
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref)
        )
        return out.getvalue()


def _header(page: PdfPage, title: str, subtitle: str) -> float:
    page.text(50, 790, title, size=20, bold=True)
    page.text(50, 768, subtitle, size=10)
    page.line(50, 758, 545, 758)
    return 735


def _footer(page: PdfPage) -> None:
    page.text(
        50,
        40,
        "Systemic Practice Hub - Supporting Families Programme systemic practice pilot. Free to copy for your work.",
        size=8,
    )


def genogram_template_pdf() -> bytes:
    page = PdfPage()
    y = _header(
        page, "Genogram template", "Draw the family with them, in their words, with their permission."
    )
    page.text(50, y, "Key", size=12, bold=True)
    y -= 30
    page.box(50, y - 8, 18, 18)
    page.text(75, y - 3, "male", size=10)
    page.circle(139, y + 1, 9)
    page.text(154, y - 3, "female", size=10)
    page.circle(229, y + 1, 9)
    page.box(220, y - 8, 18, 18)
    page.text(244, y - 3, "another gender or not stated", size=10)
    page.box(410, y - 8, 18, 18)
    page.line(410, y - 8, 428, y + 10)
    page.line(410, y + 10, 428, y - 8)
    page.text(434, y - 3, "has died", size=10)
    y -= 34
    page.line(50, y, 110, y)
    page.text(116, y - 3, "married or together", size=10)
    page.line(230, y, 290, y)
    page.line(255, y - 7, 262, y + 7)
    page.text(296, y - 3, "separated", size=10)
    page.line(375, y, 435, y)
    page.line(398, y - 7, 405, y + 7)
    page.line(404, y - 7, 411, y + 7)
    page.text(441, y - 3, "divorced", size=10)
    y -= 26
    page.line(50, y, 110, y, dash="4 3")
    page.text(116, y - 3, "living together, not married", size=10)
    page.box(300, y - 14, 110, 26)
    page.text(306, y - 5, "household (draw round)", size=9)
    y -= 26
    page.paragraph(
        50,
        y,
        "Children go below their parents, oldest on the left. Write names and ages inside or beside each "
        "symbol. Add dates, and short words about relationships, in the family's own words.",
        size=10,
    )
    page.box(50, 120, 495, y - 150)
    page.text(58, y - 45, "Family:", size=10, bold=True)
    page.text(300, y - 45, "Date drawn:", size=10, bold=True)
    page.text(58, 128, "Drawn with (who was there):", size=10, bold=True)
    _footer(page)
    return page.to_bytes("Genogram template")


ECOMAP_CIRCLES = [
    "School or nursery",
    "Health",
    "Work or benefits",
    "Friends",
    "Extended family",
    "Faith or community",
    "Other services",
    "Leisure and clubs",
]


def ecomap_template_pdf() -> bytes:
    page = PdfPage()
    y = _header(page, "Ecomap template", "The family in the middle; the people and places around them.")
    page.text(50, y, "Lines", size=12, bold=True)
    page.line(100, y + 4, 160, y + 4, width=3)
    page.text(166, y, "strong", size=10)
    page.line(220, y + 4, 280, y + 4, dash="4 3")
    page.text(286, y, "weak or patchy", size=10)
    page.line(380, y + 4, 440, y + 4)
    for x in range(384, 440, 8):
        page.line(x, y, x + 4, y + 8)
    page.text(446, y, "stressful", size=10)
    cx, cy = 297, 400
    page.circle(cx, cy, 60, width=2)
    page.text(cx - 20, cy - 4, "Family", size=12, bold=True)
    for n, label in enumerate(ECOMAP_CIRCLES):
        angle = math.pi / 2 - n * (2 * math.pi / len(ECOMAP_CIRCLES))
        x, yy = cx + 200 * math.cos(angle), cy + 230 * math.sin(angle)
        page.circle(x, yy, 45)
        page.text(x - len(label) * 2.4, yy - 3, label, size=8)
    page.text(50, 95, "Arrows show which way energy or support flows.", size=10)
    _footer(page)
    return page.to_bytes("Ecomap template")


def handout_pdf(title: str, subtitle: str, points: list[str]) -> bytes:
    page = PdfPage()
    y = _header(page, title, subtitle)
    for point in points:
        page.text(50, y, "-", size=11)
        y = page.paragraph(62, y, point, size=11, width=85) - 8
    _footer(page)
    return page.to_bytes(title)


# --- DOCX ----------------------------------------------------------------------------------

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>{title}</dc:title><dc:creator>Systemic Practice Hub</dc:creator>
</cp:coreProperties>"""


def _run(text: str, *, bold: bool = False, size: int = 22) -> str:
    props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def docx(title: str, blocks: list[tuple[str, str]]) -> bytes:
    """A Word document from (kind, text) pairs: kind is "h" (heading), "p"
    (paragraph), "q" (a question with space to write) or "line" (a blank line to fill in)."""
    body = [f"<w:p>{_run(title, bold=True, size=36)}</w:p>"]
    for kind, text in blocks:
        if kind == "h":
            body.append(
                f'<w:p><w:pPr><w:spacing w:before="240"/></w:pPr>{_run(text, bold=True, size=28)}</w:p>'
            )
        elif kind == "q":
            body.append(f"<w:p>{_run(text, bold=True)}</w:p>")
            body.append("<w:p/><w:p/><w:p/>")
        elif kind == "line":
            body.append(f"<w:p>{_run(text + ' ' + '_' * max(10, 60 - len(text)))}</w:p>")
        else:
            body.append(f"<w:p>{_run(text)}</w:p>")
    body.append(
        f"<w:p>{_run('Systemic Practice Hub. Free to copy for your work with families.', size=16)}</w:p>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(body)}<w:sectPr/></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("docProps/core.xml", _CORE.format(title=escape(title)))
        archive.writestr("word/document.xml", document)
    return out.getvalue()
