"""Opening a PDF, and refusing clearly what cannot be read.

Each refusal is a ``PdfReadError`` whose message says what is wrong and what
to do: not a PDF at all, a damaged or truncated file, an encrypted one that
needs a password, or a scan without a text layer. An encrypted PDF with an
empty user password (only printing/copying restricted, common on government
sites) opens without one and is read like any other. The pipeline turns a
refusal into a ``ReportLoadError`` naming the file.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as raw

PDF_MAGIC = b"%PDF-"
# The end-of-file marker must lie within this many bytes of the end; a file
# cut short (an interrupted download) loses it. pdfium would silently
# rebuild such a file and read whatever pages survived.
_EOF_WINDOW = 2048


class PdfReadError(ValueError):
    """A PDF the reader refuses; the message says why and what to do."""


def is_pdf(data: bytes) -> bool:
    # The header may follow a few bytes of junk (PDF 1.7 §7.5.2 tolerates it).
    return PDF_MAGIC in data[:1024]


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    if not is_pdf(data):
        raise PdfReadError("not a PDF file (no %PDF- header); give the report's PDF or its text")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise PdfReadError(
            "truncated or damaged PDF (no %%EOF at the end of the file); download it again"
        )
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise PdfReadError(
                "encrypted PDF (password protected); save an unprotected copy first"
            ) from exc
        raise PdfReadError(f"damaged PDF that cannot be opened ({exc}); download it again") from exc
    if len(pdf) == 0:
        pdf.close()
        raise PdfReadError("damaged PDF: it has no pages; download it again")
    return pdf
