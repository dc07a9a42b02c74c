"""End-to-end loading of one report: projects tied together, bad input reported, IRIs stable."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from loaders.pipeline import ReportLoadError, build_graph, load_report
from loaders.vocab import FKG, project_iri

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def test_project_is_one_resource_across_narrative_table_and_performance_table() -> None:
    report = load_report(sample("002"))
    # The narrative calls it 企业基本养老保险扩面项目, 表七 prints 企业基本养老保险扩面 (line 271).
    rows = [f for t in report.tables for f in t.facts if f.line == 271]
    assert {f.project for f in rows} == {"企业基本养老保险扩面项目"}
    assert {f.project_as_printed for f in rows} == {"企业基本养老保险扩面"}
    graph = build_graph(report)
    doc = next(graph.subjects(FKG.fiscalYear, None))
    project = project_iri(doc, "企业基本养老保险扩面项目")
    facts = set(graph.subjects(FKG.project, project))
    assert len(facts) >= 3  # two table cells and the performance table
    amounts = {graph.value(f, FKG.amount) for f in facts} - {None}
    assert Decimal("3.00") in {a.toPython() for a in amounts}


def test_same_report_twice_gives_the_same_graph() -> None:
    first = build_graph(load_report(sample("000")))
    second = build_graph(load_report(sample("000")))
    assert len(first) == len(second)
    assert isomorphic(first, second)


def test_truncated_report_loads_what_it_can(tmp_path: Path) -> None:
    lines = sample("000").read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "truncated.txt"
    cut.write_text("\n".join(lines[:200]), encoding="utf-8")  # stops inside 表4
    report = load_report(cut)
    assert report.unit_name == "阿图什市社会保险中心"
    types = [t.table_type for t in report.tables]
    assert types[:3] == ["income-expenditure-summary", "income", "expenditure"]
    summary = report.tables[0]
    totals = {f.amount for f in summary.facts if f.line_item == "income-total"}
    assert Decimal("911.29") in totals
    # The tables listed in the contents but cut off are named in warnings.
    assert any(w.code == "announced-table-missing" for w in report.warnings)


def test_text_that_is_not_a_disclosure_is_refused_with_the_file_name(tmp_path: Path) -> None:
    other = tmp_path / "minutes.txt"
    other.write_text("会议纪要\n\n今天讨论了食堂菜单。\n", encoding="utf-8")
    with pytest.raises(ReportLoadError) as err:
        load_report(other)
    assert "minutes.txt" in str(err.value)


def test_binary_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\x00\x01\x02" * 100)
    with pytest.raises(ReportLoadError) as err:
        load_report(binary)
    assert "scan.pdf" in str(err.value)


def test_gb18030_file_loads_like_utf8(tmp_path: Path) -> None:
    text = sample("004").read_text(encoding="utf-8")
    legacy = tmp_path / "004-gb.txt"
    legacy.write_bytes(text.encode("gb18030"))
    a, b = load_report(sample("004")), load_report(legacy)
    assert [len(t.facts) for t in a.tables] == [len(t.facts) for t in b.tables]
    assert a.sha256 != b.sha256  # the hash is of the bytes as published
