"""Unnumbered headings of the explanation (COMPL-EXPLANATION-MISSING).

The Shanghai budgets open their explanation with a centred heading that has no marker:
"2025年部门预算编制说明" (13, line 82), "2026年部门预算编制说明" (04, line 89),
"2024年部门预算编制说明" (06, line 70), "2025年部门预算编制说明" (09, line 69),
"2025年单位预算编制说明" (12, line 94). It was not taken for a section, so 收支总体情况说明 was
reported missing in all five. A short line of its own that ends in 说明 is a heading now, and
"…部门/单位预算(编制|情况)说明" is the overall explanation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_files import REAL, real_layouts
from report_files import loaded as _loaded
from validation_models import findings

from loaders.pipeline import load_text

RULES = ["COMPL-EXPLANATION-MISSING"]
HEADINGS = {"04": (89, "2026年部门预算编制说明"), "06": (70, "2024年部门预算编制说明"),
            "09": (69, "2025年部门预算编制说明"), "12": (94, "2025年单位预算编制说明"),
            "13": (82, "2025年部门预算编制说明")}


def _layout(prefix: str) -> Path:
    return next(p for p in real_layouts() if p.parent.name.startswith(prefix))


@pytest.mark.parametrize("prefix", sorted(HEADINGS))
def test_the_budget_explanation_heading_is_a_section(prefix: str) -> None:
    r = _loaded(_layout(prefix))
    line, title = HEADINGS[prefix]
    assert any((s.line, s.title) == (line, title) for s in r.sections)
    assert findings(r, rules=RULES) == []


def test_the_other_unnumbered_headings_of_13() -> None:
    titles = {(s.line, s.title) for s in _loaded(_layout("13")).sections}
    assert {(394, "其他相关情况说明"), (416, "项目经费情况说明")} <= titles


def _without(text: str, heading: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() != heading)


def test_a_budget_without_its_overall_explanation_is_still_reported() -> None:
    path = _layout("13")
    text = _without(path.read_text(encoding="utf-8"), "2025年部门预算编制说明")
    found = findings(load_text(text, "13.txt", "0" * 64), rules=RULES)
    assert [(f.severity, f.value) for f in found] == [("Warning", "explain-overall")]


@pytest.mark.parametrize("heading", ["2019年单位预算编制说明", "2023 年部门预算情况说明",
                                     "某某县某某局2022年部门预算情况说明", "部门预算编制说明"])
def test_the_heading_in_any_year_and_unit(heading: str) -> None:
    text = _without(_layout("13").read_text(encoding="utf-8"), "2025年部门预算编制说明")
    opening = "    2025年，上海市普陀区财政局收入预算"
    text = text.replace(opening, f"{heading}\n\n{opening}")
    assert findings(load_text(text, "13.txt", "0" * 64), rules=RULES) == []


def test_what_is_not_an_overall_explanation_heading() -> None:
    # the 三公 explanation's heading is a section, not the overall explanation; a sentence that
    # ends in 说明 is no heading
    text = _without(_layout("13").read_text(encoding="utf-8"), "2025年部门预算编制说明")
    text = text.replace("    2025年，上海市普陀区财政局收入预算",
                        "具体情况如下，特此说明\n\n    2025年，上海市普陀区财政局收入预算")
    r = load_text(text, "13.txt", "0" * 64)
    assert not any("特此说明" in s.title for s in r.sections)
    assert [f.value for f in findings(r, rules=RULES)] == ["explain-overall"]


def test_the_final_account_keeps_its_numbered_heading() -> None:
    r = _loaded(next((REAL / "01_shanghai-putuo_czj_2024_final").glob("*.layout.txt")))
    assert findings(r, rules=RULES) == []
