"""N-Quads shards of the bundled reports (``fiscal-kg extract --shards``) and loading them into
the embedded store (``fiscal-kg load --from-shards``)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from fiscal_kg.cli import main
from fiscal_kg.ingest import load_paths, parse_one
from fiscal_kg.shards import (
    MANIFEST_TSV,
    extract,
    load_shards,
    read_manifest,
    split_graphs,
)
from fiscal_kg.store import OxigraphStore
from fiscal_kg.store.remote import GENID

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILES = sorted((ROOT / "samples" / "reports").glob("*.txt")) + sorted(
    (ROOT / "samples" / "realworld").glob("*/*.pdf"))
DOC = "https://w3id.org/fiscal-kg/id/doc/"
SHARD_QUADS = 20_000  # small, so the eleven reports make several shards


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shards") / "samples"
    done = extract(SAMPLE_FILES, out, shard_quads=SHARD_QUADS, workers=2)
    assert done.failed == []
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_sample_files() -> None:
    assert len(SAMPLE_FILES) == 11  # five texts, six PDFs


def test_manifest_names_each_report_with_its_iri_digest_and_quads(shards: Path) -> None:
    manifest = read_manifest(shards)
    by_file = {Path(r.file).name: r for r in manifest.reports}
    assert sorted(by_file) == sorted(p.name for p in SAMPLE_FILES)
    # documents are unit, year, scope and kind, as the reports state them
    assert by_file["000_f35cf930234f7c72.txt"].document == DOC + "bfa9e6175624/2023/unit/budget"
    assert by_file["上海市普陀区财政局2024年度部门决算.pdf"].document == (
        DOC + "bcb79fafd7a8/2024/department/final")
    assert by_file["上海市普陀区财政局部门25年预算.pdf"].document == (
        DOC + "bcb79fafd7a8/2025/department/budget")
    assert by_file["000_f35cf930234f7c72.txt"].summary["facts"] == 211
    assert by_file["上海市普陀区人民政府万里街道办事处24年预算.pdf"].summary["facts"] == 875
    for path in SAMPLE_FILES:
        row = by_file[path.name]
        assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        parsed = parse_one(str(path))  # the loader's own count of the report's quads
        assert row.document == parsed.graph_iri
        assert row.quads == parsed.summary["triples"]
    # the shards: as many quads as the manifest says, graph by graph, and the TSV agrees
    counts = manifest.graph_quads()
    for shard in manifest.shards:
        graphs = list(split_graphs((shards / shard.name).read_text(encoding="utf-8")))
        assert [g for g, _ in graphs] == manifest.graphs_of(shard.name)
        assert sum(t.count("\n") for _, t in graphs) == shard.quads
        assert all(t.count("\n") == counts[g] for g, t in graphs)
    assert len(manifest.shards) == 4  # reference.nq + three of ≈ 20,000 quads
    assert manifest.reference_shard == "reference.nq"
    tsv = (shards / MANIFEST_TSV).read_text(encoding="utf-8").splitlines()
    assert tsv[0].split("\t") == ["shard", "file", "sha256", "document", "quads"]
    row = by_file["000_f35cf930234f7c72.txt"]
    assert "\t".join((row.shard, row.file, row.sha256, row.document, str(row.quads))) in tsv


def test_same_input_gives_byte_identical_shards(shards: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    extract(SAMPLE_FILES, again, shard_quads=SHARD_QUADS, workers=1)  # one process, not two
    assert _files(again) == _files(shards)


def test_gzip_shards_are_byte_identical_and_hold_the_same_quads(tmp_path: Path) -> None:
    files = SAMPLE_FILES[:2]
    extract(files, tmp_path / "a", compress=True, workers=1)
    extract(files, tmp_path / "b", compress=True, workers=1)
    extract(files, tmp_path / "plain", workers=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert sorted(_files(tmp_path / "a")) == [
        "manifest.json", "manifest.tsv", "reference.nq.gz", "shard-00001.nq.gz"]
    for name in ("reference.nq", "shard-00001.nq"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert gzip.decompress((tmp_path / "a" / f"{name}.gz").read_bytes()) == plain


def test_shards_hold_no_blank_nodes_and_skolemise_load_warnings(shards: Path) -> None:
    manifest = read_manifest(shards)
    warnings = 0
    for shard in manifest.shards:
        for quad in ox.parse(path=str(shards / shard.name), format=ox.RdfFormat.N_QUADS):
            assert not isinstance(quad.subject, ox.BlankNode)
            assert not isinstance(quad.object, ox.BlankNode)
            if (quad.object == ox.NamedNode("https://w3id.org/fiscal-kg/def#LoadWarning")
                    and quad.graph_name.value == DOC + "bfa9e6175624/2023/unit/budget"):
                assert quad.subject.value.startswith(GENID)
                warnings += 1
    assert warnings == 21  # sample 000's load warnings, each now a skolem IRI


def test_a_bad_file_is_named_and_the_others_are_written(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "in" / "broken.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"\x00\x01\x02 not a report \xff\xfe")
    twin = tmp_path / "in" / "000-again.txt"  # the same document as 000: refused, not merged
    shutil.copy(SAMPLE_FILES[0], twin)
    out = tmp_path / "shards"
    code = main(["extract", "--shards", str(out), str(SAMPLE_FILES[0]), str(bad),
                 str(SAMPLE_FILES[1]), str(twin)])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{bad}:" in captured.err and f"{twin}: refused" in captured.err
    manifest = read_manifest(out)
    assert [Path(r.file).name for r in manifest.reports] == [
        SAMPLE_FILES[0].name, SAMPLE_FILES[1].name]
    assert [e["file"] for e in manifest.errors] == [str(bad), str(twin)]
    assert "wrote 2 report(s) in 1 shard(s)" in captured.out


def test_extract_refuses_a_folder_that_holds_other_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["extract", "--shards", str(tmp_path), str(SAMPLE_FILES[0])]) == 1
    assert "without a shard manifest" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def _canonical(store: OxigraphStore) -> set[ox.Quad]:
    """The store's quads with skolem IRIs read as blank nodes, blank nodes canonically
    labelled: two stores that differ only in how blank nodes are named give the same set."""
    def term(t):
        return ox.BlankNode(t.value.rpartition("/")[2]) if (
            isinstance(t, ox.NamedNode) and t.value.startswith(GENID)) else t

    dataset = ox.Dataset(ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name)
                         for q in store.quads())
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def test_shards_into_the_embedded_store_equal_a_normal_load(shards: Path, tmp_path: Path,
                                                             capsys) -> None:
    with OxigraphStore(tmp_path / "normal") as normal:
        summary = load_paths(normal, SAMPLE_FILES, quiet=True)
        assert not summary.failed
        expected = _canonical(normal)
    assert main(["load", "--store", str(tmp_path / "sharded"), "--from-shards", str(shards)]) == 0
    assert "loaded 11 report(s)" in capsys.readouterr().out
    with OxigraphStore(tmp_path / "sharded") as sharded:
        found = _canonical(sharded)
        names = sharded.graph_names()
    assert len(found) == len(expected) > 70_000
    assert found == expected
    assert sum(n.startswith(DOC) for n in names) == 11


def test_a_damaged_shard_is_named_and_the_others_load(shards: Path, tmp_path: Path,
                                                      capsys) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(shards, copy)
    with (copy / "shard-00002.nq").open("ab") as fh:
        fh.write(b'<https://example.org/s> <https://example.org/p> "x" <https://example.org/g> .\n')
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), "--from-shards", str(copy)]) == 1
    captured = capsys.readouterr()
    assert "shard-00002.nq: not loaded: shard-00002.nq: its SHA-256 differs" in captured.err
    manifest = read_manifest(copy)
    lost = set(manifest.graphs_of("shard-00002.nq"))
    with OxigraphStore(store) as s:
        docs = {n for n in s.graph_names() if n.startswith(DOC)}
    assert docs == {r.document for r in manifest.reports} - lost
    assert len(docs) == 11 - len(lost) and lost
    assert f"loaded {len(docs)} report(s)" in captured.out


def test_load_wants_files_or_shards_not_both(shards: Path, tmp_path: Path, capsys) -> None:
    assert main(["load", "--store", str(tmp_path / "s"), "--from-shards", str(shards),
                 str(SAMPLE_FILES[0])]) == 2
    assert main(["load", "--store", str(tmp_path / "s")]) == 2
    assert main(["load", "--store", str(tmp_path / "s"), "--virtuoso", "127.0.0.1:1111"]) == 2
    assert main(["load", "--store", str(tmp_path / "s"), "--from-shards",
                 str(tmp_path / "none")]) == 1
    assert "no shard manifest" in capsys.readouterr().err
    # --validate: shards that bring findings (extract --validate), not these
    assert main(["load", "--store", str(tmp_path / "s"), "--from-shards", str(shards),
                 "--validate"]) == 2
    assert "hold no findings: write them with `fiscal-kg extract --validate`" in (
        capsys.readouterr().err)


# -- findings in shards: extract --validate -------------------------------------------------

VALIDATION = "https://w3id.org/fiscal-kg/graph/validation"


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]) -> Path:
    """The five text samples through `fiscal-kg extract --validate`."""
    out = tmp_path_factory.mktemp("validated") / "shards"
    assert main(["extract", "--validate", "--shards", str(out), *map(str, sample_paths)]) == 0
    return out


def _validation_graph(store: OxigraphStore) -> set[ox.Quad]:
    return set(store.quads(graph_iri=VALIDATION))


def test_extract_validate_gives_the_validation_graph_load_validate_stores(
        validated: Path, sample_paths: list[Path], tmp_path: Path, capsys) -> None:
    with OxigraphStore(tmp_path / "loaded") as store:  # `fiscal-kg load --validate`
        assert len(load_paths(store, sample_paths, quiet=True, validate=True).loaded) == 5
        expected = _validation_graph(store)
    assert main(["load", "--store", str(tmp_path / "sharded"), "--from-shards",
                 str(validated)]) == 0
    out = capsys.readouterr().out
    assert "loaded 5 report(s)" in out
    assert ("validated 5 report(s) (their findings from the shards): 22 Violation, 32 Warning, "
            "36 Info; the store holds 22 Violation, 32 Warning, 36 Info over 5 report(s)") in out
    with OxigraphStore(tmp_path / "sharded") as store:
        found = _validation_graph(store)
    # the same quads, none left out: result IRIs are digests of rule, focus, value and line,
    # and neither side has a time stamp or a blank node
    assert len(expected) == 964 and found == expected
    manifest = read_manifest(validated)
    shard = manifest.shards[-1]
    assert (shard.name, manifest.validation) == ("validation.nq", {VALIDATION: 964})
    written = set(ox.parse(path=str(validated / shard.name), format=ox.RdfFormat.N_QUADS))
    assert written == expected  # what Virtuoso's bulk loader reads
    by_file = {Path(r.file).name: r.summary["findings"] for r in manifest.reports}
    assert by_file == {"000_f35cf930234f7c72.txt": 7, "001_c4555a3cefcfab39.txt": 20,
                       "002_0692fe3ff6bbe2a2.txt": 15, "003_964a15e45ca13e4e.txt": 36,
                       "004_ef8a97d7800bc6c6.txt": 12}  # 90: each report's own


def test_extract_validate_says_what_it_found(validated: Path, sample_paths: list[Path],
                                             tmp_path: Path, capsys) -> None:
    again = tmp_path / "again"
    assert main(["extract", "--validate", "--workers", "1", "--shards", str(again),
                 *map(str, sample_paths)]) == 0
    out = capsys.readouterr().out
    assert "wrote 5 report(s) in 1 shard(s) + reference.nq + validation.nq" in out
    assert ("validated 5 of 5 report(s): 90 report-scoped finding(s); validation.nq: 964 "
            "quads") in out
    assert _files(again) == _files(validated)  # one worker or two: the same bytes


def test_unit_scoped_rules_run_over_the_extracted_reports_of_a_unit() -> None:
    from decimal import Decimal

    from validation_models import claim, document, fact, report, table

    from fiscal_kg.shard_findings import findings_nquads, read_findings, unit_findings, unit_of
    from loaders.rdf import report_nquads

    last = report([table("gpb-expenditure", [fact(246, "207.04", code="2080109")])], year=2022)
    this = report([], [claim(396, "774.29", code="2080109", change=Decimal("557.25"),
                             growth_rate=Decimal("256.75"), basis="prior-year-budget")], year=2023)
    other = report([table("gpb-expenditure", [fact(246, "1.00", code="2080109")])],
                   unit="别的单位", year=2022)
    graphs = [(document(r), report_nquads(r)[0]) for r in (this, other, last)]
    units = {iri: unit_of(iri, text) for iri, text in graphs}
    assert units[document(this)] == units[document(last)] != units[document(other)]
    found = unit_findings(graphs, units)  # last year's report comes after this year's
    assert [(f.rule, f.line, f.document, f.found, f.expected) for f in found] == [
        ("NARR-PRIOR-YEAR", 396, document(this), Decimal("217.04"), Decimal("207.04"))]
    assert unit_findings(graphs[:2], {i: units[i] for i, _ in graphs[:2]}) == []  # alone
    text = findings_nquads(found)  # read back, written again: the same quads
    assert findings_nquads(read_findings(text)[document(this)]) == text


def test_shards_findings_replace_only_their_reports_results(
        validated: Path, sample_paths: list[Path], tmp_path: Path) -> None:
    two = tmp_path / "two"
    extract(sample_paths[:2], two, workers=1, validate=True)
    with OxigraphStore(tmp_path / "store") as store:
        load_paths(store, sample_paths, quiet=True, validate=True)
        before = _validation_graph(store)
        summary = load_shards(store, two, quiet=True)  # two of the five again, from shards
        assert len(summary.loaded) == 2 and len(summary.findings) == 7 + 20  # 000's and 001's
        assert _validation_graph(store) == before  # the other three reports' results stay
        doc = summary.loaded[0].graph_iri
        store.remove_graph(doc)  # 000 gone, and its 7 results: the shards' were stored
        mine = {q.subject for q in before if q.predicate.value.endswith("#document")
                and q.object.value == doc}
        assert len(mine) == 7
        assert before - _validation_graph(store) == {
            q for q in before if q.subject in mine or q.object in mine}


def test_a_report_the_workers_cannot_validate_is_extracted_and_named(
        sample_paths: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A report whose shapes fail in the worker is written all the same, its manifest row says
    why, and `load --from-shards` names it "loaded but not validated" (no findings merged)."""
    from fiscal_kg.validation.per_report import ReportValidator

    def broken(self: ReportValidator, reports: object) -> list:
        raise ValueError("no shapes today")

    monkeypatch.setattr(ReportValidator, "validate", broken)
    out = tmp_path / "shards"
    extract(sample_paths[:1], out, workers=1, validate=True)
    (row,) = read_manifest(out).reports
    assert row.summary["validation_error"] == "ValueError: no shapes today"
    assert "findings" not in row.summary
    with OxigraphStore(tmp_path / "store") as store:
        summary = load_shards(store, out, quiet=True)
        assert [p.graph_iri for p in summary.loaded] == [row.document]
        assert summary.findings == []
        assert row.document in store.graph_names()
    assert "loaded but not validated (ValueError: no shapes today)" in capsys.readouterr().err
