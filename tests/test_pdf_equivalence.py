"""Facts from the six real PDFs: every amount cell of the standard tables (``cells.csv``),
and the same facts as from the report's ``pdftotext -layout`` text (table type, code or
line item, column meaning, side and amount)."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal

import pytest

from loaders.model import Report
from loaders.pipeline import load_report
from loaders.rdf import yuan
from tests.pdf_fixtures import sample_pdf

PREFIXES = ["01_", "04_", "06_", "09_", "12_", "13_"]


def facts(report: Report) -> Counter:
    return Counter(
        (t.table_type, f.code or f.line_item, f.column, f.side, f.amount)
        for t in report.tables
        for f in t.facts
    )


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pdf_and_layout_text_give_the_same_facts(prefix: str) -> None:
    pdf = sample_pdf(prefix)
    from_pdf = load_report(pdf)
    from_text = load_report(next(pdf.parent.glob("*.layout.txt")))
    assert (from_pdf.unit_name, from_pdf.fiscal_year, from_pdf.kind) == (
        from_text.unit_name, from_text.fiscal_year, from_text.kind)
    only_pdf, only_text = facts(from_pdf) - facts(from_text), facts(from_text) - facts(from_pdf)
    assert (sorted(only_pdf.items(), key=str)[:10], sorted(only_text.items(), key=str)[:10]) == (
        [], [])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_amount_cell_of_the_pdf_is_a_fact_with_page_value_and_code(prefix: str) -> None:
    pdf = sample_pdf(prefix)
    report = load_report(pdf)
    facts = [(f, t) for t in report.tables for f in t.facts]
    with open(pdf.parent / "cells.csv", encoding="utf-8") as fh:
        cells = list(csv.DictReader(fh))
    scale = {"万元": Decimal(10000), "元": Decimal(1)}
    want = Counter((int(c["page"]), c["printed"], Decimal(c["value"]) * scale[c["unit"]])
                   for c in cells)
    have = Counter((f.page, f.raw, yuan(f.amount, t.currency)) for f, t in facts)
    assert want == have
    coded = Counter((int(c["page"]), c["printed"], c["code"]) for c in cells if c["code"])
    assert coded - Counter((f.page, f.raw, f.code) for f, _ in facts) == Counter()
    assert all(f.bbox is not None for f, _ in facts)
