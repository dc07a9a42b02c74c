"""Headcount × rate × months against the amount the paragraph budgets (NARR-PRODUCT-AMOUNT).

002: "预算安排规模：8.40 万元" (line 382) and "聘用 38 名社会保险工作代办员，
按每人每月 750 元进行补助，全年补助 7 个月" (line 386): 38 × 750 × 7 = 199,500 元 = 19.95万元
(8.40万元 is 16 people, the number its performance table gives).
004: "预算安排规模：82.46万元" (line 440), "补贴人数：257人", "生活费120元/月/人；
冬碳费920元/年/人" (lines 450–452): 257 × (120 × 12 + 920) = 606,520 元; no number of months
is printed, so a Warning.
000's project (line 468) has a per-insured-person factor (0.18 元/人) and no headcount: the
product is not determined, and not read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from report_files import REAL
from report_files import loaded as _loaded
from report_files import sample as _sample
from validation_models import findings, rules_at

from loaders.narrative.products import extract_products
from loaders.pipeline import load_text
from loaders.readers import read_blocks

D = Decimal
RULES = ["NARR-PRODUCT-AMOUNT", "NARR-PRODUCT-AMOUNT-IMPLIED"]


def test_002_budgets_16_people_for_38() -> None:
    r = _loaded(_sample("002"))
    (p,) = r.stated_products
    assert (p.line, p.amount_line, p.quantity, p.monthly_rate, p.yearly_rate, p.months,
            p.amount) == (386, 382, 38, D("750"), D("0"), 7, D("8.40"))
    (f,) = findings(r, rules=RULES)
    assert (f.rule, f.severity, f.line, f.found, f.expected) == (
        "NARR-PRODUCT-AMOUNT", "Violation", 386, D("84000"), D("199500"))
    assert "line 382" in f.message


def test_004_subsidy_without_its_months() -> None:
    r = _loaded(_sample("004"))
    (p,) = r.stated_products
    assert (p.line, p.amount_line, p.quantity, p.monthly_rate, p.yearly_rate, p.months,
            p.amount) == (452, 440, 257, D("120"), D("920"), None, D("82.46"))
    (f,) = findings(r, rules=RULES)
    assert (f.rule, f.severity, f.line, f.found, f.expected) == (
        "NARR-PRODUCT-AMOUNT-IMPLIED", "Warning", 452, D("824600"), D("606520"))


@pytest.mark.parametrize("path", [_sample("000"), _sample("001"), _sample("003"),
                                  *[next(d.glob("*.layout.txt")) for d in sorted(REAL.iterdir())
                                    if d.is_dir()]])
def test_no_determined_product_elsewhere(path: Path) -> None:
    assert _loaded(path).stated_products == []


# Phrasings of one paragraph, each with {n} people, {rate} 元 a month, {months} months and the
# amount {amount} 万元 it budgets.
FORMS = [
    "预算安排规模：{amount}万元\n\n资金分配情况：聘用{n}名协管员，按每人每月{rate}元进行补助，全年补助{months}个月。\n",
    "预算安排规模：{amount}万元\n\n补助人数：{n}人\n\n补助标准：{rate}元/人/月\n\n补助期限：{months}个月\n",
    "资金分配情况：补贴人数{n}人，补贴标准{rate}元/月/人，发放{months}个月，共计{amount}万元。\n",
]


def _project(form: str, n: int, rate: int, months: int, amount: str) -> str:
    return "1. 项目名称：某某补助项目\n\n" + form.format(n=n, rate=rate, months=months,
                                                   amount=amount)


def _wan(n: int, rate: int, months: int) -> str:
    return str((D(n * rate * months) / 10000).quantize(D("0.01")))


def test_a_right_product_raises_nothing() -> None:
    clean = _sample("000").read_text(encoding="utf-8")
    for form in FORMS:
        for n, rate, months in [(16, 750, 7), (257, 120, 12), (3, 1500, 10)]:
            text = clean + "\n" + _project(form, n, rate, months, _wan(n, rate, months))
            r = load_text(text, "planted.txt", "0" * 64)
            assert findings(r, rules=RULES) == [], form


def test_planted_products_are_caught() -> None:
    # each factor moved in turn (one person more or fewer, the rate ±50 元, a month more or
    # fewer), and the amount moved by a unit of its last digit beyond rounding
    clean = _sample("000").read_text(encoding="utf-8")
    base = [(16, 750, 7), (257, 120, 12), (3, 1500, 10)]
    planted = caught = 0
    for form in FORMS:
        for n, rate, months in base:
            right = _wan(n, rate, months)
            for wrong in [(n + 1, rate, months), (n - 1, rate, months), (n, rate + 50, months),
                          (n, rate - 50, months), (n, rate, months + 1), (n, rate, months - 1)]:
                text = clean + "\n" + _project(form, *wrong, amount=right)
                r = load_text(text, "planted.txt", "0" * 64)
                planted += 1
                caught += bool(rules_at(findings(r, rules=RULES)))
            moved = str(D(right) + D("0.02"))
            r = load_text(clean + "\n" + _project(form, n, rate, months, moved), "p.txt", "0" * 64)
            planted += 1
            caught += bool(rules_at(findings(r, rules=RULES)))
    assert planted == 3 * 3 * 7
    assert caught / planted >= 0.9
    assert caught == planted


def test_what_is_not_read() -> None:
    def products(text: str) -> int:
        return len(extract_products(read_blocks(text)))

    # a per-head factor of another quantity: the product is not determined
    assert products("资金分配情况：每人每月补助标准金额 750 元/人/月，"
                    "参保人数人均工作经费 0.18 元/人，代办员补助月数 7 个月，共计 7.00 万元\n") == 0
    # two headcounts
    assert products("聘用10名协管员、5名保洁员，每人每月800元，共计12万元。\n") == 0
    # no amount
    assert products("聘用10名协管员，每人每月800元，全年补助12个月。\n") == 0
