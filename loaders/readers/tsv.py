"""Tab-separated rows: any line with a tab is a table row, cells split on tabs.

Rows keep their empty cells (leading ones place the values in the right
columns, e.g. a wrapped name on a row of its own). A table goes on across a
single blank line when another tabbed line follows, which is how page breaks
and wrapped rows come out of the extraction tools.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.model import Block, Row
from loaders.readers.base import make_cell, next_content, table_block


def _is_row(line: str) -> bool:
    # A line of nothing but tabs carries no cell and is treated as blank.
    return "\t" in line and not line.isspace()


class TsvReader:
    name = "tsv"

    def detect(self, lines: Sequence[str], i: int) -> bool:
        return _is_row(lines[i])

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]:
        rows: list[Row] = []
        j: int | None = i
        last = i
        while j is not None and _is_row(lines[j]):
            lineno = j + 1
            cells = [make_cell(part, lineno) for part in lines[j].split("\t")]
            rows.append(Row(cells=cells, line=lineno))
            last = j
            j = next_content(lines, j + 1)
        return table_block(rows, self.name, i + 1, last + 1), last + 1


READER = TsvReader()
