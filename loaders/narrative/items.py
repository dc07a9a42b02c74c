"""What a sentence names: line items and classification codes, from the code lists.

The words come from ``ontology/codes`` only: the line-item list (本年收入,
基本支出, 三公 items …), the function classification (类/款/项 names) and the
economic classification (基本工资, 办公费 …). They are merged into one
character trie so a sentence is scanned once, longest label first, instead of
trying a regex per label.

Classification paths — "社会保障和就业支出（类）人力资源和社会保障管理事务（款）
行政运行（项）", "…（类：208）…（款：01）…（项：09）", "公共安全支出（204类）司法
（06款）行政运行（01项）" or "住房保障支出-住房改革支出-购房补贴" — resolve level by
level: a 项 name is looked up only among the children of its 款, so 行政运行 (a name
shared by a dozen 款) gets the code the sentence means. A printed notation wins over
the name (the name that disagrees is a warning); a code printed in full that the list
lacks is kept as printed (``printed_code``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.codelists import CodeList, code_list
from loaders.text import label_key

# Separators that end a clause. Labels never span them, so a trie walk stops
# there (label_key drops them from labels, but the text keeps them as a stop).
CLAUSE_SEPARATORS = frozenset(",;。:、!?")
_STOP = "|"
_OPENERS = {"“": "”", "‘": "’", "「": "」", "《": "》"}

# Free-text scanning uses only labels long enough to be specific: "合计" (a
# table row label) or "外交" (a class name without 支出) would match inside
# unrelated words. Class paths with （类） markers are not limited.
_MIN_LEN = {"line-items": 3, "function": 4, "economic": 2}
# Earlier schemes win when two lists share a label (住房公积金 is both a
# function 项 and an economic 款; in running text it is the line-item or the
# economic sense far more often, and 项 names are taken only from paths).
_SCHEMES = ("line-items", "function", "economic")


@dataclass(frozen=True)
class Label:
    scheme: str  # "line-items" | "function" | "economic"
    key: str  # line-item key or classification notation


@dataclass
class Match:
    start: int  # offsets in the sentence
    end: int
    label: Label | None  # None for a path that did not resolve
    text: str  # the words as printed


def _lists() -> dict[str, CodeList]:
    lists = {}
    for scheme in _SCHEMES:
        try:
            lists[scheme] = code_list(scheme)
        except KeyError:  # a code list not written yet: scan with the others
            continue
    return lists


def _free_text_key(scheme: str, keys: list[str]) -> str | None:
    """The key a label names in running text, or None when it names several.

    Function 项 names are too generic on their own (住房公积金, 死亡抚恤 read as
    other things in running text), so only 类 and 款 names count; 项 names
    resolve inside a 类/款/项 path. 其他社会保障和就业支出 (款 20899 and 项
    2089999) is the 款 here. Economic 项 (失业保险 under 其他社会保障缴费) the
    same: the narrative lists 款 (基本工资, 办公费).
    """
    if scheme in ("function", "economic"):
        keys = [k for k in keys if len(k) <= 5]
    return keys[0] if len(keys) == 1 else None


def _free_text_labels(cl: CodeList) -> dict[str, list[str]]:
    """Normalised label → keys, from pref and alt labels only.

    Hidden labels name a concept only in context (单位资金 under 非财政拨款结转),
    so running text never resolves to them.
    """
    out: dict[str, list[str]] = {}
    for key, concept in sorted(cl.concepts.items()):
        hidden = set(getattr(concept, "hidden", []) or [])
        for lab in [concept.pref_zh, *concept.alt]:
            if not lab or lab in hidden:
                continue
            keys = out.setdefault(label_key(lab), [])
            if key not in keys:
                keys.append(key)
    return out


@lru_cache(maxsize=1)
def label_trie() -> dict:
    """Character trie over normalised labels; a node's "" entry is the Label."""
    root: dict = {}
    for scheme, cl in _lists().items():
        for lab, keys in _free_text_labels(cl).items():
            if lab.isascii() or len(lab) < _MIN_LEN[scheme]:
                continue  # English labels never occur in the reports' text
            key = _free_text_key(scheme, keys)
            if key is None:
                continue
            node = root
            for ch in lab:
                node = node.setdefault(ch, {})
            node.setdefault("", Label(scheme, key))
    return root


@lru_cache(maxsize=4096)
def _kept(ch: str) -> bool:
    # The characters label_key keeps; the others are skipped while walking.
    return bool(label_key(ch))


# Characters that may stand right before an economic class name in running text ("其中办公费",
# "包括基本工资", "的住房公积金"); any other ideograph makes the name the tail of a longer one.
_GRAMMAR_BEFORE = frozenset("中的和及与为含括是")


