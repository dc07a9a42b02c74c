"""The one parser of printed numbers (loaders/numbers.py) and the one text normaliser
(loaders/text.py): what they accept and refuse, on strings as the bundled reports print them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.numbers import (
    decimals,
    half_unit,
    is_formatted_amount,
    is_not_stated,
    parse_amount,
    to_decimal,
)
from loaders.performance.values import parse_number
from loaders.performance.vocabulary import header_key
from loaders.text import PUNCTUATION, fold, label_key, match_key, nfkc

D = Decimal
PERFORMANCE_UNITS = ("%", "分", "万元", "元")


@pytest.mark.parametrize(("printed", "value"), [
    ("774.29", D("774.29")),  # 000 line 141, 208 01 total column
    ("35.5 6", D("35.56")),  # 000 lines 140-141: one number split by a space in extraction
    ("3,886.87", D("3886.87")),  # 000 line 366
    ("0 46,140,000", D("46140000")),  # 09 layout.txt line 142: a stray 0 before the amount
    ("（12.50）", D("-12.50")),  # a negative in full-width parentheses
    ("(12.50)", D("-12.50")),
    ("-0.31", D("-0.31")),
    ("１２３．４５", D("123.45")),  # full-width digits and point
    ("0.00", D("0.00")),  # a printed zero is an amount
])
def test_amounts_accepted_with_their_printed_digits(printed: str, value: Decimal) -> None:
    got = parse_amount(printed)
    assert got == value and str(got) == str(value)  # "0.00" stays 0.00, not 0


@pytest.mark.parametrize("printed", [
    "", "-", "--", "—", "——", "－", "/", "…",  # not stated: no fact at all
    "1 2",  # two integers: column numbers or codes, not one amount
    "1,2",  # a comma that is no thousands separator
    "12,34.5",
    "98.00 分",  # a table cell prints no unit word
    "合计", "2080109 人力资源",
    "−3",  # U+2212 is read in running text (to_decimal), not in a cell
])
def test_cells_refused(printed: str) -> None:
    assert parse_amount(printed) is None


def test_not_stated_and_formatted() -> None:
    assert is_not_stated("——") and is_not_stated(" ") and not is_not_stated("0.00")
    assert is_formatted_amount("0.31") and is_formatted_amount("1,500")
    assert not is_formatted_amount("208") and not is_formatted_amount("—")


@pytest.mark.parametrize(("printed", "value"), [
    ("9.10 分", D("9.10")),  # 001 line 185, a performance score
    ("98.00 分", D("98.00")),  # 001 line 199
    ("97.55%", D("97.55")),  # 001 line 71
    ("90.99％", D("90.99")),
    ("5万元", D("5")),
    ("8.90", D("8.90")),
])
def test_performance_cells_may_print_a_unit(printed: str, value: Decimal) -> None:
    assert parse_amount(printed, PERFORMANCE_UNITS) == value
    assert parse_number(printed) == value and str(parse_number(printed)) == str(value)


@pytest.mark.parametrize("printed", ["—", "按照正常比例赋分", "分", "≥95%", "2023 年 12 月"])
def test_performance_cells_refused(printed: str) -> None:
    assert parse_number(printed) is None


@pytest.mark.parametrize(("digits", "value"), [
    ("10,938.34", D("10938.34")),  # 001 line 63 "收入总计 10,938.34 万元"
    ("−3.5", D("-3.5")),  # a minus sign as printed in running text
    ("0.00", D("0.00")),
    ("3.82", D("3.82")),
])
def test_digits_found_in_text(digits: str, value: Decimal) -> None:
    assert to_decimal(digits) == value


def test_digits_that_are_no_number() -> None:
    assert to_decimal("1.2.3") is None and to_decimal("") is None


@pytest.mark.parametrize(("printed", "places", "half"), [
    ("774.29", 2, D("0.005")),
    ("3,886.87", 2, D("0.005")),
    ("35.5 6", 2, D("0.005")),  # the split digits count
    ("（12.3）", 1, D("0.05")),  # the bracket is no digit
    ("7.00", 2, D("0.005")),
    ("46,140,000", 0, D("0.5")),
    ("1.2345", 4, D("0.00005")),
])
def test_rounding_of_a_printed_number(printed: str, places: int, half: Decimal) -> None:
    assert decimals(printed) == places
    assert half_unit(printed) == half
    # what the loader writes as fkg:halfUnit: the shapes allow at least cents of the unit
    assert half_unit(printed, finest=2) == max(half, D("0.005"))


def test_unit_names_keep_punctuation_but_not_spaces() -> None:
    # the key is hashed into the unit's IRI: "克州 社保 中心" is "克州社保中心"
    assert match_key("克州 社保 中心") == match_key("克州社保中心") == "克州社保中心"
    assert match_key("苍溪县（本级）") == "苍溪县(本级)"  # full width folded, brackets kept


def test_label_and_header_keys() -> None:
    assert label_key("一般公共预算 财政拨款（补助）支出") == "一般公共预算财政拨款补助支出"
    assert label_key("“三公”经费") == "三公经费" == match_key("“三公” 经费", drop=PUNCTUATION)
    # a header cell's aside names a unit, not the column
    assert header_key("项目资金（万元）") == header_key("项目资金") == "项目资金"
    assert header_key("年度预算总额：") == "年度预算总额"
    assert header_key("指标分 值权重") == "指标分值权重"


def test_fold_keeps_every_offset() -> None:
    printed = "增长１２．５％，面积１０㎡"
    folded = fold(printed)
    assert len(folded) == len(printed)
    assert folded == "增长12.5%,面积10㎡"  # "㎡" would become two characters: kept
    assert nfkc(" （万元） ") == "(万元)"
