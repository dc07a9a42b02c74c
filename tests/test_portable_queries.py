"""The SPARQL 1.1 forms of the named queries (queries/portable/): standard SPARQL, the same rows as
the LATERAL forms, on Oxigraph, on rdflib's engine and on a remote server that refuses LATERAL.

The values themselves are checked by tests/test_queries.py (on the LATERAL forms); here every
portable form must give exactly their rows.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
import requests
from conftest import oxigraph_server
from rdflib import Dataset, Literal
from rdflib.plugins.sparql import prepareQuery

from fiscal_kg.cli import main
from fiscal_kg.queries import (
    NamedQuery,
    bind,
    named_queries,
    parse_query,
    queries_dir,
    run,
    uses_lateral,
    wants_portable,
)
from fiscal_kg.store import OxigraphStore, QueryResult
from fiscal_kg.store.remote import LATERAL_PROBE, RemoteStore

# rdflib 7.6's own SPARQL engine calls its deprecated Dataset.default_context for every pattern
pytestmark = pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")

QUERIES = named_queries()
PORTABLE = {name: query for name, query in QUERIES.items() if query.portable is not None}
ATUSHI_DOC = "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget"

# The parameters tests/test_queries.py uses, and unit + year for queries it runs without them:
# a parameter that a portable form reads in the wrong scope changes the rows.
CASES: dict[str, list[dict[str, str]]] = {
    "basic-vs-project": [{"unit": "阿图什", "year": "2023"}],
    "budget-vs-final": [{"unit": "乌鲁木齐", "year": "2023"}],
    "carryover-vs-current": [{"unit": "苍溪", "year": "2023"}],
    "claims-vs-tables": [{"code": "208"}, {"unit": "苍溪"}],
    "code-across-units": [{"code": "2080109"}, {"code": "2080109", "unit": "乌鲁木齐"},
                          {"code": "30101", "year": "2022"}],
    "economic-breakdown": [{"unit": "克孜勒苏"}, {"unit": "克孜勒苏", "level": "3"},
                           {"level": "5"}],
    "largest-projects": [{"minimum": "1000"}, {"unit": "苍溪", "year": "2023"}],
    "load-warnings": [{"unit": "阿图什市社会保险中心"}, {"code": "announced-table-missing"}],
    "personnel-cost-per-staff": [{"unit": "阿图什", "year": "2023"}],
    "project-indicators": [{"project": "1-3 月伤残津贴"},
                           {"project": "伤残津贴", "unit": "乌鲁木齐"}],
    "report-completeness": [{"unit": "苍溪", "year": "2023"}],
    "sangong-by-unit": [{"unit": "克孜勒苏", "year": "2022"}],
    "totals-by-class": [{"class": "208", "year": "2023"}, {"unit": "苍溪", "year": "2023"},
                        {"class": "210"}],
    "totals-by-prefecture": [{"provinceCode": "510000"}],
    "totals-by-province": [{"provinceCode": "510000"}],
    "validation-findings": [{"severity": "Violation"}, {"severity": "Info"},
                            {"rule": "NARR-CODE-AMOUNT"}, {"unit": "苍溪"}],
    "where-from": [{"document": ATUSHI_DOC, "line": "175"}, {"line": "175"},
                   {"fact": f"{ATUSHI_DOC}/cell/175-3"}],
}  # fmt: skip
REQUIRED = {"code-across-units": {"code": "2080109"}, "project-indicators": {"project": "伤残津贴"}}
# Left open by the query itself: without parameters where-from's inner LIMIT keeps any 100 of
# the samples' 1,181 amounts, so only the number of rows is compared.
ANY_OF = {("where-from", ())}


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name in sorted(PORTABLE):
        out.append((name, REQUIRED.get(name, {})))
        out.extend((name, params) for params in CASES.get(name, []))
    return out


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return "-".join([name, *params]) if params else name


def rows(result: QueryResult, query: NamedQuery) -> list[tuple[str, ...]]:
    """A result's rows as sorted tuples of N-Triples terms ("" when unbound), the parts of each
    GROUP_CONCAT sorted (SPARQL leaves their order open)."""
    separators = {
        result.variables.index(variable): separator
        for separator, variable in re.findall(
            r'GROUP_CONCAT\([^;]*;\s*separator\s*=\s*"([^"]*)"\)\s+AS\s+\?(\w+)', query.text)
        if variable in result.variables
    }  # fmt: skip
    out = []
    for row in result.rows:
        cells = []
        for index, term in enumerate(row):
            if index in separators and term is not None:
                term = Literal(separators[index].join(sorted(str(term).split(separators[index]))))
            if isinstance(term, Literal) and isinstance(term.value, Decimal):
                # a decimal's value, not its spelling ("0.0" from rdflib is Oxigraph's "0")
                term = Literal(format(term.value.normalize(), "f"), datatype=term.datatype)
            cells.append("" if term is None else term.n3())
        out.append(tuple(cells))
    return sorted(out)


# ---------------------------------------------------------------------------
# Every LATERAL query has a SPARQL 1.1 form, and it is one
# ---------------------------------------------------------------------------


def test_every_lateral_query_has_a_portable_form() -> None:
    lateral = {name for name, query in QUERIES.items() if uses_lateral(query.text)}
    assert lateral and set(PORTABLE) == lateral  # and no second form for a query without LATERAL
    on_disk = {path.stem for path in (queries_dir() / "portable").glob("*.rq")}
    assert on_disk == lateral  # no stray portable file (a renamed query)
    assert not uses_lateral("SELECT * WHERE { # LATERAL {\n ?s ?p 'LATERAL' }")


@pytest.mark.parametrize("name", sorted(PORTABLE))
def test_the_portable_form_is_sparql_1_1(name: str) -> None:
    query = PORTABLE[name]
    assert not uses_lateral(query.portable)
    prepareQuery(query.portable)  # rdflib's SPARQL 1.1 parser
    every_param = {p.name: {"iri": ATUSHI_DOC, "year": "2023", "integer": "3", "decimal": "1.5",
                            "code": "208"}.get(p.type, "x") for p in query.params}  # fmt: skip
    prepareQuery(bind(query, every_param, portable=True))  # VALUES blocks in the right places
    # same header (title, question, parameters), projection and solution modifiers
    header = parse_query(query.portable)
    assert (header.title, header.question, header.params) == (
        query.title, query.question, query.params)  # fmt: skip
    assert f"# SPARQL 1.1 form of ../{name}.rq" in query.portable
    assert _select_clause(query.portable) == _select_clause(query.text)
    assert _modifiers(query.portable) == _modifiers(query.text)


def _select_clause(text: str) -> list[str]:
    return text[text.index("\nSELECT") : text.index("\nWHERE")].split()


def _modifiers(text: str) -> list[str]:
    return text[text.rindex("}") + 1 :].split()  # GROUP BY, ORDER BY, LIMIT after the WHERE


# ---------------------------------------------------------------------------
# The same rows
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_both_forms_give_the_same_rows_on_oxigraph(sample_store, case) -> None:
    name, params = case
    query = PORTABLE[name]
    assert not wants_portable(query, sample_store) and wants_portable(query, sample_store, True)
    lateral = run(sample_store, query, params)
    portable = run(sample_store, query, params, portable=True)
    assert lateral.rows, "a case without rows compares nothing"
    assert portable.variables == lateral.variables
    if (name, tuple(params)) in ANY_OF:
        assert len(portable.rows) == len(lateral.rows)
    else:
        assert rows(portable, query) == rows(lateral, query)


@pytest.fixture(scope="module")
def rdflib_dataset(sample_store) -> Dataset:
    """The sample store in rdflib, its default graph the union of the named graphs."""
    buffer = io.BytesIO()
    sample_store.dump(buffer, ox.RdfFormat.N_QUADS)
    dataset = Dataset(default_union=True)
    dataset.parse(data=buffer.getvalue().decode(), format="nquads")
    return dataset


def on_rdflib(dataset: Dataset, text: str) -> QueryResult:
    """rdflib's own SPARQL engine (it has no LATERAL)."""
    result = dataset.query(text)
    return QueryResult([str(v) for v in result.vars], [tuple(row) for row in result])


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_the_portable_form_runs_on_rdflib(sample_store, rdflib_dataset, case) -> None:
    """A second engine, without LATERAL: the rows Oxigraph gives for the LATERAL form."""
    name, params = case
    query = PORTABLE[name]
    expected = run(sample_store, query, params)
    got = on_rdflib(rdflib_dataset, bind(query, params, portable=True))
    assert got.variables == expected.variables
    if (name, tuple(params)) in ANY_OF:
        assert len(got.rows) == len(expected.rows)
    else:
        assert rows(got, query) == rows(expected, query)


