"""Validation on a remote store: the samples loaded into Virtuoso through SPARQL Update, then
`fiscal-kg validate --endpoint … --update-endpoint …` (or `load --validate` with the remote
options), give the validation graph the embedded store holds after `fiscal-kg validate` on the
same samples, quad for quad, and the findings queries its rows. The shapes run in this process
on the reports read back from the server (fiscal_kg/validation/remote.py)."""

from __future__ import annotations

import json
import os
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_virtuoso import QUERIES, assert_same_rows, clear
from validation_models import claim, document, fact, report, table
from virtuoso_fixtures import virtuoso, virtuoso_load_dir  # noqa: F401  (fixtures)

from fiscal_kg.cli import main
from fiscal_kg.queries import run
from fiscal_kg.store import OxigraphStore
from fiscal_kg.store.remote import RemoteStore
from fiscal_kg.validation import validate
from fiscal_kg.validation.fastpath import report_units
from fiscal_kg.validation.merge import merge_loaded
from fiscal_kg.validation.per_report import ReportValidator
from fiscal_kg.validation.storage import severity_counts
from loaders.rdf import report_nquads
from loaders.vocab import VALIDATION_GRAPH

SEVERITIES = {"Violation": 22, "Warning": 32, "Info": 36}  # the samples' 90 findings
FINDINGS_QUERIES = [("validation-findings", {}), ("validation-findings", {"severity": "Warning"}),
                    ("validation-findings", {"unit": "阿图什"}), ("findings-by-report", {}),
                    ("findings-by-report", {"year": "2023"})]


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]):
    """The samples in an embedded store after `fiscal-kg validate`, and what it printed."""
    folder = tmp_path_factory.mktemp("remote-validation")
    path, printed = folder / "store", folder / "findings.txt"
    assert main(["load", "--store", str(path), *map(str, sample_paths)]) == 0
    assert main(["validate", "--store", str(path), "-o", str(printed)]) == 1  # Violations
    store = OxigraphStore(path, read_only=True)
    yield store, printed.read_text(encoding="utf-8")
    store.close()


@pytest.fixture
def remote(virtuoso):  # noqa: F811
    """An emptied server, as a store that reads and writes through SPARQL."""
    store = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    clear(store)
    yield store
    store.close()


def _findings(store) -> set:
    return set(store.quads(graph_iri=str(VALIDATION_GRAPH)))


def _unlabelled(store, graph: str) -> Counter:
    """A graph's quads, each blank node as one and the same term."""
    blank = ox.BlankNode("b")

    def term(t: object) -> object:
        return blank if isinstance(t, ox.BlankNode) else t

    return Counter((term(q.subject), q.predicate, term(q.object))
                   for q in store.quads(graph_iri=graph))


def _endpoints(virtuoso) -> list[str]:  # noqa: F811
    return ["--endpoint", virtuoso.sparql_url, "--update-endpoint", virtuoso.sparql_url]