def _inside_word(folded: str, start: int) -> bool:
    if start == 0:
        return False
    before = folded[start - 1]
    return "\u4e00" <= before <= "\u9fff" and before not in _GRAMMAR_BEFORE


def scan_labels(folded: str, masked: set[int] | frozenset[int] = frozenset()) -> list[Match]:
    """Labels named in ``folded`` (a width-folded sentence), longest first, left to right.

    Characters label_key ignores (spaces, brackets, quotes) are skipped while
    walking, so "因公出国(境)费" matches the label 因公出国（境）费; clause
    separators and ``masked`` offsets (the unit's own name) stop a walk.
    """
    root = label_trie()
    keys: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(folded):
        if i in masked or ch in CLAUSE_SEPARATORS:
            keys.append(_STOP)
            offsets.append(i)
        elif _kept(ch):
            keys.append(ch)
            offsets.append(i)
    out: list[Match] = []
    i, n = 0, len(keys)
    while i < n:
        node = root.get(keys[i])
        best, found = -1, None
        j = i
        while node is not None:
            if "" in node:
                best, found = j, node[""]
            j += 1
            if j >= n:
                break
            node = node.get(keys[j])
        if found is not None and found.scheme == "economic" and _inside_word(folded, offsets[i]):
            i += 1  # "信息化系统日常维护费": a narrower item, not the class 维修（护）费
            continue
        if found is not None:
            start, end = offsets[i], offsets[best] + 1
            # Take the closing bracket of a label that ends inside one:
            # "单位上年结余（不包括国库集中支付额度结余）".
            while end < len(folded) and folded[end] in ")]" and (
                folded.count("(", start, end) > folded.count(")", start, end)
            ):
                end += 1
            # …and the opening quote of one that starts inside quotes: "“三公”经费".
            if start > 0 and folded[start - 1] in _OPENERS and (
                _OPENERS[folded[start - 1]] in folded[start:end]
            ):
                start -= 1
            out.append(Match(start, end, found, folded[start:end]))
            i = best + 1
        else:
            i += 1
    return out


def lookup(words: str) -> Label | None:
    """The label whose normalised form is exactly ``words`` (any length, any scheme)."""
    for scheme, cl in _lists().items():
        keys = cl.by_label(words)
        if len(keys) == 1:
            return Label(scheme, keys[0])
    return None


# ---------------------------------------------------------------------------
# Classification paths: 名称（类）名称（款）名称（项）
# ---------------------------------------------------------------------------

# One level of a path on folded text: the name runs back to the previous
# bracket or separator; the notation after 类/款/项 is optional.
# The notation may also come before the level word: "公共安全支出（204类）司法（06款）".
_LEVEL_RE = re.compile(
    r"(?P<name>[^()\[\],;。:、!?\d\s.]+?)\s*\(\s*(?:(?P<pre>\d{1,7})\s*)?(?P<level>类|款|项)"
    r"\s*(?::\s*(?P<num>\d{1,7}))?\s*\)"
)
_DEPTH = {"类": 0, "款": 1, "项": 2}
_CODE_LEN = (3, 5, 7)


@dataclass
class PathLevel:
    name: str
    level: int  # 0 类, 1 款, 2 项
    num: str | None


# A path printed as names joined by dashes ("“一般公共服务支出-政府办公厅（室）及相关机构事务-
# 行政运行”科目"). Taken only when its first name is a 类 of the function list: "2024-2026年"
# is no path.
_DASH_NAME = r"[^\s\d“”\"'‘’,;。:、!?\-—－]{2,40}"
_DASH_PATH_RE = re.compile(rf"(?P<body>{_DASH_NAME}(?:\s*[-—－]\s*{_DASH_NAME}){{1,2}})")
_DASH_RE = re.compile(r"\s*[-—－]\s*")


def _dash_paths(folded: str) -> list[tuple[int, int, list[PathLevel]]]:
    out = []
    for m in _DASH_PATH_RE.finditer(folded):
        names = _DASH_RE.split(m.group("body"))
        if _by_name("function", names[0], 0, None, None) is None:
            continue
        levels = [PathLevel(name, depth, None) for depth, name in enumerate(names)]
        out.append((m.start(), m.end(), levels))
    return out


def find_paths(folded: str) -> list[tuple[int, int, list[PathLevel]]]:
    """(start, end, levels) of each 类/款/项 run, levels adjacent and in order."""
    if "-" in folded or "—" in folded:
        dashed = _dash_paths(folded)
        if dashed:
            return dashed + [p for p in _bracket_paths(folded)
                             if not any(s < p[1] and p[0] < e for s, e, _ in dashed)]
    return _bracket_paths(folded)


