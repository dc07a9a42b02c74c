"""Validating the same reports twice gives the same findings, message for message.

Each run is a fresh process: pyoxigraph seeds its hash maps anew in every process, so an
aggregate whose order the engine chooses (GROUP_CONCAT) could list the same lines or columns in
another order in another process, and every re-validation would rewrite unchanged findings. The
demo's eleven reports (five sample texts, six Shanghai PDFs) are read once here, written as
N-Quads, and validated by two child processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import SH
from validation_models import fact, findings, report, table

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import load_into
from fiscal_kg.validation.reference import run_pyshacl
from loaders.rdf import report_graph

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys
import pyoxigraph as ox
from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import validate
from fiscal_kg.validation.findings import report_nquads
from loaders.vocab import VALIDATION_GRAPH
store = OxigraphStore()
# renamed as Store.load renames them: fresh blank-node labels in every process
store.add_quads(ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_QUADS, rename_blank_nodes=True))
findings = validate(store, write_report=False)
graph = sorted(report_nquads(findings, str(VALIDATION_GRAPH)).splitlines())
json.dump({"findings": [f.as_json() for f in findings], "graph": graph}, sys.stdout,
          ensure_ascii=False, sort_keys=True)
"""


@pytest.fixture(scope="module")
def demo_nquads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = sorted((ROOT / "samples" / "reports").glob("*.txt"))
    pdfs = sorted((ROOT / "samples" / "realworld").glob("*/*.pdf"))
    assert (len(texts), len(pdfs)) == (5, 6)
    store = OxigraphStore()
    assert len(load_into(store, [*texts, *pdfs])) == 11
    path = tmp_path_factory.mktemp("determinism") / "demo.nq"
    with path.open("wb") as out:
        store.dump(out, ox.RdfFormat.N_QUADS)
    return path


def validated_in_a_fresh_process(nquads: Path) -> dict[str, list]:
    """The findings (as ``validate --format json`` gives them) and the validation graph's
    N-Quads, sorted, of one run in a new interpreter."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(nquads)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT, check=True)
    return json.loads(done.stdout)


def by_rule(findings: list[dict[str, object]], rule: str) -> list[dict[str, object]]:
    return [f for f in findings if f["rule"] == rule]


def test_two_processes_report_the_same_findings(demo_nquads: Path) -> None:
    one = validated_in_a_fresh_process(demo_nquads)
    two = validated_in_a_fresh_process(demo_nquads)
    first, second = one["findings"], two["findings"]
    assert len(first) > 100
    assert first == second
    assert one["graph"] == two["graph"]  # so re-validating writes no difference
    # the lists these messages carry come in the order the shapes define: items, lines, columns
    scores = {f["document"].split("/doc/")[1]: f["message"] for f in by_rule(first, "COMPL-SCORE")}
    assert len(scores) == 11
    assert scores["f8c9ff05ed7f/2023/department/final"] == (
        "Completeness 6 of 14 required items (0.429); missing: expenditure fiscal-summary gov-fund"
        " gpb-basic gpb-expenditure income income-expenditure-summary sangong.")
    spending = {f["line"]: f["message"] for f in by_rule(first, "ARITH-ROW-SPENDING")
                if "afbc89d0428c/2022" in f["document"]}
    assert spending[218] == ("Line 218: column total is 320.27, but its parts basic + project add"
                             " up to 368.55 (difference -48.28); the row cannot say which cell is"
                             " wrong.")
    parent = [f for f in by_rule(first, "ARITH-PARENT-SUM") if f["line"] == 217
              and "afbc89d0428c/2022" in f["document"]]
    assert [f["lines"] for f in parent] == ["218, 221"]


def test_every_engine_lists_in_the_defined_order() -> None:
    """The fast path, pyshacl on rdflib's engine and pyshacl with Oxigraph evaluating the queries
    list a parent's sub-items by line and a row's parts by column name, whatever order the cells
    were written in (here 253, 251, 252 and project before basic)."""
    gpb = table("gpb-expenditure", [
        fact(250, "100.00", code="208"), fact(253, "30.00", code="20803"),
        fact(251, "10.00", code="20801"), fact(252, "20.00", code="20802"),
        fact(260, "50.00", code="209"), fact(260, "40.00", "project", 6, code="209"),
        fact(260, "20.00", "basic", 5, code="209"),
    ], 240)
    r = report([gpb])
    fast = sorted(f.message for f in findings(r)
                  if f.rule in ("ARITH-PARENT-SUM", "ARITH-ROW-SPENDING"))
    assert fast == [
        "208: 100 printed, but its sub-items (lines 251, 252, 253) add up to 60 (difference 40);"
        " the table cannot say which is wrong.",
        "Line 260: column total is 50, but its parts basic + project add up to 60 (difference"
        " -10); the row cannot say which cell is wrong."]
    for engine in ("rdflib", "oxigraph"):
        results = run_pyshacl(report_graph(r), engine=engine)
        listed = [str(m) for m in results.objects(None, SH.resultMessage)
                  if "sub-items" in str(m) or "its parts" in str(m)]
        assert len(listed) == 2, engine
        assert any("(lines 251, 252, 253)" in m for m in listed), (engine, listed)
        assert any("its parts basic + project add" in m for m in listed), (engine, listed)
