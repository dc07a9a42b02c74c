"""Prior-year figures implied by different sections (NARR-PRIOR-SECTIONS, NARR-PRIOR-PARTS).

002 (克州社会保险中心 2022 预算) implies four different totals for last year:
- 收入预算 (lines 302–310): 一般公共预算 368.55 (+54.05), 上级专项收入 11.40 (+5.10),
  单位上年结余 9.80 (−39.52): 389.75 this year, 370.12 last year; 支出预算 (316, 318):
  基本支出 363.55 (+19.03), 项目支出 26.20 (+6.90): the same 389.75, but 363.82 last year.
- 一般公共预算 368.55 (+54.05, line 302): 314.50 last year; its 基本支出 352.15 (+43.95) and
  项目支出 16.4 (−2.9) (line 336): 327.50; its four 项 (lines 344–352, −5.63 + 16.40 + 15.40
  + 32.88): 309.50.
000 and 004 imply one total each way: 000's 收入 (911.29, +605.62) and 支出 (313.26 + 598.03) both
give 305.67, its 一般公共预算 基本 + 项目 (line 386) and its seven 项 (396–408) both 305.67 for
873.38; 004's 收入 and 支出 (1010.70, +93.88) agree, and so do its 一般公共预算 基本 + 项目 and 项
(1010.39, +127.96).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from report_files import loaded as _loaded
from report_files import real_layouts
from report_files import sample as _sample
from validation_models import findings

from loaders.pipeline import load_text

D = Decimal
RULES = ["NARR-PRIOR-PARTS", "NARR-PRIOR-SECTIONS"]


def test_002_implies_four_prior_year_totals() -> None:
    found = findings(_loaded(_sample("002")), rules=RULES)
    assert sorted((f.rule, f.line, f.severity, f.found, f.expected) for f in found) == [
        ("NARR-PRIOR-SECTIONS", 316, "Violation", D("363.82"), D("370.12")),
        ("NARR-PRIOR-SECTIONS", 336, "Violation", D("327.5"), D("314.5")),
        ("NARR-PRIOR-SECTIONS", 344, "Violation", D("309.5"), D("314.5")),
        ("NARR-PRIOR-SECTIONS", 344, "Violation", D("309.5"), D("327.5")),
    ]
    income = next(f for f in found if f.line == 316)
    words = set(income.message.replace(",", " ").split())
    assert {"389.75", "302", "308", "310", "316", "318"} <= words
    codes = next(f for f in found if f.line == 344 and f.expected == D("327.5"))
    assert {"344", "346", "350", "352"} <= set(codes.message.replace(",", " ").split())


@pytest.mark.parametrize("path", [_sample("000"), _sample("001"), _sample("003"), _sample("004"),
                                  *real_layouts()],
                         ids=lambda p: p.parent.name[:2] + p.name[:3])
def test_one_prior_year_elsewhere(path: Path) -> None:
    assert findings(_loaded(path), rules=RULES) == []


def _shift_change(text: str, line: int, change: Decimal, by: Decimal) -> str | None:
    """The change printed after 增加/减少 on ``line`` or the three lines after it, moved ``by``."""
    lines = text.split("\n")
    printed = f"{abs(change):,.2f}"
    for k in range(line - 1, min(line + 3, len(lines))):
        for verb in ("增加", "减少"):
            for space in ("", " "):
                old = f"{verb}{space}{printed}"
                if old in lines[k]:
                    lines[k] = lines[k].replace(old, f"{verb}{space}{abs(change) + by:,.2f}", 1)
                    return "\n".join(lines)
    return None


def test_planted_prior_year_disagreements_are_caught() -> None:
    # every change of a breakdown (a section with two or more amounts and changes) of 000 and
    # 004, moved by 1.00 either way: last year's total of that breakdown moves, the other
    # section's stays
    planted = caught = 0
    for prefix in ("000", "004"):
        r = _loaded(_sample(prefix))
        text = _sample(prefix).read_text(encoding="utf-8")
        sized = [c for c in r.claims if c.amount is not None and c.change is not None]
        breakdowns = {c.section for c in sized if sum(d.section == c.section for d in sized) >= 2}
        for claim in sized:
            if claim.section not in breakdowns or claim.change is None:
                continue
            for by in (D("1.00"), D("-1.00")):
                planted_text = _shift_change(text, claim.line, claim.change, by)
                if planted_text is None or abs(claim.change) + by < 0:
                    continue
                found = findings(load_text(planted_text, "p.txt", "0" * 64), rules=RULES)
                planted += 1
                caught += bool(found)
    assert planted == 59  # 0.00 moved down by 1.00 is no amount
    assert caught / planted >= 0.9
    assert caught == planted


# A whole and its parts in one paragraph, each with its change: {c} is the whole's change.
FORMS = [
    "十二、关于某单位2023年支出变化情况说明\n\n某单位2023年支出预算503.46万元，比上年预算增加{c}万元，"
    "其中：基本支出301.25万元，比上年预算增加20.13万元；项目支出202.21万元，比上年预算增加30.27万元。\n",
    "十二、关于某单位2023年财政拨款情况说明\n\n某单位2023年一般公共预算拨款合计503.46万元，比上年预算增加"
    "{c}万元，其中：基本支出301.25万元，比上年预算增加20.13万元；项目支出202.21万元，比上年预算增加"
    "30.27万元。\n",
]


def test_a_whole_and_its_parts_in_one_section() -> None:
    clean = _sample("000").read_text(encoding="utf-8")
    planted = caught = 0
    for form in FORMS:
        right = load_text(clean + "\n" + form.format(c="50.40"), "p.txt", "0" * 64)
        assert findings(right, rules=RULES) == []
        for wrong in ("50.45", "50.35", "51.40", "49.40", "40.40", "60.40", "5.04", "54.00"):
            r = load_text(clean + "\n" + form.format(c=wrong), "p.txt", "0" * 64)
            found = findings(r, rules=RULES)
            planted += 1
            hit = [f for f in found if f.rule == "NARR-PRIOR-PARTS"]
            caught += bool(hit)
            if hit:
                assert hit[0].expected == D("503.46") - D(wrong)
                assert hit[0].found == D("503.46") - D("50.40")
    assert planted == 16
    assert caught / planted >= 0.9
    assert caught == planted
