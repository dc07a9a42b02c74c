"""The unit's name where the report prints it as a name: fields and the profile's subjects.

The title says 奇台县社会保险管理局; the 职能 paragraph opens "奇台县社会保险中心负责…",
the project explanation says "项目承担单位：奇台县社会保险中心" and the performance table
"预算单位  奇台县社会保险中心". Each such mention is recorded with its line and how it
relates to the unit's name:

- "short-form": the name shortened with the short forms of ontology/codes/name-forms.ttl (社保
  for 社会保险) or a shortened place (县社保事务中心 for 苍溪县社会保险事务中心);
- "variant": the same place and words with another institution type (中心 for 管理局): the same
  body under another form of its name;
- "other-body": anything else (another place, other words).

The shape NARR-UNIT-NAME judges them (Warning for the first two, Violation for the third). Only
names printed as a field ("单位名称：", a table row's key cell) or as the subject that opens a
paragraph ("X负责…", "X无下属预算单位") are read: prose names other bodies all the time.
"""

from __future__ import annotations

import re
from functools import cache

from loaders.codelists import code_list
from loaders.model import Block, UnitNameMention
from loaders.performance.text import despace, text_lines
from loaders.text import label_key

# the last character of a place name (grammar: 省/市/州/县/区/旗/盟)
_PLACE_END = "省市州县区旗盟"
_SUBJECT_FOLLOWERS = r"(?=负责|无下属|下设|内设|机关设|主要职能|主要职责|是|为)"
# a paragraph opening with these words is about something else (由区财政局…, 第二条…)
_NOT_A_SUBJECT = ("由", "第", "根据", "按照", "依据", "经", "对", "在", "向", "从", "为", "将",
                  "据", "与", "和", "及")
_CJK = r"[\u4e00-\u9fff（）()]"


@cache
def _types() -> tuple[str, ...]:
    """Institution-type words, longest first (管理局 before 局)."""
    labels = {label for label, _ in code_list("institution-types").labels()}
    return tuple(sorted(labels, key=len, reverse=True))


@cache
def _short_forms() -> tuple[tuple[str, str], ...]:
    """(short form, full word) pairs, longest short form first."""
    words = code_list("name-words")
    pairs = [(label_key(alt), label_key(c.pref_zh)) for c in words.concepts.values()
             if c.pref_zh for alt in c.alt]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _fields() -> dict[str, str]:
    """Normalised field label → field key (reporting-unit, implementing-unit)."""
    return {label: key for label, key in code_list("unit-name-fields").labels()}


@cache
def _name_re() -> re.Pattern[str]:
    """The longest prefix that ends with an institution type: "X委员会单位：元" → "X委员会"."""
    types = "|".join(re.escape(t) for t in _types())
    return re.compile(rf"^({_CJK}*(?:{types}))")


def _as_name(text: str) -> str | None:
    m = _name_re().match(text.strip())
    return m.group(1) if m else None


@cache
def _subject_re() -> re.Pattern[str]:
    types = "|".join(re.escape(t) for t in _types())
    return re.compile(rf"^(?:\d{{4}}\s*年度?)?({_CJK}{{2,40}}?(?:{types})){_SUBJECT_FOLLOWERS}")


def extract_name_mentions(blocks: list[Block], unit_name: str) -> list[UnitNameMention]:
    mentions: list[UnitNameMention] = []
    for line, field, name in name_sites(blocks):
        relation = relate(name, unit_name)
        if relation is not None:
            mentions.append(UnitNameMention(line=line, field=field, name=name,
                                            relation=relation))
    return mentions


def name_sites(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(line, field key or "subject", name as printed) of every name field and subject."""
    found: list[tuple[int, str, str]] = []
    fields = _fields()
    for line, text in text_lines(blocks):
        text = despace(text)
        label, sep, value = text.partition("：") if "：" in text else text.partition(":")
        if sep and label_key(label) in fields:
            name = _as_name(value)
            if name:
                found.append((line, fields[label_key(label)], name))
            continue
        m = _subject_re().match(text)
        if m and not text.startswith(_NOT_A_SUBJECT):
            found.append((line, "subject", m.group(1)))
    for block in blocks:
        for row in block.rows:
            cells = [despace(c.text) for c in row.cells]
            for k, text in enumerate(cells[:-1]):
                key = fields.get(label_key(text))
                value = next((t for t in cells[k + 1 :] if t), None)
                name = _as_name(value) if key and value else None
                if key and name:
                    found.append((row.cells[k].line, key, name))
    return found


def _expand(name: str) -> str:
    key = label_key(name)
    for short, full in _short_forms():
        if short in key and full not in key:
            key = key.replace(short, full)
    return key


def _split_type(key: str) -> tuple[str, str]:
    for kind in _types():
        if key.endswith(label_key(kind)):
            return key[: -len(label_key(kind))], kind
    return key, ""


def _place(key: str) -> str:
    """The place that opens a name: up to its last place character before the body's words
    (上海市普陀区 of 上海市普陀区财政局); empty when none."""
    best = ""
    for i, ch in enumerate(key[:14]):
        if ch in _PLACE_END and i >= 1:
            best = key[: i + 1]
    return best


def _shortened_place(prefix: str, place: str) -> bool:
    """"" / "县" / "普陀区" / "区" shorten "苍溪县" / "上海市普陀区"; "苏州市" does not."""
    return prefix == "" or place.endswith(prefix) or (len(prefix) == 1 and place.endswith(prefix))


def relate(name: str, unit_name: str) -> str | None:
    """How ``name`` relates to the unit's name: None (the same), "short-form", "variant" or
    "other-body"."""
    unit = label_key(unit_name)
    printed = label_key(name)
    if not printed or printed == unit:
        return None
    expanded = _expand(name)
    place = _place(unit)
    body = unit[len(place):]
    if expanded == unit or (expanded.endswith(body) and body
                            and _shortened_place(expanded[: -len(body)], place)):
        return "short-form"
    core, kind = _split_type(expanded)
    unit_core, unit_kind = _split_type(unit)
    unit_body_core = unit_core[len(place):]
    if kind and unit_kind and unit_body_core and core.endswith(unit_body_core) and (
            _shortened_place(core[: -len(unit_body_core)], place)):
        return "variant"
    return "other-body"
