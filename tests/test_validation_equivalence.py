"""The fast path reports what pyshacl reports: same (focus, rule, severity, value) findings.

pyshacl is the reference. On whole reports it runs with its SPARQL queries evaluated by
pyoxigraph and ``$this`` pre-bound (fiscal_kg.validation.reference): this compares the one
set-based query per constraint with the per-focus-node evaluation SHACL defines. Plain pyshacl
(rdflib's SPARQL engine, minutes per real report) is run on a small hand-made report.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from validation_models import claim, fact, funding, indicator, perf_table, report, table

from bench.synthetic import generate
from fiscal_kg.store import OxigraphStore, graph_quads
from fiscal_kg.validation import validate
from fiscal_kg.validation.reference import reference_keys
from loaders import vocab
from loaders.pipeline import load_report
from loaders.rdf import report_graph

D = Decimal


def fast_keys(graph: Graph, document: str) -> set[tuple[str, str, str, str | None]]:
    store = OxigraphStore()
    store.add_quads(list(graph_quads(graph, ox.NamedNode(document))))
    return {f.key() for f in validate(store, write_report=False)}


@pytest.mark.parametrize("index", range(5))
def test_samples(sample_paths: list[Path], index: int) -> None:
    loaded = load_report(sample_paths[index])
    graph = report_graph(loaded)
    doc = str(vocab.report_document_iri(loaded))
    fast = fast_keys(graph, doc)
    assert fast  # every report gets at least its completeness score
    assert fast == reference_keys(graph)


def test_synthetic_corpus_with_planted_errors() -> None:
    for synthetic in generate(2, seed=11, errors=3):
        graph = synthetic.graph()
        fast = fast_keys(graph, synthetic.document)
        assert fast == reference_keys(graph)
        assert 1 <= len(synthetic.planted) <= 3  # fewer where the sample offers fewer kinds


def _small_report():
    gpb = table("gpb-expenditure", [
        fact(244, "368.55", code="208"), fact(244, "352.15", "basic", 5, code="208"),
        fact(244, "16.40", "project", 6, code="208"),
        fact(245, "320.27", code="20801"), fact(245, "352.15", "basic", 5, code="20801"),
        fact(245, "16.40", "project", 6, code="20801"),
        fact(246, "303.87", code="2080109"), fact(246, "303.87", "basic", 5, code="2080109"),
        fact(247, "48.28", code="20805"), fact(247, "48.28", "basic", 5, code="20805"),
        fact(248, "368.55", is_total=True),
    ], 240)
    claims = [claim(300, "389.75", item="income-total", section="s7"),
              claim(302, "368.55", item="general-public-budget", share=D("95.56"),
                    change=D("54.05"), growth_rate=D("17.19"), section="s7"),
              claim(328, "352.15", code="20801", sentence="主要用于"),
              claim(329, "368.55", code="208", sentence="主要用于"),
              claim(330, "48.28", code="20805", sentence="主要用于")]
    pt = perf_table(185, stated_total_score=D("20.00"))
    pt.funding = [funding(185, "年度资金总额", full_year_budget="60.00", executed="60.00",
                          weight="10", execution_rate="90.00", score="10.00")]
    pt.indicators = [indicator(186, "10", "10.00")]
    return report([gpb], claims, [pt])


def test_plain_pyshacl_on_a_small_report() -> None:
    r = _small_report()
    graph = report_graph(r)
    doc = str(vocab.report_document_iri(r))
    fast = fast_keys(graph, doc)
    rules = {rule for _, rule, severity, _ in fast if severity == "Violation"}
    assert rules == {"ARITH-PARENT-SUM", "ARITH-ROW-SPENDING", "NARR-CODE-AMOUNT", "NARR-SHARE",
                     "NARR-ITEM-AMOUNT", "NARR-PARTS-EXCEED", "PERF-EXEC-RATE"}
    assert fast == reference_keys(graph, engine="rdflib")
