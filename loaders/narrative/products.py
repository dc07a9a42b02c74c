"""Headcount × rate × duration against the amount the same paragraph budgets.

"预算安排规模：8.40万元 … 聘用 38 名社会保险工作代办员，按每人每月 750 元进行补助，全年补助 7 个月"
states three factors whose product (19.95万元) is not the amount. A project description (from one
"项目名称" to the next) or a paragraph is read for: one headcount (N名, 人数：N人), per-person rates
per month or per year (750 元/人/月, 每人每月 750 元, 冬碳费920元/年/人), the number of months, and
the amount it budgets (预算安排规模 / 共计). The shape NARR-PRODUCT-AMOUNT multiplies them.

A group with any other per-head factor (0.18 元/人: per insured person, not per payee), two
headcounts or two durations is not read: its product is not determined by what it prints.
"""

from __future__ import annotations

import re
from decimal import Decimal

from loaders.model import Block, StatedProduct
from loaders.numbers import to_decimal
from loaders.performance.text import despace, text_lines

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_GROUP_START_RE = re.compile(r"^(?:\d+\s*[.、．]\s*)?项目名称")
_CN = "一二三四五六七八九十"
_CHAPTER_RE = re.compile(rf"^(?:[{_CN}]+\s*[、.．]|第[{_CN}0-9]+部分|[（(][{_CN}]+[）)])")
_AMOUNT_RES = (
    re.compile(rf"(?:预算安排规模|预算规模|预算安排|年度预算总额|资金规模)\s*[：:为]?\s*"
               rf"{_NUMBER}\s*(万元|元)"),
    re.compile(rf"(?:共计|合计|总计)\s*[：:为]?\s*{_NUMBER}\s*(万元|元)"),
)
_HEADCOUNT_RES = (
    re.compile(r"(\d+)\s*名"),
    re.compile(r"人数\s*[：:为]?\s*(\d+)\s*人"),
)
# 750 元/人/月, 120元/月/人, 920元/年/人, 750 元/月
_RATE_RE = re.compile(rf"{_NUMBER}\s*元\s*/\s*(?:人\s*/\s*)?(月|年)(?:\s*/\s*人)?")
# 每人每月 750 元
_EACH_RE = re.compile(rf"每人每(月|年)(?:补助|发放|标准|金额|按)*\s*{_NUMBER}\s*元")
# a per-head factor with no period: another quantity enters the product
_OTHER_PER_HEAD_RE = re.compile(rf"{_NUMBER}\s*元\s*/\s*人(?!\s*/)")
_MONTHS_RE = re.compile(r"(\d+)\s*个月")


def extract_products(blocks: list[Block]) -> list[StatedProduct]:
    products: list[StatedProduct] = []
    for group in _groups(blocks):
        product = _read(group)
        if product is not None:
            products.append(product)
    return products


def _groups(blocks: list[Block]) -> list[list[tuple[int, str]]]:
    """Project descriptions ("项目名称" to the next one or a chapter heading); outside them,
    each paragraph block on its own."""
    groups: list[list[tuple[int, str]]] = []
    project: list[tuple[int, str]] | None = None
    for block in blocks:
        for line, text in text_lines([block]):
            text = despace(text)
            if _GROUP_START_RE.match(text):
                project = [(line, text)]
                groups.append(project)
            elif project is not None and _CHAPTER_RE.match(text):
                project = None
            if project is not None and project[-1][0] != line:
                project.append((line, text))
        if project is None and block.kind == "paragraph":
            groups.append([(line, despace(text)) for line, text in text_lines([block])])
    return groups


def _read(group: list[tuple[int, str]]) -> StatedProduct | None:
    text = "\n".join(t for _, t in group)
    heads = {int(m.group(1)) for r in _HEADCOUNT_RES for m in r.finditer(text)}
    months = {int(m.group(1)) for m in _MONTHS_RE.finditer(text)}
    rates: list[tuple[str, Decimal, int]] = []  # (period, rate, line)
    for line, part in group:
        for m in _RATE_RE.finditer(part):
            rates.append((m.group(2), to_decimal(m.group(1)) or Decimal(0), line))
        for m in _EACH_RE.finditer(part):
            rates.append((m.group(1), to_decimal(m.group(2)) or Decimal(0), line))
    if len(heads) != 1 or not rates or len(months) > 1 or _OTHER_PER_HEAD_RE.search(
            _RATE_RE.sub("", text)):
        return None
    amount = _amount(group)
    if amount is None:
        return None
    amount_line, value, raw, currency = amount
    monthly = sum((r for p, r, _ in rates if p == "月"), Decimal(0))
    yearly = sum((r for p, r, _ in rates if p == "年"), Decimal(0))
    return StatedProduct(
        line=min(line for _, _, line in rates), amount_line=amount_line, quantity=heads.pop(),
        monthly_rate=monthly, yearly_rate=yearly,
        months=months.pop() if months else None, amount=value, raw=raw, currency=currency,
        factors=_factor_text(group))


def _amount(group: list[tuple[int, str]]) -> tuple[int, Decimal, str, str] | None:
    for pattern in _AMOUNT_RES:
        for line, part in group:
            m = pattern.search(part)
            value = to_decimal(m.group(1)) if m else None
            if m and value is not None:
                return line, value, m.group(1).replace(",", ""), m.group(2)
    return None


def _factor_text(group: list[tuple[int, str]]) -> str:
    """The lines that print the factors, for the message."""
    keep = [t for _, t in group if _RATE_RE.search(t) or _EACH_RE.search(t)
            or any(r.search(t) for r in _HEADCOUNT_RES) or _MONTHS_RE.search(t)]
    return "；".join(keep)[:200]
