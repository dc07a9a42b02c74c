"""Items the narrative files on the other side of 基本支出 (NARR-ITEM-SIDE, -CODE) and 科目 it calls
项目支出 or 基本支出 against the tables (NARR-CODE-SIDE).

003 (苍溪县社会保险事务中心 2023 预算), line 558: "人员经费16104.34万元，主要包括：基本工资、
津贴补贴、奖金、社会保险缴费、工会经费、福利费、离休费、住房公积金、公务交通补贴等" — its own
economic table
(一般公共预算基本支出预算表) prints 30228 工会经费 8.74 (line 304) and 30239 其他交通费用 19.96
(line 305, the 款 of 公务交通补贴) under 公用经费, and 人员经费 16,104.34 = 301 + 303 without them;
福利费 (30229, 商品和服务支出) is in no table.
003, lines 528, 530, 542: 小学教育 2000万元, 初中教育 1026万元 and 其他行政事业单位养老支出
7375.6万元 are "…方面的项目支出", but the 单位支出总表 (lines 175, 176, 184) puts each whole
科目 in 基本支出, nothing in 项目支出, and the 项目支出 table has no row of them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from report_files import loaded as _loaded
from report_files import real_layouts
from report_files import sample as _sample
from validation_models import findings

from loaders.narrative.item_classes import extract_item_classes
from loaders.pipeline import load_text
from loaders.readers import read_blocks

D = Decimal
ITEM_RULES = ["NARR-ITEM-SIDE", "NARR-ITEM-SIDE-CODE"]
CODE_RULES = ["NARR-CODE-SIDE"]


def _keys(found: list) -> list[tuple[object, ...]]:
    return sorted((f.rule, f.line, f.severity, str(f.found), str(f.expected)) for f in found)


def test_003_lists_public_items_under_personnel() -> None:
    r = _loaded(_sample("003"))
    personnel = [i.name for i in r.item_classes if (i.line, i.side) == (558, "personnel")]
    assert personnel == ["基本工资", "津贴补贴", "奖金", "社会保险缴费", "工会经费", "福利费",
                         "离休费", "住房公积金", "公务交通补贴"]
    found = findings(r, rules=ITEM_RULES)
    assert _keys(found) == [
        ("NARR-ITEM-SIDE", 558, "Violation", "公务交通补贴", "public"),
        ("NARR-ITEM-SIDE", 558, "Violation", "工会经费", "public"),
        ("NARR-ITEM-SIDE-CODE", 558, "Warning", "福利费", "public"),
    ]
    union = next(f for f in found if f.found == "工会经费")
    assert "30228" in union.message and "8.74" in union.message and "line 304" in union.message
    transport = next(f for f in found if f.found == "公务交通补贴")
    assert "30239" in transport.message and "19.96" in transport.message


def test_003_calls_basic_expenditure_project_expenditure() -> None:
    found = findings(_loaded(_sample("003")), rules=CODE_RULES)
    assert _keys(found) == [("NARR-CODE-SIDE", line, "Violation", "项目支出", "基本支出")
                            for line in (528, 530, 542)]
    assert [(f.line, "line " + str(t) in f.message) for f, t in
            zip(sorted(found, key=lambda f: f.line), (175, 176, 184), strict=True)] == [
        (528, True), (530, True), (542, True)]


CLEAN = [_sample("000"), _sample("001"), _sample("002"), _sample("004"), *real_layouts()]


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.parent.name[:2] + p.name[:3])
def test_no_side_finding_elsewhere(path: Path) -> None:
    assert findings(_loaded(path), rules=ITEM_RULES + CODE_RULES) == []


def test_the_lists_read() -> None:
    # 01 (上海市普陀区财政局 2024 决算), lines 628–633: 10 items under 人员经费, 13 under 公用经费
    # (其他商品和服务支出 kept whole, 办公设备购置 a 310 item of 公用经费)
    r = _loaded(next(p for p in real_layouts() if p.parent.name.startswith("01")))
    sides = [(i.line, i.side) for i in r.item_classes]
    assert sides.count((628, "personnel")) == 10 and sides.count((631, "public")) == 13
    assert [i.name for i in r.item_classes][-2:] == ["其他商品和服务支出", "办公设备购置"]
    # amounts after the names, a closing 等, 名词解释's 类
    items = extract_item_classes(read_blocks(
        "人员经费 330.03 万元，主要包括：基本工资 93.21 万元、津贴补贴 127.73 万元等。\n\n"
        "五、基本支出：包括人员经费、公用经费。其中，人员经费包括工资福利支出、对个人和家庭的补助。\n"))
    assert [(i.side, i.name) for i in items] == [
        ("personnel", "基本工资"), ("personnel", "津贴补贴"), ("personnel", "工资福利支出"),
        ("personnel", "对个人和家庭的补助")]


def _move(text: str, line_from: str, line_to: str, item: str) -> str:
    """Move ``item`` from the list of ``line_from`` to the end of the list of ``line_to``."""
    lines = text.split("\n")
    i = next(k for k, t in enumerate(lines) if t.startswith(line_from))
    j = next(k for k, t in enumerate(lines) if t.startswith(line_to))
    listing = lines[i]
    assert item in listing
    lines[i] = listing.replace(f"、{item}", "").replace(f"{item}、", "")
    lines[j] = lines[j].rstrip("。") + f"、{item}。"
    return "\n".join(lines)


# (sample, the 人员经费 line's start, the 公用经费 line's start)
LISTS = [("000", "人员经费 307.41", "公用经费 5.85"), ("004", "人员经费905.30", "公用经费22.63")]


def test_planted_items_on_the_other_side_are_caught() -> None:
    planted = caught = 0
    for prefix, personnel, public in LISTS:
        clean = _sample(prefix).read_text(encoding="utf-8")
        r = load_text(clean, "clean.txt", "0" * 64)
        assert findings(r, rules=ITEM_RULES) == []
        lists = {side: [i.name for i in r.item_classes if i.side == side and
                        i.line == min(j.line for j in r.item_classes if j.side == side)]
                 for side in ("personnel", "public")}
        for side, (src, dst) in (("personnel", (personnel, public)),
                                 ("public", (public, personnel))):
            for name in lists[side]:
                text = _move(clean, src, dst, name)
                found = findings(load_text(text, "p.txt", "0" * 64), rules=ITEM_RULES)
                planted += 1
                caught += any(f.found == name.replace("（", "(").replace("）", ")")
                              for f in found)
    assert planted == 8 + 6 + 13 + 11
    assert caught / planted >= 0.9
    assert caught == planted


def _plant(text: str, line: int, raw: str, words: str) -> str | None:
    """``words`` inserted after the amount ``raw`` 万元 on ``line``, or None if not printed so."""
    lines = text.split("\n")
    printed = lines[line - 1]
    for form in (f"{raw}万元", f"{raw} 万元"):
        if form in printed:
            lines[line - 1] = printed.replace(form, f"{form}，主要用于本单位的{words}", 1)
            return "\n".join(lines)
    return None


def test_planted_sides_of_a_code_are_caught() -> None:
    # every 科目 amount of the clean reports whose 科目 the tables put wholly on one side: the
    # other side's word planted after it is caught, its own side's word raises nothing
    planted = caught = right = 0
    for path in [_sample("000"), _sample("004"), real_layouts()[5]]:  # 13
        r = _loaded(path)
        text = path.read_text(encoding="utf-8")
        project_rows = {f.code for t in r.tables if t.table_type == "gpb-project" for f in t.facts
                        if f.amount}
        for claim in r.claims:
            if not claim.code or claim.code[0] != "2" or "支出" in claim.sentence.split("万元")[-1]:
                continue
            sides = {f.column for t in r.tables for f in t.facts
                     if f.code == claim.code and f.column in ("basic", "project") and f.amount}
            if claim.code in project_rows:
                sides.add("project")
            if len(sides) != 1:
                continue  # both sides, or none printed: the narrative's word is not wrong
            (side,) = sides
            own, other = ("基本支出", "项目支出") if side == "basic" else ("项目支出", "基本支出")
            wrong = _plant(text, claim.line, claim.raw, other)
            if wrong is None:
                continue
            found = findings(load_text(wrong, path.name, "0" * 64), rules=CODE_RULES)
            planted += 1
            caught += any(f.line == claim.line for f in found)
            fine = findings(load_text(_plant(text, claim.line, claim.raw, own) or "", path.name,
                                      "0" * 64), rules=CODE_RULES)
            right += not fine
    assert planted >= 15
    assert caught / planted >= 0.9
    assert right == planted
