"""The embedded store: atomic replace, faithful reload, failed loads change nothing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from fiscal_kg import store as store_module
from fiscal_kg.store import OxigraphStore, from_ox, to_ox
from loaders.nquads import canonical_lexical
from loaders.pipeline import build_graph, load_report
from loaders.vocab import CODES_GRAPH, report_document_iri

FKG = "https://w3id.org/fiscal-kg/def#"


def _canonical(graph: Graph) -> Graph:
    """The graph as Oxigraph keeps it: typed numbers in canonical form."""
    out = Graph()
    for triple in graph:
        out.add(tuple(from_ox(to_ox(t)) for t in triple))
    return out


@pytest.fixture(scope="module")
def report_and_graph(sample_paths: list[Path]):
    report = load_report(sample_paths[0])
    iri = str(report_document_iri(report))
    return report, iri, build_graph(report)


def test_reload_gives_the_same_graph(tmp_path: Path, report_and_graph) -> None:
    _, iri, graph = report_and_graph
    with OxigraphStore(tmp_path / "store") as store:
        assert store.put_report(iri, graph) == len(graph)
        first = store.graph(iri)
        assert len(first) == len(graph)
        assert isomorphic(first, _canonical(graph))
        store.put_report(iri, graph)  # same report again: replaced, not doubled
        second = store.graph(iri)
        assert len(second) == len(graph) == store.triple_count(iri)
        assert isomorphic(second, first)
    with OxigraphStore(tmp_path / "store") as reopened:  # it is on disk
        assert isomorphic(reopened.graph(iri), first)


def test_replace_swaps_the_whole_graph(report_and_graph) -> None:
    _, iri, graph = report_and_graph
    store = OxigraphStore()
    store.put_report(iri, graph)
    other = "https://w3id.org/fiscal-kg/id/doc/other/2023/budget"
    store.put_report(other, graph)
    changed = Graph()
    for s, p, o in graph:
        if str(p) == FKG + "amount":
            o = Literal(o.toPython() + 1)
        changed.add((s, p, o))
    store.put_report(iri, changed)
    assert isomorphic(store.graph(iri), _canonical(changed))
    assert isomorphic(store.graph(other), _canonical(graph))  # the other report is untouched
    smaller = Graph()
    for triple in list(changed)[: len(changed) // 2]:
        smaller.add(triple)
    store.put_report(iri, smaller)
    assert isomorphic(store.graph(iri), _canonical(smaller))
    store.remove_graph(iri)
    assert iri not in store.graph_names()


def _failing(graph: Graph, after: int):
    """A graph whose iteration breaks part way, like a conversion error mid-insert."""

    class Broken(Graph):
        def __iter__(self):
            for n, triple in enumerate(graph):
                if n == after:
                    raise RuntimeError("insert failed midway")
                yield triple

    broken = Broken()
    broken += graph
    return broken


def test_failed_first_load_leaves_no_trace(report_and_graph) -> None:
    _, iri, graph = report_and_graph
    store = OxigraphStore()
    store.ensure_reference_data()
    before = store.triple_count()
    with pytest.raises(RuntimeError, match="midway"):
        store.put_report(iri, _failing(graph, len(graph) // 2))
    assert store.triple_count() == before
    assert iri not in store.graph_names()


def test_failed_replace_leaves_the_old_graph(report_and_graph, monkeypatch) -> None:
    _, iri, graph = report_and_graph
    store = OxigraphStore()
    store.put_report(iri, graph)
    kept = store.graph(iri)
    changed = Graph()
    for s, p, o in graph:
        changed.add((s, p, Literal(o.toPython() + 7) if str(p) == FKG + "amount" else o))

    with pytest.raises(RuntimeError, match="midway"):
        store.put_report(iri, _failing(changed, len(changed) - 3))
    assert isomorphic(store.graph(iri), kept)

    # The replacement update itself fails after its DELETE and INSERT parts ran:
    # Oxigraph runs the whole update as one transaction, so nothing of it stays.
    raw = store._store  # the embedded store's internals: its pyoxigraph store, made to fail

    class FailingStore:
        def __getattr__(self, name: str):
            return getattr(raw, name)

        def update(self, text: str) -> None:
            raw.update(text + " ;\nDROP GRAPH <urn:fiscal-kg:test:missing>")

    monkeypatch.setattr(store, "_store", FailingStore())
    with pytest.raises(RuntimeError, match="does not exist"):
        store.put_report(iri, changed)
    monkeypatch.undo()
    assert isomorphic(store.graph(iri), kept)
    assert len(store.graph(iri)) == len(graph)


def test_blank_nodes_are_replaced_not_accumulated() -> None:
    store = OxigraphStore()
    iri = "https://w3id.org/fiscal-kg/id/doc/x/2023/budget"
    for _ in range(3):
        g = Graph()
        warning = BNode()
        g.add((BNode(), ox_uri("p"), Literal("x")))
        g.add((warning, ox_uri("code"), Literal("unparsed-cell")))
        store.put_report(iri, g)
    assert store.triple_count(iri) == 2


def ox_uri(local: str):
    from rdflib import URIRef

    return URIRef(FKG + local)


def test_reference_data_is_idempotent(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "s") as store:
        store.ensure_reference_data()
        count = store.triple_count(str(CODES_GRAPH))
        store.ensure_reference_data()
        assert store.triple_count(str(CODES_GRAPH)) == count > 0
        labels = store.query(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { "
            "<https://w3id.org/fiscal-kg/code/table-types/sangong> skos:prefLabel ?l "
            'FILTER(LANG(?l) = "zh") }'
        )
        assert labels.values("l") == ["财政拨款“三公”经费支出情况表"]


def test_canonical_numbers_match_oxigraph() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    store = ox.Store()
    graph = ox.NamedNode("urn:g")
    for n, (lexical, kind) in enumerate(
        [("8644500.00", "decimal"), ("35.50", "decimal"), ("-0.00", "decimal"),
         ("007.10", "decimal"), ("+5", "integer"), ("1", "boolean")]
    ):  # fmt: skip
        subject = ox.NamedNode(f"urn:s{n}")
        store.add(ox.Quad(subject, subject, ox.Literal(lexical, datatype=ox.NamedNode(xsd + kind)),
                          graph))  # fmt: skip
        stored = next(iter(store.quads_for_pattern(subject, None, None))).object.value
        assert canonical_lexical(lexical, xsd + kind) == stored


def test_a_foreign_folder_is_not_opened(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OSError, match="not an Oxigraph store"):
        OxigraphStore(tmp_path)


def test_a_locked_store_gives_a_clear_error(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "s"), pytest.raises(OSError, match="cannot open store"):
        OxigraphStore(tmp_path / "s")


def test_default_store_dir_from_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(store_module.STORE_ENV, str(tmp_path / "elsewhere"))
    assert store_module.default_store_path() == tmp_path / "elsewhere"
    monkeypatch.delenv(store_module.STORE_ENV)
    assert store_module.default_store_path() == Path("fiscal-kg-store")


# -- batches of reports (what `fiscal-kg load` writes) -----------------------------------------


@pytest.fixture(scope="module")
def sample_nquads(sample_paths: list[Path]) -> list[tuple[str, str]]:
    """(graph IRI, N-Quads) of each sample, as the loader's workers send them."""
    from fiscal_kg.ingest import parse_one

    parsed = [parse_one(str(p)) for p in sample_paths]
    return [(p.graph_iri, p.nquads) for p in parsed]


