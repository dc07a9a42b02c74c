"""What a self-evaluation row's explanation (偏差原因分析) says about the row's own values.

"=53 人" as the actual value with "一季度特殊工伤人员实际补助发放为 52 人" as its
explanation; a target "≥53 人" explained as "绩效指标设置大于 50 人"; an actual 162 against a
target ≥150 explained as "实际发放数小于年初绩效目标值". The explanation restates the actual
value, the target, or which side of the target the actual value lies; each is recorded on the
indicator (only in the row's own unit) and judged by shapes/performance/note.ttl. Grammar words
only.
"""

from __future__ import annotations

import re

from loaders.model import Indicator
from loaders.numbers import to_decimal
from loaders.text import label_key

_NUMBER = r"(\d+(?:\.\d+)?)\s*"
_UNIT = r"(万人|万元|万条|万份|人|次|个|户|件|份|条|元|%)"
# 实际补助发放为 52 人, 实际发放 51 人, 实际人均标准为 3846 元
_ACTUAL_RE = re.compile(rf"实际[^，,。；;\d]{{0,12}}?(?:为|是|达)?\s*{_NUMBER}{_UNIT}")
# 绩效指标设置大于 50 人, 该项设置绩效指标为大于 50 人, 目标值为 60 人
_TARGET_RE = re.compile(
    rf"(?:设置|目标值|指标值)[^，,。；;\d]{{0,10}}?"
    rf"(?:大于等于|小于等于|不低于|不少于|不超过|大于|小于|低于|高于|为|>=|≥|<=|≤)\s*{_NUMBER}{_UNIT}")
_BELOW_RE = re.compile(r"(?:小于|低于|少于|未达到|未完成)[^，,。；;]{0,8}?(?:目标|预计|计划|预期)")
_ABOVE_RE = re.compile(r"(?:大于|高于|超过|超出|多于)[^，,。；;]{0,8}?(?:目标|预计|计划|预期)")


def _same_unit(stated: str, unit: str | None) -> bool:
    return bool(unit) and label_key(unit or "").startswith(label_key(stated))


def read_note(indicator: Indicator) -> None:
    """Fill the indicator's note_* fields from its deviation note."""
    note = indicator.deviation_note
    if not note:
        return
    m = _ACTUAL_RE.search(note)
    if m and _same_unit(m.group(2), indicator.actual_unit):
        indicator.note_actual = to_decimal(m.group(1))
    m = _TARGET_RE.search(note)
    if m and _same_unit(m.group(2), indicator.target_unit):
        indicator.note_target = to_decimal(m.group(1))
    below, above = _BELOW_RE.search(note), _ABOVE_RE.search(note)
    if bool(below) != bool(above):
        indicator.note_direction = "below" if below else "above"
