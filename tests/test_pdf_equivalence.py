"""The same report read from its PDF and from its ``pdftotext -layout`` text gives the
same facts: table type, code or line item, column meaning, side and amount."""

from __future__ import annotations

from collections import Counter

import pytest

from loaders.model import Report
from loaders.pipeline import load_report
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
