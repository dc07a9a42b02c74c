"""The lines around a source line, for ``where-from``: of a report's text file as
it is, or of the text the PDF reader renders for a PDF (rendering is
deterministic, so the rendered text is not stored: it is made again here)."""

from __future__ import annotations

from pathlib import Path

from loaders.readers.pdf.document import is_pdf


def report_lines(path: Path) -> list[str]:
    """The lines a report's source line numbers count (PDF: the rendered text)."""
    from loaders.readers import decode_report, split_lines
    from loaders.readers.pdf import read_pdf

    data = path.read_bytes()
    if is_pdf(data):
        return read_pdf(data, str(path)).text.split("\n")
    return split_lines(decode_report(data, str(path)))


def lines_around(lines: list[str], line: int, around: int = 2) -> list[str]:
    """``line`` (1-based) and ``around`` lines either side, numbered, the line marked;
    tabs between table cells shown as " | "."""
    out = []
    for n in range(max(1, line - around), min(len(lines), line + around) + 1):
        mark = ">" if n == line else " "
        out.append(f"{mark}{n:>6}  {lines[n - 1].replace(chr(9), ' | ')}")
    return out