def _bracket_paths(folded: str) -> list[tuple[int, int, list[PathLevel]]]:
    paths: list[tuple[int, int, list[PathLevel]]] = []
    for m in _LEVEL_RE.finditer(folded):
        # A path may be quoted as a whole: “一般公共服务支出（类）…（项）”; the quote is not
        # part of the name.
        raw_name = m.group("name")
        name = raw_name.lstrip().lstrip("“‘「『\"'").strip()
        begin = m.start() + len(raw_name) - len(raw_name.lstrip().lstrip("“‘「『\"'"))
        level = PathLevel(name, _DEPTH[m.group("level")],
                          m.group("num") or m.group("pre"))
        if paths and not folded[paths[-1][1] : m.start()].strip() and (
            paths[-1][2][-1].level < level.level
        ):
            start, _, levels = paths[-1]
            paths[-1] = (start, m.end(), [*levels, level])
        else:
            paths.append((begin, m.end(), [level]))
    return paths


def _name_variants(name: str) -> list[str]:
    # Reports print names with or without the trailing 支出 (住房保障（类）).
    out = [name]
    if name.endswith("支出") and len(name) > 4:
        out.append(name[:-2])
    else:
        out.append(name + "支出")
    return out


@lru_cache(maxsize=4)
def _children(scheme: str) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {}
    cl = _lists().get(scheme)
    if cl is None:
        return kids
    for key, concept in cl.concepts.items():
        for parent in concept.broader:
            kids.setdefault(parent, []).append(key)
    return kids


def _by_name(scheme: str, name: str, depth: int, parent: str | None,
             year: int | None) -> str | None:
    cl = _lists().get(scheme)
    if cl is None:
        return None
    allowed = set(_children(scheme).get(parent, [])) if parent else None
    for variant in _name_variants(name):
        keys = [
            k for k in cl.by_label(variant)
            if len(k) == _CODE_LEN[depth] and (allowed is None or k in allowed)
        ]
        if len(keys) > 1 and year is not None:
            keys = [k for k in keys if cl.valid_in(k, year)] or keys
        if len(keys) == 1:
            return keys[0]
    return None


def _by_notation(num: str, depth: int, parent: str | None) -> str | None:
    if len(num) == _CODE_LEN[depth]:
        return num  # printed in full: "（项：2080109）"
    if parent is not None and len(parent) == _CODE_LEN[depth - 1] and len(num) <= 2:
        return parent + num.zfill(2)
    return None


def resolve_path(levels: list[PathLevel], year: int | None = None) -> Label | None:
    """The code a path names; None unless every level resolves.

    A notation printed in the text wins over the name (it is what the report
    says); a name is matched among the children of the level above, or, for a
    path that starts below 类 ("行政运行（项）" alone), only if it is unique at
    its depth. Function paths are the common case; "工资福利支出（类）基本工资
    （款）" resolves in the economic classification.
    """
    for scheme in ("function", "economic"):
        code = _resolve_in(scheme, levels, year)
        if code is not None:
            return Label(scheme, code)
    return None


def _resolve_in(scheme: str, levels: list[PathLevel], year: int | None) -> str | None:
    cl = _lists().get(scheme)
    code: str | None = None
    for lv in levels:
        found = _by_notation(lv.num, lv.level, code) if lv.num else None
        if found is None:
            found = _by_name(scheme, lv.name, lv.level, code, year)
        if found is None or cl is None or found not in cl.concepts:
            return None
        code = found
    return code


def named_code(levels: list[PathLevel], year: int | None = None) -> str | None:
    """The function code the names of a path give, ignoring printed notations (None if any
    printed notation is missing: nothing to compare)."""
    if not any(lv.num for lv in levels):
        return None
    bare = [PathLevel(lv.name, lv.level, None) for lv in levels]
    label = resolve_path(bare, year)
    return label.key if label is not None else None


def printed_code(levels: list[PathLevel]) -> str | None:
    """The function code a path spells out in full from 类 down (204 + 06 + 01), or None.

    What the report prints is recorded even when the code list lacks the code
    (the caller warns); a path with names only needs the list.
    """
    if not levels or levels[0].level != 0 or not all(lv.num for lv in levels):
        return None
    code: str | None = None
    for depth, lv in enumerate(levels):
        if lv.level != depth:
            return None
        code = _by_notation(lv.num or "", lv.level, code)
        if code is None:
            return None
    return code if code and code[0] == "2" else None


def path_text(levels: list[PathLevel]) -> str:
    marks = "类款项"
    return "".join(f"{lv.name}（{lv.num or ''}{marks[lv.level]}）" for lv in levels)
