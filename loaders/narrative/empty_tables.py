"""An empty table and the statement that says it is empty.

The disclosure rules let a unit publish a standard table with no amounts only with a statement
of why: "2023 年没有使用财政拨款“三公”经费安排的支出，财政拨款“三公”经费支出情况表为空表。",
"2026年无政府性基金预算财政拨款安排的预算", a 注 "无此项内容" under the table. For each table the
table interpreter marks empty this module looks for such a statement: the table's own note, or a
sentence anywhere in the text that says 无/没有/未安排/空表 about what the table is about (the
words of its title that are not generic: 政府性基金, 国有资本经营, 三公经费). COMPL-EMPTY-STATEMENT
reports an empty table with none; COMPL-EMPTY-NOTE-SUBJECT one whose own 注 says another table's
subject is empty (13: the 国有资本经营 table's note is the 政府性基金 table's, copied).
"""

from __future__ import annotations

import re

from loaders.model import Block, EmptyTableCheck, Table
from loaders.performance.text import text_lines
from loaders.text import label_key

_EMPTY_RE = re.compile(r"无|没有|未安排|未使用|空表|不涉及|为零|为0")
# words every table title has; what is left names the table's subject (grammar, not labels)
_GENERIC_RE = re.compile(
    r"\d+|年度?|部门|单位|预算|决算|支出|收入|情况|明细|功能分类|经济分类|财政拨款|总表|表|本级"
    r"|一般公共|基本|项目|科目|汇总|及|和|的")


def subject_words(title: str) -> list[str]:
    """The non-generic runs of a table title: "2026年部门政府性基金预算支出功能分类预算表" →
    ["政府性基金"]."""
    return [w for w in _GENERIC_RE.split(label_key(title)) if len(w) >= 2]


def check_empty_tables(blocks: list[Block], tables: list[Table]) -> list[EmptyTableCheck]:
    lines = list(text_lines(blocks))
    checks: list[EmptyTableCheck] = []
    for table in tables:
        if not table.empty or table.table_type == "generic" or not table.recognised:
            continue
        words = subject_words(table.title)
        if not words:
            continue
        others = {w for t in tables if t is not table for w in subject_words(t.title)} - set(words)
        check = EmptyTableCheck(table_line=table.line, title=table.title, statement_line=None)
        note = _own_note(lines, table, tables)
        if note and _about_another(note[1], words, others):
            check.other_note_line, check.other_note = note
        elif note:
            check.statement_line, check.statement = note
        if check.statement_line is None:
            line, statement = _stated(lines, words)
            if statement:
                check.statement_line, check.statement = line, statement
        checks.append(check)
    return checks


def _own_note(lines: list[tuple[int, str]], table: Table,
              tables: list[Table]) -> tuple[int, str] | None:
    """The 注 under the table (before the next table): the table interpreter's note, placed at
    its line when the text has it."""
    after = min((t.line for t in tables if t.line > table.line), default=10**9)
    for line, text in lines:
        if table.line < line < after and text.lstrip().startswith("注") and _EMPTY_RE.search(
                text):
            return line, text
    return (table.line, table.empty_note) if table.empty_note else None


def _about_another(note: str, words: list[str], others: set[str]) -> bool:
    """A note that does not name the table's subject but names another table's."""
    key = label_key(note)
    return not all(w in key for w in words) and any(w in key for w in others)


def _stated(lines: list[tuple[int, str]], words: list[str]) -> tuple[int, str | None]:
    for line, text in lines:
        key = label_key(text)
        if _EMPTY_RE.search(key) and all(w in key for w in words):
            return line, text
    return 0, None
