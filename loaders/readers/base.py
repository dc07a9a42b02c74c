"""The reader interface and helpers shared by the layout readers.

Each layout (tab-separated, pipe, HTML, space-aligned) is one module with one
object implementing ``Reader``; ``loaders.readers.read_blocks`` asks them in
order whether a table starts at line ``i`` and lets the first that says yes
read it. Lines are 0-based indexes into the split text; blocks, rows and
cells carry 1-based line numbers (index + 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from loaders.model import Block, Cell, Row
from loaders.readers.text import make_text

# PDF-to-text tools put a blank line at page breaks and between wrapped rows,
# so a table goes on across this many blank lines when a row of the same
# layout follows.
MAX_BLANK_GAP = 1


@runtime_checkable
class Reader(Protocol):
    """A table layout: ``detect`` is cheap and side-effect free; ``read``
    returns the table block and the index of the first line after it."""

    name: str

    def detect(self, lines: Sequence[str], i: int) -> bool: ...

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]: ...


def is_blank(line: str) -> bool:
    return not line.strip()


def next_content(lines: Sequence[str], i: int, max_gap: int = MAX_BLANK_GAP) -> int | None:
    """Index of the first non-blank line at or after ``i`` if at most ``max_gap``
    blank lines come first, else None."""
    n = len(lines)
    for j in range(i, min(n, i + max_gap + 1)):
        if not is_blank(lines[j]):
            return j
    return None


def make_cell(raw: str, line: int) -> Cell:
    text, kept = make_text(raw)
    return Cell(text=text, line=line, raw=kept)


def table_block(rows: list[Row], layout: str, line: int, end_line: int, text: str = "") -> Block:
    return Block(kind="table", line=line, end_line=end_line, text=text, rows=rows, layout=layout)
