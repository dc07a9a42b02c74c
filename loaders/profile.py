"""The unit profile of 第一部分 概况: functions, internal offices, staffing.

- functions: the paragraphs under a 主要职能 / 职能简介 / 主要职责 heading up
  to the next chapter heading (二、… or 第二部分); the first such heading with
  text under it wins, so table-of-contents entries are skipped. Paragraphs a
  PDF tool wrapped (no sentence end) are joined without a break.
- offices: the list after "下设/内设 … ：" ("下设8个处室，分别是：办公室、…"),
  split on 、, in order, duplicates dropped; a list wrapped onto the next
  paragraph is followed, a truncated one is kept as printed.
- staffing: 编制数, 实有人数, 在职/退休/离休 with their 增加 (减少 → negative)
  from the first sentence that states 实有人数 or 编制数.
- supervising department: 主管部门 as a table key cell (performance tables)
  or "主管部门：…" in text; the most frequent value.
"""

from __future__ import annotations

import re
from collections import Counter

from loaders.model import Block, Staffing, UnitProfile
from loaders.performance.text import despace, ends_sentence, text_lines
from loaders.performance.vocabulary import header_key

_CN = "一二三四五六七八九十"
_FUNCTIONS_RE = re.compile(
    rf"^(?:[{_CN}]+\s*[、.．]\s*)?(?:单位|部门)?(?:主要职能|职能简介|主要职责|职能职责|基本职能|职能|职责)"
    r"(?:[及和与].{0,12})?$"
)
_CHAPTER_RE = re.compile(rf"^(?:[{_CN}]+\s*[、.．]|第[{_CN}0-9]+部分)")
_OFFICES_RE = re.compile(r"(?:下设|内设)[^：:。；]{0,30}?[：:]\s*(.*)$")
_INCREASE = r"(?:\s*[，,]?\s*(增加|减少)\s*(\d+)\s*人)?"
_STAFF_RES = {
    "authorized": re.compile(r"编制(?:数|人数)\s*(?:为|是)?\s*[:：]?\s*(\d+)"),
    "actual": re.compile(r"实有(?:人数|人员)\s*(?:为|是)?\s*[:：]?\s*(\d+)"),
    "active": re.compile(r"在职(?:人员|人数)?\s*(?:为|是)?\s*(\d+)\s*人" + _INCREASE),
    "retired": re.compile(r"(?<!离)退休(?:人员|人数)?\s*(?:为|是)?\s*(\d+)\s*人" + _INCREASE),
    "honorary_retired": re.compile(r"离休(?:人员|人数)?\s*(?:为|是)?\s*(\d+)\s*人" + _INCREASE),
}
_SUPERVISOR_TEXT_RE = re.compile(r"主管部门\s*(?:为|是|[:：])\s*([^，。；;,、\s]{4,40})")


def extract_profile(blocks: list[Block]) -> UnitProfile:
    lines = list(text_lines(blocks))
    profile = UnitProfile()
    functions = _functions(lines)
    if functions:
        profile.functions, profile.functions_line = functions
    offices = _offices(lines)
    if offices:
        profile.offices, profile.offices_line = offices
    profile.staffing = _staffing(lines)
    profile.supervising_department = _supervisor(blocks, lines)
    return profile


def _join_paragraphs(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and not ends_sentence(text):
            text += part  # wrapped by the PDF tool mid-sentence
        else:
            text = f"{text}\n{part}" if text else part
    return text


def _functions(lines: list[tuple[int, str]]) -> tuple[str, int] | None:
    for k, (_, text) in enumerate(lines):
        if not _FUNCTIONS_RE.match(despace(text)):
            continue
        body: list[tuple[int, str]] = []
        for line, part in lines[k + 1 :]:
            if _CHAPTER_RE.match(part):
                break
            body.append((line, part))
        if body:
            return _join_paragraphs([p for _, p in body]), body[0][0]
    return None


def _offices(lines: list[tuple[int, str]]) -> tuple[list[str], int] | None:
    for k, (line, text) in enumerate(lines):
        m = _OFFICES_RE.search(text)
        if not m:
            continue
        listing = m.group(1)
        for _, more in lines[k + 1 :]:
            if ends_sentence(listing) or _CHAPTER_RE.match(more):
                break
            listing += more  # the list wrapped onto the next paragraph
        names: list[str] = []
        for part in re.split(r"[、；;]", listing):
            name = despace(part).strip().rstrip("。.，, ")
            if name and name not in names:
                names.append(name)
        if names and names[-1].endswith("等") and len(names) > 1:
            names[-1] = names[-1][:-1]  # "…、财务股等。": 等 closes the list
        if names:
            return names, line
    return None


def _staffing(lines: list[tuple[int, str]]) -> Staffing | None:
    for k, (line, text) in enumerate(lines):
        if not (_STAFF_RES["actual"].search(text) or _STAFF_RES["authorized"].search(text)):
            continue
        sentence = text
        for _, more in lines[k + 1 : k + 3]:
            if ends_sentence(sentence):
                break
            sentence += more
        staffing = Staffing(line=line)
        for name, pattern in _STAFF_RES.items():
            m = pattern.search(sentence)
            if not m:
                continue
            setattr(staffing, name, int(m.group(1)))
            if pattern.groups >= 3 and m.group(2):
                change = int(m.group(3))
                setattr(staffing, f"{name}_increase", -change if m.group(2) == "减少" else change)
        return staffing
    return None


def _supervisor(blocks: list[Block], lines: list[tuple[int, str]]) -> str | None:
    found: Counter[str] = Counter()
    for block in blocks:
        for row in block.rows:
            cells = [c.text.strip() for c in row.cells]
            for i, text in enumerate(cells):
                if "部" not in text or header_key(text) != "主管部门":
                    continue
                value = next((t for t in cells[i + 1 :] if t), None)
                if value:
                    found[despace(value)] += 1
    for _, text in lines:
        for m in _SUPERVISOR_TEXT_RE.finditer(text):
            found[despace(m.group(1))] += 1
    return found.most_common(1)[0][0] if found else None