FINDINGS = """
PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {
  GRAPH <urn:doc> { <urn:doc> a fkg:FiscalDocument ; fkg:unit <urn:unit> ; fkg:fiscalYear 2023 .
                    <urn:unit> skos:prefLabel "甲单位"@zh }
  GRAPH <https://w3id.org/fiscal-kg/graph/validation> {
    <urn:r1> a sh:ValidationResult ; fkg:document <urn:doc> ; sh:resultSeverity sh:Violation ;
             sh:focusNode <urn:f1> ; fkg:ruleId "R1" .
    <urn:r2> a sh:ValidationResult, fkg:FindingAboutNoReport ; sh:resultSeverity sh:Warning ;
             sh:focusNode <urn:f2> ;
             fkg:ruleId "R2" } }
"""


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"R1", "R2"}), ({"unit": "甲"}, {"R1"}), ({"severity": "Warning"}, {"R2"}),
    ({"unit": "乙"}, set())])  # fmt: skip
def test_findings_about_no_report(params: dict[str, str], expected: set[str]) -> None:
    """The samples have no finding without a report; with a unit given, such a finding is left
    out by a FILTER outside the UNION in the portable form, inside it in the LATERAL one."""
    store = OxigraphStore()
    store.update(FINDINGS)
    query = PORTABLE["validation-findings"]
    for portable in (False, True):
        result = run(store, query, params, portable=portable)
        assert {str(r["ruleId"]) for r in result.dicts()} == expected, portable


