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
CELLS = {"01_": 195, "04_": 366, "06_": 875, "09_": 221, "12_": 300, "13_": 241}


def facts(report: Report) -> Counter:
    return Counter(
        (t.table_type, f.code or f.line_item, f.column, f.side, f.amount)
        for t in report.tables
        for f in t.facts
    )


def _both(prefix: str) -> tuple[Report, Report]:
    pdf = sample_pdf(prefix)
    return load_report(pdf), load_report(next(pdf.parent.glob("*.layout.txt")))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pdf_and_layout_text_give_the_same_facts(prefix: str) -> None:
    from_pdf, from_text = _both(prefix)
    assert (from_pdf.unit_name, from_pdf.fiscal_year, from_pdf.kind) == (
        from_text.unit_name, from_text.fiscal_year, from_text.kind)
    only_pdf, only_text = facts(from_pdf) - facts(from_text), facts(from_text) - facts(from_pdf)
    assert (sorted(only_pdf.items(), key=str)[:10], sorted(only_text.items(), key=str)[:10]) == (
        [], [])
    assert facts(from_text).total() == CELLS[prefix]


def test_final_account_layout_text_read_by_position() -> None:
    """01 (national nine-table 决算 template) from -layout text, read by where words stand:
    header words split character by character re-joined ("一般公共预算" / "财" / "政拨款"),
    amounts printed on a line of their own attached to their rows, the two-sided basic
    table read as bands of lines, the 三公 table's 预算数 | 决算数 columns by position; no
    amount is left unread or unplaced."""
    _, from_text = _both("01_")
    assert [w for w in from_text.warnings
            if w.code in ("row-not-read", "column-not-placed", "unrecognised-column")] == []
    t = next(t for t in from_text.tables if t.table_type == "fiscal-summary")
    got = {(f.code or f.line_item, f.column): f.amount for f in t.facts}
    assert (got[("201", "general-public-budget")], got[("current-year-income", "total")],
            got[("current-year-expenditure", "total")]) == (
        Decimal("2106.66"), Decimal("2940.05"), Decimal("2940.05"))


def test_empty_note_naming_another_table_from_both_sources() -> None:
    """13's empty 国有资本经营 table carries the 政府性基金 table's note: COMPL-EMPTY-NOTE-SUBJECT
    from the PDF and from the layout text alike, at each source's own lines."""
    from fiscal_kg.validation import validate_files

    pdf = sample_pdf("13_")
    found = {}
    for path in (pdf, next(pdf.parent.glob("*.layout.txt"))):
        run = validate_files([path])
        found[path.suffix] = [(f.severity, f.line) for f in run.findings
                              if f.rule == "COMPL-EMPTY-NOTE-SUBJECT"]
    assert found == {".pdf": [("Violation", 208)], ".txt": [("Violation", 309)]}
    for report in _both("13_"):
        checks = [(c.title, c.other_note) for c in report.empty_table_checks if c.other_note]
        assert checks == [("2025年部门国有资本经营预算支出功能分类预算表",
                           "注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。")]


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
