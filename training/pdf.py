"""A tiny PDF writer: one A4 landscape page of text lines, with a correct
cross-reference table. Enough for certificates, with no extra dependency.

Lines that WinAnsi (Windows-1252) can show are set in Helvetica, which every PDF reader
has. A line it cannot show ("Łucja Żak", "Ярослава") is set in DejaVu Sans, kept in
training/fonts/ (free licence, see LICENSE there) and embedded in the PDF with the
glyph-to-Unicode map, so the name is drawn and can be searched and copied."""

from __future__ import annotations

import struct
import unicodedata
import zlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

WIDTH, HEIGHT = 842, 595  # A4 landscape, in points
FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass
class Line:
    text: str
    size: int = 14
    bold: bool = False
    gap: int = 10  # extra space above the line, in points


_TYPOGRAPHY = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def _winansi(text: str) -> bytes | None:
    """The text in WinAnsi (Latin-1 with a few substitutions), or None when it has
    characters WinAnsi cannot hold."""
    try:
        return text.translate(_TYPOGRAPHY).encode("cp1252")
    except UnicodeEncodeError:
        return None


def _escape(text: str) -> bytes:
    """A PDF literal string in WinAnsi; characters it cannot hold become "?"."""
    raw = _winansi(text)
    if raw is None:
        raw = text.translate(_TYPOGRAPHY).encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _text_string(text: str) -> bytes:
    """A PDF text string (for the document title): WinAnsi when it fits, else UTF-16."""
    if _winansi(text) is not None:
        return b"(" + _escape(text) + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class TrueType:
    """What the PDF needs from a TrueType font file: its bytes, glyph widths (in
    thousandths of the type size), the Unicode-to-glyph map and a few metrics."""

    name: str
    data: bytes
    widths: list[int]
    glyphs: dict[int, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    used: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> TrueType:
        data = path.read_bytes()
        (count,) = struct.unpack(">H", data[4:6])
        tables = {}
        for i in range(count):
            tag, _, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
            tables[tag.decode("latin-1")] = data[offset : offset + length]
        head, hhea, hmtx = tables["head"], tables["hhea"], tables["hmtx"]
        (units,) = struct.unpack(">H", head[18:20])
        bbox = struct.unpack(">4h", head[36:44])
        ascent, descent = struct.unpack(">hh", hhea[4:8])
        (metrics,) = struct.unpack(">H", hhea[34:36])
        (glyph_count,) = struct.unpack(">H", tables["maxp"][4:6])
        advances = [struct.unpack(">H", hmtx[4 * i : 4 * i + 2])[0] for i in range(metrics)]
        advances += [advances[-1]] * (glyph_count - metrics)
        os2 = tables.get("OS/2", b"")
        cap = struct.unpack(">h", os2[88:90])[0] if len(os2) >= 90 else ascent

        def scale(v: int) -> int:
            return round(v * 1000 / units)

        return cls(
            name=path.stem.replace("-", ""),
            data=data,
            widths=[scale(a) for a in advances],
            glyphs=_cmap(tables["cmap"]),
            bbox=tuple(scale(v) for v in bbox),
            ascent=scale(ascent),
            descent=scale(descent),
            cap_height=scale(cap),
        )

    def encode(self, text: str) -> bytes:
        """The text as two-byte glyph numbers (a hex string), noting the glyphs used."""
        out = []
        for ch in text:
            gid = self.glyphs.get(ord(ch), 0)
            self.used.setdefault(gid, ch)
            out.append(b"%04X" % gid)
        return b"<" + b"".join(out) + b">"

    def width(self, text: str, size: int) -> float:
        return sum(self.widths[self.glyphs.get(ord(ch), 0)] for ch in text) * size / 1000

    def objects(self, first: int) -> list[bytes]:
        """The five PDF objects of the font, numbered from `first` (the Type0 font)."""
        used = sorted(self.used)
        widths = b" ".join(b"%d [%d]" % (g, self.widths[g]) for g in used)
        cmap = _to_unicode({g: self.used[g] for g in used if g})
        font = zlib.compress(self.data, 9)
        return [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H " % self.name.encode()
            + b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (first + 1, first + 4),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s " % self.name.encode()
            + b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            + b"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [%s] >>" % (first + 2, widths),
            b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] "
            % (self.name.encode(), *self.bbox)
            + b"/ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
            % (self.ascent, self.descent, self.cap_height, first + 3),
            b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (len(font), len(self.data))
            + font
            + b"\nendstream",
            b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        ]


