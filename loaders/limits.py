"""Input size limits: what no disclosure report comes near, refused with the limit and the size.

A report's text is 20-300 KB, its widest table row 17 cells and its tables 8-11 (samples/); a
PDF a few MB. A 30 MB "report", a row of thousands of cells, a number of thousands of digits or
a file of many reports run together (200 copies of a sample: 6 MB of text, 1,600 tables, ≈ 1 GB
to load) is a damaged or wrong file, and loading it would cost minutes and gigabytes to store
garbage ("ok"). Each check raises ``ValueError`` with a message for the user;
``loaders.pipeline`` adds the file name.
"""

from __future__ import annotations

import re
from collections.abc import Sized
from pathlib import Path

from loaders.model import Block

MB = 1024 * 1024
MAX_TEXT_BYTES = 20 * MB  # a report's text file
MAX_PDF_BYTES = 200 * MB  # a report's PDF
MAX_ROW_CELLS = 1_000  # cells in one table row
MAX_NUMBER_DIGITS = 40  # digits in one number (18-digit credit codes, 20-digit accounts pass)
MAX_TABLES = 500  # tables in one report (8-11 in samples/ and samples/realworld/)

_LONG_NUMBER = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def check_file_size(path: Path) -> None:
    """Refuse a file too large to be a report, before reading it (a file that cannot be read
    passes: reading it says why)."""
    try:
        size = path.stat().st_size
        if size <= MAX_TEXT_BYTES:
            return
        with path.open("rb") as fh:
            pdf = path.suffix.lower() == ".pdf" or fh.read(5) == b"%PDF-"
    except OSError:
        return
    limit, what = (MAX_PDF_BYTES, "a PDF report") if pdf else (MAX_TEXT_BYTES, "a text report")
    if size > limit:
        raise ValueError(f"too large: {size:,} bytes, over the {limit // MB} MB limit for {what}")


def check_text(text: str) -> None:
    """Refuse a text with nothing in it, or a number longer than any amount or code (before any
    stage converts it: Python refuses to turn more than 4,300 digits into an int)."""
    if not text.strip():
        raise ValueError("empty: the file holds no text (expected the text of a report)")
    m = _LONG_NUMBER.search(text)
    if m is not None:
        line = text.count("\n", 0, m.start()) + 1
        end = m.end()
        while end < len(text) and text[end].isdigit():
            end += 1
        raise ValueError(f"line {line}: a number of {end - m.start():,} digits, over the limit "
                         f"of {MAX_NUMBER_DIGITS} (no amount or code is that long)")


def check_rows(blocks: list[Block]) -> None:
    """Refuse a table row with more cells than any report table has columns."""
    for block in blocks:
        for row in block.rows:
            if len(row.cells) > MAX_ROW_CELLS:
                raise ValueError(f"line {row.line}: a table row of {len(row.cells):,} cells, "
                                 f"over the limit of {MAX_ROW_CELLS:,}")


def check_tables(tables: Sized) -> None:
    """Refuse a report with more tables than any report has (checked once they are found, before
    the rest of the report is read and anything is stored)."""
    if len(tables) > MAX_TABLES:
        raise ValueError(f"{len(tables):,} tables, over the limit of {MAX_TABLES:,} for one "
                         "report (several reports run together in one file?)")