def _updates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SPARQL Update requests every RemoteStore sends from now on."""
    sent: list[str] = []
    send = RemoteStore.update

    def recording(self: RemoteStore, sparql: str) -> None:
        sent.append(sparql)
        send(self, sparql)

    monkeypatch.setattr(RemoteStore, "update", recording)
    return sent


def _same_as_embedded(embedded: OxigraphStore, remote: RemoteStore) -> None:
    mine = _findings(embedded)
    assert _findings(remote) == mine and len(mine) == 964  # 90 results, 10-11 quads each
    assert severity_counts(remote) == (SEVERITIES, 5)
    for name, params in FINDINGS_QUERIES:
        rows = run(embedded, QUERIES[name], params)
        assert rows.rows, (name, params)  # compared rows, not two empty results
        assert_same_rows(QUERIES[name], params, rows, run(remote, QUERIES[name], params))
    assert len(run(remote, QUERIES["validation-findings"], {}).rows) == 90


def test_validate_on_the_server_writes_the_embedded_findings(
        virtuoso, validated, remote: RemoteStore, sample_paths: list[Path],  # noqa: F811
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded, printed = validated
    endpoints = _endpoints(virtuoso)
    assert main(["load", *endpoints, *map(str, sample_paths)]) == 0
    assert _findings(remote) == set()  # loaded, not validated
    # what validation reads: each report's graph as the embedded store holds it (Store.quads of
    # a whole graph: N-Triples, skolem IRIs read back as blank nodes; their labels may differ)
    reports = sorted(report_units(embedded))
    assert len(reports) == 5
    for doc in reports:
        assert _unlabelled(remote, doc) == _unlabelled(embedded, doc), doc
    out = tmp_path / "findings.txt"
    assert main(["validate", *endpoints, "-o", str(out)]) == 1  # Violations, as on the embedded
    assert out.read_text(encoding="utf-8") == printed  # findings and report labels alike
    _same_as_embedded(embedded, remote)

    # validating again sends no update: nothing changed
    sent = _updates(monkeypatch)
    assert main(["validate", *endpoints, "-o", str(out)]) == 1
    assert sent == []
    # one report (--document 002: its 15 results replaced by the same ones) changes nothing
    assert main(["validate", *endpoints, "--document", sample_paths[2].name, "--format", "json",
                 "-o", str(out)]) == 1
    one = json.loads(out.read_text(encoding="utf-8"))
    assert len(one) == 15 and {f["report"].split()[0] for f in one} == {sample_paths[2].name}
    assert sent == []  # not even the report's own type quad, stored already
    assert _findings(remote) == _findings(embedded)


@pytest.mark.parametrize("reports", [[], ["--gsp"]], ids=["update", "gsp"])
def test_load_validate_on_the_server_gives_the_embedded_findings(
        virtuoso, validated, remote: RemoteStore, sample_paths: list[Path],  # noqa: F811
        reports: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    embedded, _ = validated
    endpoints = _endpoints(virtuoso)
    gsp = [virtuoso.gsp_url] if reports else []
    assert main(["load", *endpoints, *reports, *gsp, "--validate",
                 *map(str, sample_paths)]) == 1  # loaded; Violations found
    out = capsys.readouterr().out
    assert ("validated 5 report(s) now: 22 Violation, 32 Warning, 36 Info; the store holds "
            "22 Violation, 32 Warning, 36 Info over 5 report(s)") in out, out
    _same_as_embedded(embedded, remote)
    sent = _updates(monkeypatch)  # what the load wrote is what `validate` writes
    assert main(["validate", *endpoints, "-o", str(tmp_path / "findings.txt")]) == 1
    assert sent == []


def _nquads(r: object) -> str:
    return report_nquads(r)[0]  # type: ignore[arg-type]


def test_the_prior_year_rule_reads_last_years_report_from_the_server(
        virtuoso, remote: RemoteStore) -> None:  # noqa: F811
    # the one unit-scoped rule: this year's implied prior-year amount (774.29 − 557.25) against
    # last year's report of the same unit, which only the server holds when this one is loaded
    last = report([table("gpb-expenditure", [fact(246, "207.04", code="2080109")])], year=2022)
    this = report([], [claim(396, "774.29", code="2080109", change=Decimal("557.25"),
                             growth_rate=Decimal("256.75"), basis="prior-year-budget")], year=2023)
    embedded = OxigraphStore()
    own = ReportValidator().validate([(document(this), _nquads(this))])[0]
    for store in (embedded, remote):
        store.ensure_reference_data()
        assert store.put_reports([(document(last), _nquads(last))]) == [None]
        assert store.put_reports([(document(this), _nquads(this))]) == [None]
        merged = merge_loaded(store, {document(this): own})  # as `load --validate` ends
        prior = [(f.line, f.found, f.expected) for f in merged if f.rule == "NARR-PRIOR-YEAR"]
        assert prior == [(396, Decimal("217.04"), Decimal("207.04"))]
    assert _findings(remote) == _findings(embedded)
    everything = validate(embedded)  # both reports, every rule (a small store: in one pass)
    violations = any(f.severity == "Violation" for f in everything)
    assert main(["validate", *_endpoints(virtuoso), "-o", os.devnull]) == int(violations)
    assert _findings(remote) == _findings(embedded)
    assert ("NARR-PRIOR-YEAR", 396) in {(f.rule, f.line) for f in everything}


def test_validate_on_a_remote_store_wants_both_endpoints(capsys) -> None:
    # refused before anything is sent (nothing listens on port 9)
    for remote in (["--endpoint", "http://127.0.0.1:9/sparql"],
                   ["--update-endpoint", "http://127.0.0.1:9/sparql"]):
        assert main(["validate", *remote]) == 2
        assert "give --endpoint URL and --update-endpoint URL" in capsys.readouterr().err
    assert main(["validate", "--endpoint", "http://127.0.0.1:9/sparql", "a.txt"]) == 2
    assert "give report files, or a store" in capsys.readouterr().err
