"""The validation API and ``fiscal-kg validate``: report graph, subsets, batches, output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import load_into, validate, validate_files, validate_store
from fiscal_kg.validation.cli import main
from fiscal_kg.validation.findings import to_text
from loaders.vocab import FKG, VALIDATION_GRAPH


@pytest.fixture(scope="module")
def loaded(sample_paths: list[Path]) -> tuple[OxigraphStore, list[str]]:
    store = OxigraphStore()
    return store, load_into(store, sample_paths)


def test_report_graph_replaces_the_previous_one(loaded) -> None:
    store, docs = loaded
    findings = validate(store)
    report = store.graph(str(VALIDATION_GRAPH))
    results = set(report.subjects(SH.focusNode, None))
    assert len(results) == len(findings)
    assert (None, SH.conforms, None) in report
    first = next(iter(results))
    assert report.value(first, FKG.ruleId) is not None
    before = {str(o) for o in report.objects(None, FKG.document)}
    # a run on one report replaces that report's results only (issue 14): the others stay
    mine = validate(store, docs[:1])
    again = store.graph(str(VALIDATION_GRAPH))
    assert {str(o) for o in again.objects(None, FKG.document)} == before
    assert len(set(again.subjects(SH.focusNode, None))) == len(results)
    assert mine and {f.document for f in mine} == {docs[0]}


def test_batches_and_subsets_find_the_same(loaded) -> None:
    store, docs = loaded
    whole = sorted(f.sort_key() for f in validate(store, write_report=False))
    batched = sorted(f.sort_key() for f in validate(store, write_report=False, batch=2))
    assert whole == batched
    one = validate(store, [docs[2]], write_report=False)
    assert one and {f.document for f in one} == {docs[2]}
    assert sorted(f.sort_key() for f in one) == [k for k in whole if k[0] == docs[2]]


def test_counts_and_text(loaded) -> None:
    store, _ = loaded
    run = validate_store(store)
    assert run.by_severity()["Violation"] == 22 and not run.conforms
    text = to_text(run.findings)
    assert "[Violation] ARITH-PARENT-SUM (line 218)" in text
    assert "expected 303.87, found 352.15; difference 48.28" in text


def test_cli_json_ttl_and_exit_code(sample_paths: list[Path], tmp_path: Path, capsys) -> None:
    report_002 = str(sample_paths[2])
    assert main([report_002, "--format", "json"]) == 1  # 002 has Violations
    rows = json.loads(capsys.readouterr().out)
    assert {"severity", "rule", "message", "document", "line", "focus", "expected",
            "found"} <= set(rows[0])
    parent = [r for r in rows if r["rule"] == "ARITH-PARENT-SUM" and r["line"] == 218]
    assert parent and parent[0]["expected"] == "303.87" and parent[0]["found"] == "352.15"
    out = tmp_path / "report.ttl"
    assert main([str(sample_paths[4]), "--format", "ttl", "-o", str(out)]) == 0  # Warnings only
    graph = Graph().parse(out, format="turtle")
    assert (None, SH.conforms, None) in graph


def test_validate_files_in_a_temporary_store(sample_paths: list[Path]) -> None:
    run = validate_files([sample_paths[0]])
    assert len(run.documents) == 1
    assert {f.rule for f in run.findings if f.severity == "Warning"} == {
        "COMPL-ANNOUNCED-MISSING", "NARR-PERF-AMOUNT"}
