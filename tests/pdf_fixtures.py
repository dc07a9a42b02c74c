"""Hand-written PDFs for the PDF reader's tests (no tool, no binary fixture).

``make_pdf`` writes a PDF whose pages have the given content streams, with
Helvetica as /F1, a correct cross-reference table and trailer; ``text_ops``
and ``rule_ops`` write the content-stream operators for text and lines.
"""

from __future__ import annotations

import glob
from pathlib import Path

REALWORLD = Path(__file__).resolve().parent.parent / "samples" / "realworld"


def sample_pdf(prefix: str) -> Path:
    """The PDF of the real-world sample whose folder starts with ``prefix``."""
    return Path(glob.glob(str(REALWORLD / f"{prefix}*" / "*.pdf"))[0])


def make_pdf(
    pages: list[bytes],
    size: tuple[int, int] = (595, 842),
    trailer_extra: bytes = b"",
    extra_objects: tuple[bytes, ...] = (),
    font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    page_extra: bytes = b"",
) -> bytes:
    n = len(pages)
    font_no = 3 + 2 * n  # object number of the font, after catalog, pages and page pairs
    kids = b" ".join(b"%d 0 R" % (3 + 2 * k) for k in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
    ]
    for k, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> " % (*size, 4 + 2 * k, font_no)
            + page_extra + b">>"
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(font)
    objects.extend(extra_objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_ops(x: float, y: float, text: str, size: int = 10) -> bytes:
    return b"BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET\n" % (size, x, y, text.encode("latin-1"))


def rule_ops(x0: float, y0: float, x1: float, y1: float) -> bytes:
    """A stroked line from (x0, y0) to (x1, y1)."""
    return b"0.5 w %.2f %.2f m %.2f %.2f l S\n" % (x0, y0, x1, y1)


def grid_ops(xs: list[float], ys: list[float]) -> bytes:
    """Every row and column line of a fully ruled table."""
    ops = b"".join(rule_ops(xs[0], y, xs[-1], y) for y in ys)
    return ops + b"".join(rule_ops(x, ys[-1], x, ys[0]) for x in xs)
