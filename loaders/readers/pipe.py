"""Pipe tables: ``| a | b |`` rows, with or without outer pipes and rule line.

A table starts at a line opening with ``|`` (outer pipes), or at any line
with a ``|`` directly followed by a rule line (``---|:--:|---``), which is how
a table without outer pipes announces itself. Rule lines are skipped. With
outer pipes the first and last ``|`` are borders; without them a leading
``|`` means an empty first cell. ``\\|`` is a literal pipe inside a cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.model import Block, Row
from loaders.readers.base import make_cell, next_content, table_block

_RULE_CHARS = frozenset("-:| \t")


def is_rule(line: str) -> bool:
    s = line.strip()
    return "-" in s and "|" in s and set(s) <= _RULE_CHARS


def _outer_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2 and not is_rule(s)


def _plain_row(line: str) -> bool:
    return "|" in line and not is_rule(line) and bool(line.strip())


def _split(line: str, outer: bool) -> list[str]:
    s = line.strip()
    if "\\|" in s:
        parts = [p.replace("\x00", "|") for p in s.replace("\\|", "\x00").split("|")]
    else:
        parts = s.split("|")
    if outer:
        if s.startswith("|"):
            parts = parts[1:]
        if s.endswith("|") and parts:
            parts = parts[:-1]
    return parts


class PipeReader:
    name = "pipe"

    def detect(self, lines: Sequence[str], i: int) -> bool:
        line = lines[i]
        if "|" not in line:
            return False
        if _outer_row(line):
            return True
        return _plain_row(line) and i + 1 < len(lines) and is_rule(lines[i + 1])

    def read(self, lines: Sequence[str], i: int) -> tuple[Block, int]:
        n = len(lines)
        # The rule line states the style most reliably; a first row that starts
        # with an empty cell in a table without outer pipes also starts with "|".
        style_line = lines[i + 1] if i + 1 < n and is_rule(lines[i + 1]) else lines[i]
        outer = style_line.strip().startswith("|")
        is_row = _outer_row if outer else _plain_row

        rows: list[Row] = []
        j: int | None = i
        last = i
        while j is not None:
            line = lines[j]
            if is_rule(line):
                last = j
            elif is_row(line):
                if rows and j > last + 1 and j + 1 < n and is_rule(lines[j + 1]):
                    break  # after a blank line, a header with its rule opens a new table
                lineno = j + 1
                cells = [make_cell(p, lineno) for p in _split(line, outer)]
                rows.append(Row(cells=cells, line=lineno))
                last = j
            else:
                break
            j = next_content(lines, j + 1)
        return table_block(rows, self.name, i + 1, last + 1), last + 1


READER = PipeReader()
