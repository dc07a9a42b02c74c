"""The rows above the indicator header: project, unit, budget, funding block.

Key cells (项目名称, 预算单位, 主管部门, 年度预算总额 … see
``vocabulary.PREAMBLE_KEYS``) take the next non-empty cell of their row as
value, wherever the columns fall. A self-evaluation's funding block is a
header row of funding words (年初预算数, 全年预算数 …) and the rows under it
(年度资金总额 / 其中：当年财政拨款 / 其他资金); each value is read at the same
distance from the row's label as its header word is from the header's label
column, so blocks printed one column further right still line up. "—"
means not stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.model import FundingLine, Row
from loaders.performance.text import despace
from loaders.performance.values import is_placeholder, parse_number
from loaders.performance.vocabulary import FUNDING_COLUMNS, PREAMBLE_KEYS, header_key


@dataclass
class Preamble:
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)  # field → (text, line)
    funding: list[FundingLine] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        return despace(value[0]) if value else None


def is_key_row(row: Row, wanted: tuple[str, ...] = ("project", "unit")) -> bool:
    """A row that opens a table's preamble (项目名称 … / 预算单位 …)."""
    first = next((c.text for c in row.cells if c.text.strip()), "")
    return PREAMBLE_KEYS.get(header_key(first)) in wanted


def read_preamble(rows: list[Row]) -> Preamble:
    pre = Preamble()
    funding_cols: list[tuple[int, str]] | None = None  # (offset from label, field)
    for row in rows:
        texts = [c.text for c in row.cells]
        keys = [header_key(t) for t in texts]
        found = [(i, FUNDING_COLUMNS[k]) for i, k in enumerate(keys) if k in FUNDING_COLUMNS]
        if len(found) >= 2:
            label_col = found[0][0] - 1
            funding_cols = [(i - label_col, name) for i, name in found]
            continue
        if funding_cols is not None:
            line = _funding_line(row, funding_cols)
            if line is not None:
                pre.funding.append(line)
                continue
        _key_values(row, keys, pre)
    return pre


def _key_values(row: Row, keys: list[str], pre: Preamble) -> None:
    cells = row.cells
    for i, key in enumerate(keys):
        name = PREAMBLE_KEYS.get(key)
        if name is None or name == "ignore" or name in pre.fields:
            continue
        for j in range(i + 1, len(cells)):
            text = cells[j].text.strip()
            if not text:
                continue
            if keys[j] not in PREAMBLE_KEYS and (
                name != "budget" or parse_number(text) is not None
            ):
                pre.fields[name] = (text, cells[j].line)
            break


def _funding_line(row: Row, columns: list[tuple[int, str]]) -> FundingLine | None:
    texts = [c.text.strip() for c in row.cells]
    label_at = next(
        (i for i, t in enumerate(texts) if t and parse_number(t) is None and not is_placeholder(t)),
        None,
    )
    if label_at is None:
        return None
    values = {}
    for offset, name in columns:
        k = label_at + offset
        if k < len(texts) and texts[k]:
            values[name] = parse_number(texts[k])  # "—" → None: not stated
    if not any(v is not None for v in values.values()):
        return None
    return FundingLine(label=despace(texts[label_at]), line=row.line, **values)