# ---------------------------------------------------------------------------
# Choosing the form: remote stores, the CLI
# ---------------------------------------------------------------------------


class RefuseLateral(BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers 400 to LATERAL, as GraphDB, Virtuoso and QLever do, and
    passes every other query on to ``upstream``."""

    upstream: ClassVar[str]
    refused: ClassVar[list[str]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        query = parse_qs(body.decode())["query"][0]  # SPARQLWrapper posts a form
        if re.search(r"\bLATERAL\s*\{", query, re.IGNORECASE):
            self.refused.append(query)
            self._answer(400, "text/plain", b"Lexical error: unknown keyword LATERAL")
            return
        answer = requests.post(self.upstream, data=body, timeout=60, headers={
            "Content-Type": self.headers["Content-Type"], "Accept": self.headers["Accept"]})
        self._answer(answer.status_code, answer.headers["Content-Type"], answer.content)

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def refusing_lateral(upstream: str) -> Iterator[tuple[str, list[str]]]:
    """A RefuseLateral endpoint in front of ``upstream``: its URL and the queries it refused."""
    handler = type("Handler", (RefuseLateral,), {"upstream": upstream, "refused": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", handler.refused
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_server_without_lateral_gets_the_portable_forms(sample_store, sample_store_dir) -> None:
    with oxigraph_server("serve-read-only", "--location", str(sample_store_dir),
                         "--union-default-graph") as base:  # fmt: skip
        oxigraph = RemoteStore(f"{base}/query")
        assert oxigraph.supports_lateral  # Oxigraph server runs LATERAL: the faster forms
        with refusing_lateral(f"{base}/query") as (url, refused):
            remote = RemoteStore(url)
            assert not remote.supports_lateral
            compared = 0
            for name, query in QUERIES.items():
                if name == "federated-wikidata":  # its SERVICE is Wikidata's (test_queries.py)
                    continue
                params = REQUIRED.get(name, {})
                embedded = run(sample_store, query, params)
                over_http = run(remote, query, params)
                assert over_http.variables == embedded.variables, name
                if (name, tuple(params)) not in ANY_OF:
                    assert rows(over_http, query) == rows(embedded, query), name
                compared += bool(embedded.rows)
            assert refused == [LATERAL_PROBE]  # asked once; no LATERAL form was sent
        assert compared == len(QUERIES) - 1
        oxigraph.close()
        remote.close()


def test_the_cli_sends_the_portable_form_when_asked(
    sample_store, tmp_path: Path, monkeypatch, capsys
) -> None:
    store = tmp_path / "store"
    with OxigraphStore(store) as copy:
        copy.add_quads(sample_store.quads())
    sent: list[str] = []
    query = OxigraphStore.query

    def recording(self: OxigraphStore, text: str) -> QueryResult:
        sent.append(text)
        return query(self, text)

    monkeypatch.setattr(OxigraphStore, "query", recording)
    args = ["query", "economic-breakdown", "--store", str(store), "--param", "unit=克孜勒苏",
            "--param", "level=3", "--format", "csv"]  # fmt: skip
    assert main(args) == 0 and main([*args, "--portable"]) == 0
    lateral, portable = capsys.readouterr().out.split("unitName,")[1:]
    assert lateral == portable and [line.split(",")[3] for line in portable.splitlines()[1:]] == [
        "301", "302", "303"]  # fmt: skip
    sent = [text for text in sent if "# title: Basic expenditure" in text]  # not the page's
    assert uses_lateral(sent[0]) and not uses_lateral(sent[1])                # report list
    assert main(["query", "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in listing]
    assert {name[:-1] for name in names if name.endswith("*") and name != "*"} == set(PORTABLE)
