"""Indicator rows: level names carried down, wrapped rows joined.

Merged cells print once: a row with an empty 一级指标/二级指标 cell belongs to
the level named above it, so the reader carries the last level-1 and level-2
names down (a new level-1 name clears the level-2 name). A row with no value
at all (no target, actual, weight or score) is not an indicator:

- if it only continues cells of the row above — a level-3 name wrapped onto
  its own line ("资金发放(补助)及" / "时率"), a deviation note running on, or
  level names split in two ("产出" / "指标", joined only when the joined
  text is a level name) — it is joined to the previous indicator;
- otherwise it is a level heading row (004's 运行成本 rows): it sets the
  carried levels and yields no indicator.

A row with values but no level-3 name fills the fields the previous indicator
lacks (its name wrapped the other way), or becomes a load warning.
"""

from __future__ import annotations

from decimal import Decimal

from loaders.model import Indicator, LoadWarning, PerformanceTable
from loaders.performance.levels import is_level_name
from loaders.performance.text import despace, join_wrapped
from loaders.performance.values import (
    is_placeholder,
    operator_word,
    parse_number,
    parse_quantity,
)

VALUE_ROLES = ("target", "actual", "weight", "score")


def read_quantity(text: str) -> tuple[str | None, Decimal | None, str | None]:
    q = parse_quantity(text) if text else None
    return q if q is not None else (None, None, None)


def read_target(cols: dict[str, str]) -> tuple[str, str | None, Decimal | None, str | None]:
    """(text, operator, value, unit) of the target: one 指标值 cell (">=95%"), or
    指标值 with separate 指标性质 ("≥", "-", "定性") and 度量单位 ("%") cells."""
    value_cell = despace(cols.get("target", ""))  # "每季度发放一 次": a PDF gap
    op_cell = cols.get("operator", "").strip()
    unit_cell = "".join(cols.get("unit", "").split())
    if not value_cell:
        return "", None, None, None
    if not (op_cell or unit_cell):
        return (value_cell, *read_quantity(value_cell))
    q = parse_quantity(value_cell + unit_cell)
    if q is None:  # qualitative target ("好", "优等级"): the unit cell means nothing
        return value_cell, None, None, None
    own_op, value, unit = q
    op = operator_word(op_cell)
    text = (op_cell if op else "") + value_cell + (unit_cell if unit else "")
    return text, op or own_op, value, unit


class IndicatorReader:
    """Turns aligned body rows (role → cell text) into indicators of a table."""

    def __init__(self, warnings: list[LoadWarning]) -> None:
        self.warnings = warnings
        self.table: PerformanceTable | None = None
        self._reset()

    def _reset(self) -> None:
        self.level1: str | None = None
        self.level2: str | None = None
        self.last: Indicator | None = None
        self.prev: dict[str, str] = {}  # level cells of the previous row

    def start(self, table: PerformanceTable) -> None:
        self.table = table
        self._reset()

    def add(self, cols: dict[str, str], line: int) -> None:
        l1, l2, l3 = (despace(cols.get(r, "")) for r in ("level1", "level2", "level3"))
        has_values = any(
            (v := cols.get(r, "").strip()) and not is_placeholder(v) for r in VALUE_ROLES
        )
        if has_values and not l3 and l2 and not is_level_name(l2):
            l3, l2 = l2, ""  # a level-3 name printed under 二级指标 (001 line 403)
        # Layouts that repeat a merged cell on every row: same name, nothing new.
        l1 = "" if l1 == self.level1 else l1
        l2 = "" if l2 == self.level2 and not l1 else l2
        if not has_values and self.last is not None and self._continues(l1, l2, l3):
            self._extend(l1, l2, l3, cols)
        elif not has_values:
            self._set_levels(l1, l2)
            if l3:
                self._new(l3, cols, line)
            self.prev = {"level1": l1, "level2": l2}
        else:
            self._set_levels(l1, l2)
            if l3:
                self._new(l3, cols, line)
            elif not self._fill_last(cols):
                self.warnings.append(
                    LoadWarning("performance-row-unread", "values without an indicator name", line)
                )
            self.prev = {"level1": l1, "level2": l2}

    # -- helpers -----------------------------------------------------------

    def _set_levels(self, l1: str, l2: str) -> None:
        if l1:
            self.level1, self.level2 = l1, None
        if l2:
            self.level2 = l2

    def _continues(self, l1: str, l2: str, l3: str) -> bool:
        if not (l1 or l2):
            return True  # a name or a note running on, or only ignored columns
        for role, frag in (("level1", l1), ("level2", l2)):
            head = self.prev.get(role, "")
            if frag and not (head and is_level_name(head + frag)):
                return False
        return True

    def _extend(self, l1: str, l2: str, l3: str, cols: dict[str, str]) -> None:
        last = self.last
        assert last is not None
        if l1:
            last.level1 = self.level1 = self.prev["level1"] + l1
            self.prev["level1"] = last.level1
        if l2:
            last.level2 = self.level2 = self.prev["level2"] + l2
            self.prev["level2"] = last.level2
        if l3:
            last.level3 = join_wrapped(last.level3, l3)
        note = cols.get("deviation", "").strip()
        if note:
            last.deviation_note = join_wrapped(last.deviation_note, note)

    def _new(self, name: str, cols: dict[str, str], line: int) -> None:
        text, op, value, unit = read_target(cols)
        actual = despace(cols.get("actual", ""))
        a_op, a_value, a_unit = read_quantity(actual)
        note = despace(cols.get("deviation", ""))
        ind = Indicator(
            line=line,
            level1=self.level1,
            level2=self.level2,
            level3=name,
            target_text=text,
            target_operator=op,
            target_value=value,
            target_unit=unit,
            weight=parse_number(cols.get("weight", "")),
            actual_text=actual or None,
            actual_operator=a_op,
            actual_value=a_value,
            actual_unit=a_unit,
            score=parse_number(cols.get("score", "")),
            deviation_note=note or None,
        )
        assert self.table is not None
        self.table.indicators.append(ind)
        self.last = ind

    def _fill_last(self, cols: dict[str, str]) -> bool:
        """Values of a row whose name is on the row above: fill what is missing."""
        last = self.last
        if last is None:
            return False
        text, op, value, unit = read_target(cols)
        weight, score = parse_number(cols.get("weight", "")), parse_number(cols.get("score", ""))
        if (text and last.target_text) or (weight is not None and last.weight is not None):
            return False
        if (score is not None and last.score is not None) or (
            cols.get("actual") and last.actual_text
        ):
            return False
        if text:
            last.target_text, last.target_operator = text, op
            last.target_value, last.target_unit = value, unit
        if cols.get("actual"):
            last.actual_text = despace(cols["actual"])
            last.actual_operator, last.actual_value, last.actual_unit = read_quantity(
                last.actual_text
            )
        last.weight = weight if weight is not None else last.weight
        last.score = score if score is not None else last.score
        return True
