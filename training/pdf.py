"""A tiny PDF writer: one A4 landscape page of text lines in Helvetica, with a correct
cross-reference table. Enough for certificates, with no extra dependency."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 842, 595  # A4 landscape, in points


@dataclass
class Line:
    text: str
    size: int = 14
    bold: bool = False
    gap: int = 10  # extra space above the line, in points


def _escape(text: str) -> bytes:
    """A PDF literal string in WinAnsi (Latin-1 with a few substitutions)."""
    text = (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
    )
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_width(text: str, size: int) -> float:
    # Helvetica averages about half an em per character; good enough to centre a line.
    return len(text) * size * 0.5


def render(lines: list[Line], *, title: str = "") -> bytes:
    """A one-page PDF with the lines centred from the top, and a simple border."""
    ops = [b"0.11 0.31 0.43 RG 4 w 24 24 794 547 re S"]
    y = HEIGHT - 90
    for line in lines:
        y -= line.size + line.gap
        x = max(40, (WIDTH - _text_width(line.text, line.size)) / 2)
        font = b"/F2" if line.bold else b"/F1"
        ops.append(
            b"BT " + font + b" %d Tf %.1f %.1f Td (" % (line.size, x, y) + _escape(line.text) + b") Tj ET"
        )
    stream = b"\n".join(ops)
    info = b"<< /Title (" + _escape(title) + b") /Producer (Systemic Practice Hub) >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (WIDTH, HEIGHT)
        + b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def certificate_pdf(
    *, heading: str, name: str, course: str, statement: str, details: list[str], number: str, verify_url: str
) -> bytes:
    lines = [
        Line("Systemic Practice Hub", 14, gap=0),
        Line(heading, 30, bold=True, gap=24),
        Line("This is to certify that", 14, gap=30),
        Line(name, 26, bold=True, gap=16),
        Line(statement, 14, gap=18),
        Line(course, 18, bold=True, gap=10),
        *[Line(d, 13, gap=8) for d in details],
        Line(f"Certificate number {number}", 11, gap=30),
        Line(f"Check it at {verify_url}", 11, gap=6),
    ]
    return render(lines, title=f"{heading}: {name}")