def test_a_batch_bulk_loads_the_same_graphs_as_one_transaction_each(
    tmp_path: Path, sample_nquads: list[tuple[str, str]]
) -> None:
    with OxigraphStore(tmp_path / "bulk") as bulk, OxigraphStore(tmp_path / "one") as one:
        assert bulk.put_reports(sample_nquads) == [None] * 5
        for iri, text in sample_nquads:
            one.put_nquads(iri, text)
        for iri, _ in sample_nquads:
            assert len(bulk.graph(iri)) > 3000
            assert isomorphic(bulk.graph(iri), one.graph(iri))
        assert bulk.graph_names() == one.graph_names()


def test_a_bad_report_in_a_batch_costs_only_itself(
    sample_nquads: list[tuple[str, str]]
) -> None:
    store = OxigraphStore()
    store.ensure_reference_data()
    before = store.triple_count()
    bad_iri = "https://w3id.org/fiscal-kg/id/doc/broken"
    bad = (bad_iri, f'<{bad_iri}> <{FKG}amount> "1.0 .\n')  # unterminated literal
    errors = store.put_reports([sample_nquads[0], bad, sample_nquads[1]])
    assert errors[0] is None and errors[2] is None
    assert errors[1] is not None and "cannot store the report" in errors[1]
    assert bad_iri not in store.graph_names()
    loaded = sum(text.count("\n") for text in (sample_nquads[0][1], sample_nquads[1][1]))
    assert store.triple_count() == before + loaded


def test_a_batch_replaces_reports_already_stored_and_later_copies_win(
    sample_nquads: list[tuple[str, str]]
) -> None:
    store = OxigraphStore()
    iri, text = sample_nquads[0]
    store.put_nquads(iri, text)
    # the same report again (in the store already) and a later copy with one amount changed
    amount = f"<{FKG}amount> \"911.29\"^^<http://www.w3.org/2001/XMLSchema#decimal>"
    assert amount in text
    changed = text.replace(amount, amount.replace("911.29", "912.29"), 1)
    cell = next(line for line in text.splitlines() if amount in line).split(" ")[0][1:-1]
    other_iri, other = sample_nquads[1]
    assert store.put_reports([(iri, text), (other_iri, other), (iri, changed)]) == [None] * 3
    amounts = {str(o) for s, p, o in store.graph(iri) if str(p) == FKG + "amount" and
               str(s) == cell}
    assert amounts == {"912.29"}
    assert len(store.graph(iri)) == text.count("\n")
