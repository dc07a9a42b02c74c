"""Reader layer: report text → headings, paragraphs and table grids (``Block``).

One module per layout, each a ``Reader`` (see ``base``), asked in priority
order whether a table starts at the current line:

- ``html``: ``<table>`` regions (most explicit markup, checked first)
- ``pipe``: ``| a | b |`` rows
- ``tsv``: lines with tabs
- ``aligned``: columns separated by 2+ spaces (``pdftotext -layout``)
- ``stream``: one cell per line after a table's title (plain ``pdftotext``)

Lines no reader claims become one heading or paragraph block each (markdown
``#``/``**``/bullets stripped). Every block, row and cell keeps its 1-based
source line. ``register`` adds a reader, like a parser plugin.

PDFs are not text: ``loaders.readers.pdf.read_pdf`` reads them from the page
geometry into the same blocks (and renders a text whose lines they number);
it hands the lines outside ruled tables back to ``read_blocks``.
"""

from __future__ import annotations

from collections.abc import Iterable

from loaders.model import Block
from loaders.readers import aligned, html, pipe, stream, tsv
from loaders.readers.base import Reader, is_blank
from loaders.readers.decode import ReportDecodeError, decode_report
from loaders.readers.text import clean_cell, clean_text, text_block
from loaders.text import display_width

__all__ = [
    "READERS",
    "Reader",
    "ReportDecodeError",
    "clean_cell",
    "clean_text",
    "decode_report",
    "display_width",
    "read_blocks",
    "register",
    "split_lines",
]

READERS: list[Reader] = [html.READER, pipe.READER, tsv.READER, aligned.READER, stream.READER]


def register(reader: Reader, before: str | None = None) -> None:
    """Add a reader, ahead of the one named ``before`` (default: last)."""
    names = [r.name for r in READERS]
    READERS.insert(names.index(before) if before in names else len(READERS), reader)


def split_lines(text: str) -> list[str]:
    """Lines as numbered by editors and grep: split on LF only.

    CR of CRLF endings and form feeds (page breaks from pdftotext) are
    dropped; ``str.splitlines`` would also split on those and shift every
    line number after them.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if "\r" in text or "\f" in text:
        lines = [ln.rstrip("\r").replace("\f", "") for ln in lines]
    return lines


def read_blocks(text: str, readers: Iterable[Reader] | None = None) -> list[Block]:
    """Blocks of a report in document order (blank lines produce none)."""
    active = list(READERS if readers is None else readers)
    lines = split_lines(text)
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if is_blank(line):
            i += 1
            continue
        for reader in active:
            if reader.detect(lines, i):
                block, nxt = reader.read(lines, i)
                if block.rows and nxt > i:
                    blocks.append(block)
                    i = nxt
                    break
        else:
            block = text_block(line, i + 1)
            if block is not None:
                blocks.append(block)
            i += 1
    return blocks
