"""Items the narrative files under 人员经费 or 公用经费: "人员经费X万元，主要包括：基本工资、
津贴补贴…；公用经费Z万元，主要包括：办公费、印刷费…".

An auditor checks each listed item against the economic classification: 工会经费 is a 商品和服务支出
(302, 公用经费), so a report that lists it under 人员经费 contradicts its own economic table. This
module records each listed name as printed with the side it is filed under and its line; the
shape NARR-ITEM-SIDE maps names to economic codes (their labels in ontology/codes/economic.ttl and
the narrative names in shapes/data/economic-sides.ttl) and compares the sides.

Only a side word followed by 包括/包含 and a list is read (the words "人员经费包括工资福利
支出、对个人和家庭的补助" of a 名词解释 name 类, which map as well). The list ends at the
sentence's end, a ；, or the other side's word.
"""

from __future__ import annotations

import re

from loaders.model import Block, StatedItemClass
from loaders.text import fold

from .sections import layout_sections
from .sentences import paragraphs

_SIDES = {"人员经费": "personnel", "公用经费": "public"}
# "人员经费330.03万元，主要包括：" / "人员经费包括" / "公用经费（定额）包括：" — grammar words only
_LIST_RE = re.compile(r"(人员经费|公用经费)[^；;。：:]{0,30}?(?:主要)?(?:包括|包含)\s*[：:]?")
_END_RE = re.compile(r"[。；;]|人员经费|公用经费")
_SPLIT_RE = re.compile(r"[、，,]")
# an amount printed after a name ("基本工资 93.21 万元"), a closing 等 ("…住房公积金等")
_AMOUNT_RE = re.compile(r"\s*[-\d,.]+\s*(?:万元|元)?\s*$")
_TAIL_RE = re.compile(r"等.*$")
_MAX_NAME = 16


def _names(listing: str) -> list[str]:
    names = []
    for piece in _SPLIT_RE.split(listing):
        name = _AMOUNT_RE.sub("", _TAIL_RE.sub("", "".join(piece.split())))
        name = name.strip("“”\"'（）() ")
        if 1 < len(name) <= _MAX_NAME and not any(ch.isdigit() for ch in name):
            names.append(name)
    return names


def extract_item_classes(blocks: list[Block]) -> list[StatedItemClass]:
    found: list[StatedItemClass] = []
    for para in paragraphs(blocks, layout_sections(blocks)):
        text = fold(para.text)
        for m in _LIST_RE.finditer(text):
            rest = text[m.end():]
            end = _END_RE.search(rest)
            stop = m.end() + (end.start() if end else len(rest))
            listing = para.text[m.end():stop]  # as printed: the fold keeps every offset
            line = para.line_at(m.start())
            found.extend(StatedItemClass(line=line, side=_SIDES[m.group(1)], name=name)
                         for name in _names(listing))
    return found