def _cmap(table: bytes) -> dict[int, int]:
    """{code point: glyph} from the font's Unicode cmap subtable (format 12 or 4)."""
    (count,) = struct.unpack(">H", table[2:4])
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", table[4 + 8 * i : 12 + 8 * i])
        subtables[(platform, encoding)] = offset
    glyphs: dict[int, int] = {}
    if (3, 10) in subtables:
        at = subtables[(3, 10)]
        (groups,) = struct.unpack(">I", table[at + 12 : at + 16])
        for i in range(groups):
            start, end, gid = struct.unpack(">III", table[at + 16 + 12 * i : at + 28 + 12 * i])
            for code in range(start, end + 1):
                glyphs[code] = gid + code - start
        return glyphs
    at = subtables[(3, 1)]
    (seg2,) = struct.unpack(">H", table[at + 6 : at + 8])
    ends_at = at + 14
    starts_at = ends_at + seg2 + 2
    deltas_at = starts_at + seg2
    ranges_at = deltas_at + seg2
    for i in range(seg2 // 2):
        (end,) = struct.unpack(">H", table[ends_at + 2 * i : ends_at + 2 * i + 2])
        (start,) = struct.unpack(">H", table[starts_at + 2 * i : starts_at + 2 * i + 2])
        (delta,) = struct.unpack(">h", table[deltas_at + 2 * i : deltas_at + 2 * i + 2])
        (range_offset,) = struct.unpack(">H", table[ranges_at + 2 * i : ranges_at + 2 * i + 2])
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                gid = (code + delta) & 0xFFFF
            else:
                where = ranges_at + 2 * i + range_offset + 2 * (code - start)
                (gid,) = struct.unpack(">H", table[where : where + 2])
                gid = (gid + delta) & 0xFFFF if gid else 0
            if gid:
                glyphs[code] = gid
    return glyphs


def _to_unicode(chars: dict[int, str]) -> bytes:
    """A ToUnicode CMap from glyph numbers back to the characters they stand for."""
    entries = [b"<%04X> <%s>" % (g, ch.encode("utf-16-be").hex().upper().encode()) for g, ch in chars.items()]
    blocks = [
        b"%d beginbfchar\n" % len(entries[i : i + 100]) + b"\n".join(entries[i : i + 100]) + b"\nendbfchar"
        for i in range(0, len(entries), 100)
    ]
    return b"\n".join(
        [
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *blocks,
            b"endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    )


@cache
def _dejavu(bold: bool) -> TrueType:
    """The parsed font, read once per process (each PDF takes its own copy to note glyphs in)."""
    return TrueType.load(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


def _text_width(text: str, size: int) -> float:
    # Helvetica averages about half an em per character; good enough to centre a line.
    return len(text) * size * 0.5


def render(lines: list[Line], *, title: str = "") -> bytes:
    """A one-page PDF with the lines centred from the top, and a simple border."""
    ops = [b"0.11 0.31 0.43 RG 4 w 24 24 794 547 re S"]
    embedded: dict[bool, TrueType] = {}
    y = HEIGHT - 90
    for line in lines:
        text = unicodedata.normalize("NFC", line.text)
        y -= line.size + line.gap
        if _winansi(text) is not None:
            width, font, shown = (
                _text_width(text, line.size),
                b"/F2" if line.bold else b"/F1",
                b"(" + _escape(text) + b")",
            )
        else:
            dejavu = embedded.setdefault(line.bold, replace(_dejavu(line.bold), used={}))
            width, font, shown = (
                dejavu.width(text, line.size),
                b"/F4" if line.bold else b"/F3",
                dejavu.encode(text),
            )
        x = max(40, (WIDTH - width) / 2)
        ops.append(b"BT " + font + b" %d Tf %.1f %.1f Td " % (line.size, x, y) + shown + b" Tj ET")
    stream = b"\n".join(ops)
    info = b"<< /Title " + _text_string(title) + b" /Producer (Systemic Practice Hub) >>"
    fonts = b"/F1 4 0 R /F2 5 0 R"
    extra: list[bytes] = []
    for bold, dejavu in embedded.items():
        first = 8 + len(extra)
        fonts += b" /%s %d 0 R" % (b"F4" if bold else b"F3", first)
        extra += dejavu.objects(first)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (WIDTH, HEIGHT)
        + b"/Resources << /Font << "
        + fonts
        + b" >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        info,
        *extra,
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
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
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
