"""What a report says about itself: unit, scope, fiscal year, kind, title, unit code, date.

The title page names the unit and the year ("阿图什市社会保险中心" over "2023 年单位预算公开"),
or only a place ("上海市普陀区2026年区级部门预算") with the unit on a line of its own
("预算主管部门：上海市普陀区司法局"); table headings repeat it ("编制部门：X    单位：元").
When the title names only a place (it ends as a division does: 区, 县 …) or no unit, the
cover's unit line names it, else the name most table headings print; a title that names a unit
keeps it (a table heading that prints another name is a misprint); a title that names only a
place, with no line naming a unit, gives the place, with a warning.
Year and kind come from the title (``loaders.metadata_title``), the scope (部门: a department's
consolidated report; 单位: one unit's own) from the title's words, else from the label of the
cover's unit line (预算主管部门 / 预算单位), all as listed in ``ontology/codes/``. The unit
code comes from a "单位：316002-苍溪县…" line, the publication date from a date line near the
end ("2024年2月21日"). A text with no year, or whose unit cannot be found, is refused with a
``ValueError`` that says what was looked for: nothing is stored under a guess.
"""

from __future__ import annotations

import re
from collections import Counter

from loaders.metadata_lines import Line, NamedBy, report_lines, title_lines, unit_fields
from loaders.metadata_title import HEAD_LINES, Title, find_title, find_year, kind_of
from loaders.metadata_words import place_endings, scope_labels
from loaders.model import Block, DocumentMeta, LoadWarning
from loaders.text import label_key

TAIL_LINES = 15  # text lines searched for the publication date

_UNIT_CODE = re.compile(r"(?:^|\s)(?:单位|单位代码|单位编码|预算单位)\s*[:：]\s*(\d{6,})\s*[-－—_]")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


def read_metadata(blocks: list[Block], path: str) -> DocumentMeta:
    lines = report_lines(blocks)
    text = [line for line in lines if not line.in_table]
    # the first lines, with room for the chrome that is left out (a page's field table too)
    text_lines = title_lines([line for line in lines if line.number <= _head_end(text)])
    title = find_title(text_lines)
    if title is None:
        year = next((m for line in text_lines[:HEAD_LINES] if (m := find_year(line.text))), None)
        what = ("no title line: years are printed, but no line that is not a sentence gives "
                "one with 预算/决算" if year else "no fiscal year")
        raise ValueError(
            f"not a budget or final-account disclosure: {what} in the first {HEAD_LINES} text "
            "lines (looked for a title such as '某某局2024年部门预算' or '24年预算', web-page "
            "breadcrumbs and fields left out)")
    fields = unit_fields(lines)
    warnings: list[LoadWarning] = []
    unit = _choose_unit(title, fields, lines, warnings, path)
    unit_code = next((m.group(1) for line in lines if (m := _UNIT_CODE.search(line.text))), None)
    return DocumentMeta(
        unit_name=unit,
        fiscal_year=title.year,
        kind=kind_of(title),
        title=title.text,
        unit_code=unit_code,
        publication_date=_publication_date(text),
        scope=_scope(title, _cover_field(fields, lines)),
        warnings=warnings,
    )


def _choose_unit(title: Title, fields: list[NamedBy], lines: list[Line],
                 warnings: list[LoadWarning], path: str) -> str:
    if title.unit and not _is_place(title.unit):
        return title.unit  # a table heading that prints another name is a misprint, not the unit
    cover = _cover_field(fields, lines)
    named = cover or _most_printed(fields)
    if named is None and title.unit:  # what the report says, flagged: it may be a zone's body
        warnings.append(LoadWarning(
            "unit-is-a-place", f"{path}: the title names only the place '{title.unit}' and no "
            "line names a unit (预算主管部门：, 编制单位： …); the place is taken as the unit",
            title.line))
        return title.unit
    if named is None:
        raise ValueError(
            f"no unit name found: the title (line {title.line}: '{title.text}') names no "
            "unit, and no line names one (looked for 预算主管部门：, 预算单位：, 编制部门：, "
            "编制单位：, 单位名称：, 部门名称： lines, as listed in "
            "ontology/codes/document-fields.ttl)")
    if named is not cover:
        warnings.append(LoadWarning(
            "unit-from-compiler", f"{path}: the title names "
            f"{'only the place ' + repr(title.unit) if title.unit else 'no unit'}; using the "
            f"{named.label} that table headings print: '{named.name}'", named.line))
    return named.name


def _head_end(text: list[Line]) -> int:
    """The source line where the search for the title ends: its ``HEAD_LINES * 4``th text line."""
    return text[min(len(text), HEAD_LINES * 4) - 1].number if text else 0


def _cover_field(fields: list[NamedBy], lines: list[Line]) -> NamedBy | None:
    """A unit line on the cover (the first lines, outside tables): the report naming itself."""
    head = {line.number for line in lines if not line.in_table}
    head_end = sorted(head)[HEAD_LINES - 1] if len(head) >= HEAD_LINES else max(head, default=0)
    return next((f for f in fields if f.line <= head_end and f.line in head), None)


def _most_printed(fields: list[NamedBy]) -> NamedBy | None:
    """The name the unit lines print most often (table headings: "编制部门：X"), first one on
    a tie."""
    if not fields:
        return None
    counts = Counter(f.name for f in fields)
    best = max(counts.values())
    return next(f for f in fields if counts[f.name] == best)


def _is_place(name: str) -> bool:
    """"上海市普陀区" names a division (it ends as one: 省, 市, 区, 县 …), not a unit."""
    return name[-1] in place_endings()


def _scope(title: Title, cover: NamedBy | None) -> str | None:
    """部门 or 单位 as the title says it (the year taken out: "单位25年预算" → 单位预算), else as
    the cover's unit line's label says it (预算主管部门 / 预算单位); None when neither does."""
    year = find_year(title.text)
    text = label_key(title.text[: year.start()] + title.text[year.end():] if year else title.text)
    for label, key in scope_labels():
        if label in text:
            return key
    if cover is not None:
        for label, key in scope_labels():
            if label == label_key(cover.label):
                return key
    return None


def _publication_date(lines: list[Line]) -> str | None:
    for line in reversed(lines[-TAIL_LINES:]):
        m = _DATE.search(line.text)
        if m and len(line.text) <= 40:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None
