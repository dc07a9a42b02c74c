"""``fiscal-kg report --annotate``: a copy of each PDF report with its findings on the page.

Each finding whose cell (or claim) has a page and box gets a Square annotation around that
box (red for a Violation, orange for a Warning, blue for Info) whose contents are the rule and
the message, so a PDF reader shows the finding on hover and lists it in its comments pane —
the form in which an auditor sends findings back to a unit. Written with PDFium's annotation
API through pypdfium2 (Apache-2.0/BSD), the library the PDF reader uses.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from fiscal_kg.report import data
from fiscal_kg.report.crops import Box
from fiscal_kg.store import Store

COLOURS = {"Violation": (200, 30, 30), "Warning": (230, 130, 0), "Info": (30, 110, 185)}


def annotate_pdf(source: Path, target: Path,
                 marks: Iterable[tuple[int, Box, str, str]]) -> int:
    """Copy ``source`` to ``target`` with a boxed annotation per (page, box, severity, text);
    returns how many were added."""
    pdf = pdfium.PdfDocument(str(source))
    count = 0
    try:
        for number, (x0, y0, x1, y1), severity, text in marks:
            page = pdf[number - 1]
            annot = raw.FPDFPage_CreateAnnot(page, raw.FPDF_ANNOT_SQUARE)
            if not annot:
                continue
            rect = raw.FS_RECTF(x0 - 2, y1 + 2, x1 + 2, y0 - 2)  # left, top, right, bottom
            raw.FPDFAnnot_SetRect(annot, rect)
            r, g, b = COLOURS.get(severity, COLOURS["Info"])
            raw.FPDFAnnot_SetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, r, g, b, 255)
            raw.FPDFAnnot_SetBorder(annot, ctypes.c_float(0), ctypes.c_float(0),
                                    ctypes.c_float(2))
            for key, value in (("Contents", text), ("T", f"fiscal-kg {severity}")):
                encoded = (value + "\0").encode("utf-16-le")
                buffer = ctypes.create_string_buffer(encoded, len(encoded))
                raw.FPDFAnnot_SetStringValue(annot, key.encode("ascii"),
                                             ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
            raw.FPDFPage_CloseAnnot(annot)
            count += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(str(target))
    finally:
        pdf.close()
    return count


def finding_marks(store: Store, document: str) -> list[tuple[int, Box, str, str]]:
    """(page, box, severity, text) of each finding whose cell or claim has a place."""
    places: dict[str, tuple[int, Box]] = {}
    for table in data.tables(store, document):
        places.update({c.iri: (c.page, c.bbox) for c in table.cells if c.page and c.bbox})
    places.update({c.iri: (c.page, c.bbox) for c in data.claims(store, document)
                   if c.page and c.bbox})
    marks = []
    for f in data.findings(store, document):
        place = places.get(f.value) or places.get(f.focus)
        if place:
            marks.append((place[0], place[1], f.severity, f"[{f.severity}] {f.rule}: {f.message}"))
    return marks
