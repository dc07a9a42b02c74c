"""Shards into a real Virtuoso through its bulk loader (``fiscal-kg load --from-shards DIR
--virtuoso HOST:PORT``), on the throwaway server of ``bench.virtuoso`` (skipped, saying why,
only where Debian's virtuoso-opensource is not installed)."""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import pytest
from test_virtuoso import (  # the SPARQL Update path's comparison, reused as it is
    ATUSHI_DOC,
    QUERIES,
    assert_same_rows,
    cases,
    clear,
    embedded,  # noqa: F401  (fixture: the store `make demo` builds)
)
from virtuoso_fixtures import virtuoso, virtuoso_load_dir  # noqa: F401  (fixtures)

from fiscal_kg.cli import main
from fiscal_kg.demo import demo_sources
from fiscal_kg.queries import run
from fiscal_kg.shards import Manifest, ReportRow, ShardRow, extract, read_manifest, write_manifest
from fiscal_kg.store.remote import RemoteStore
from fiscal_kg.virtuoso_bulk import Isql, graph_counts

VALIDATION = "https://w3id.org/fiscal-kg/graph/validation"


@pytest.fixture(scope="module")
def sample_shards(virtuoso_load_dir: Path) -> Path:  # noqa: F811
    """The samples `make demo` loads, as shards in a folder the server may read, with their
    findings (`fiscal-kg extract --validate`)."""
    out = virtuoso_load_dir / "samples"
    assert extract(demo_sources(), out, shard_quads=20_000, workers=2, validate=True).failed == []
    return out


@pytest.fixture(scope="module")
def bulk_loaded(virtuoso, sample_shards: Path) -> str:  # noqa: F811
    """The samples' shards bulk-loaded into an emptied server; the CLI's output."""
    clear(RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["load", "--from-shards", str(sample_shards), "--virtuoso",
                     f"127.0.0.1:{virtuoso.sql_port}"])
    assert code == 0, out.getvalue()
    return out.getvalue()


def _isql(server) -> Isql:
    return Isql(port=server.sql_port, password="dba")


def test_bulk_load_puts_every_graph_of_the_manifest_on_the_server(
        virtuoso, sample_shards: Path, bulk_loaded: str) -> None:  # noqa: F811
    assert "bulk-loaded 5 shard(s), 11 report(s)" in bulk_loaded  # 3 + reference + validation
    assert "0 shard(s) failed" in bulk_loaded
    assert "the validation graph is the shards' (1,242 quads)" in bulk_loaded
    manifest = read_manifest(sample_shards)
    counts = graph_counts(_isql(virtuoso))
    expected = manifest.graph_quads()
    assert {g: counts.get(g) for g in expected} == expected
    assert len(expected) == 14  # eleven reports, the ontology, the code lists, the findings
    assert expected[ATUSHI_DOC] == next(
        r.quads for r in manifest.reports if r.file.endswith("000_f35cf930234f7c72.txt"))


def test_every_named_query_on_the_bulk_loaded_server_gives_the_embedded_rows(
        virtuoso, embedded, bulk_loaded: str) -> None:  # noqa: F811
    remote = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    assert VALIDATION in remote.graph_names()  # from the shards: not copied below
    # linking writes its graphs on the embedded store: copied over, as the SPARQL Update test
    # does (tests/test_virtuoso.py)
    for graph in sorted(set(embedded.graph_names()) - set(remote.graph_names())):
        remote.put_graph(graph, embedded.graph(graph))
    assert remote.graph_names() == embedded.graph_names()
    for name, params in cases():
        query = QUERIES[name]
        assert_same_rows(query, params, run(embedded, query, params), run(remote, query, params))
    fact = run(remote, QUERIES["where-from"], {"fact": f"{ATUSHI_DOC}/cell/246-4"}).dicts()
    assert [(str(r["amount"]), str(r["unitName"])) for r in fact] == [
        ("774.29", "阿图什市社会保险中心")]


def test_the_findings_come_with_the_shards(
        virtuoso, embedded, bulk_loaded: str) -> None:  # noqa: F811
    remote = RemoteStore(virtuoso.sparql_url, update_endpoint=virtuoso.sparql_url)
    query = QUERIES["validation-findings"]
    for params in ({}, {"severity": "Violation"}, {"unit": "普陀区"}):
        mine = run(embedded, query, params)  # `make demo`: load --validate
        assert_same_rows(query, params, mine, run(remote, query, params))
    assert len(run(remote, query, {}).rows) == 114  # of the eleven reports, as `make demo` has
    assert len(run(remote, query, {"unit": "普陀区"}).rows) == 24


def test_loading_the_shards_again_changes_no_count(
        virtuoso, sample_shards: Path, bulk_loaded: str, capsys) -> None:  # noqa: F811
    before = graph_counts(_isql(virtuoso))
    assert main(["load", "--from-shards", str(sample_shards), "--virtuoso",
                 f"127.0.0.1:{virtuoso.sql_port}"]) == 0
    assert "0 shard(s) failed" in capsys.readouterr().out
    assert graph_counts(_isql(virtuoso)) == before  # no blank node made a second copy


def _tiny_shards(folder: Path, second: bytes) -> Manifest:
    """Two one-report shards of test graphs (not the samples': the server is shared)."""
    folder.mkdir(parents=True)
    g1, g2 = "https://example.org/fiscal-kg-test/g1", "https://example.org/fiscal-kg-test/g2"
    first = "".join(f'<https://example.org/s{i}> <https://example.org/p> "{i}" <{g1}> .\n'
                    for i in range(3)).encode()
    (folder / "reference.nq").write_bytes(b"")
    (folder / "shard-00001.nq").write_bytes(first)
    (folder / "shard-00002.nq").write_bytes(second)

    def sha(name: str) -> str:
        return hashlib.sha256((folder / name).read_bytes()).hexdigest()

    manifest = Manifest("test", "none", [
        ShardRow("reference.nq", sha("reference.nq"), 0, 0),
        ShardRow("shard-00001.nq", sha("shard-00001.nq"), 3, 1),
        ShardRow("shard-00002.nq", sha("shard-00002.nq"), 2, 1),
    ], [ReportRow("a.txt", "0" * 64, g1, 3, "shard-00001.nq"),
        ReportRow("b.txt", "1" * 64, g2, 2, "shard-00002.nq")])
    write_manifest(folder, manifest)
    return manifest


def test_a_shard_the_server_cannot_parse_is_retried_named_and_dropped(
        virtuoso, virtuoso_load_dir: Path, capsys) -> None:  # noqa: F811
    g2 = "https://example.org/fiscal-kg-test/g2"
    broken = (f'<https://example.org/x> <https://example.org/p> "ok" <{g2}> .\n'
              f'<https://example.org/y> <https://example.org/p> "unterminated <{g2}> .\n')
    folder = virtuoso_load_dir / "broken"
    _tiny_shards(folder, broken.encode())
    code = main(["load", "--from-shards", str(folder), "--virtuoso",
                 f"127.0.0.1:{virtuoso.sql_port}"])
    captured = capsys.readouterr()
    assert code == 1
    assert ("shard-00002.nq: not loaded (its graphs were dropped from the server): "
            in captured.err)
    assert "NQuads RDF loader" in captured.err  # the server's own reason
    # the shard loaded just before the broken one is left "loading" by the server: retried too
    assert "shard-00001.nq: failed once, loaded on the retry" in captured.err
    assert "bulk-loaded 2 shard(s), 1 report(s), 3 quads" in captured.out
    assert "1 shard(s) failed" in captured.out
    counts = graph_counts(_isql(virtuoso))
    assert counts.get("https://example.org/fiscal-kg-test/g1") == 3
    assert g2 not in counts  # its first line was loaded, then dropped: nothing half-loaded


def test_a_shard_that_differs_from_its_manifest_is_not_sent(
        virtuoso, virtuoso_load_dir: Path, capsys) -> None:  # noqa: F811
    g2 = "https://example.org/fiscal-kg-test/g3"
    folder = virtuoso_load_dir / "changed"
    good = f'<https://example.org/x> <https://example.org/p> "1" <{g2}> .\n' * 1
    _tiny_shards(folder, (good + good.replace('"1"', '"2"')).encode())
    with (folder / "shard-00002.nq").open("ab") as fh:
        fh.write(b"# changed after extract\n")
    assert main(["load", "--from-shards", str(folder), "--virtuoso",
                 f"127.0.0.1:{virtuoso.sql_port}"]) == 1
    err = capsys.readouterr().err
    assert "shard-00002.nq: not loaded (the server keeps what it held of its graphs): " in err
    assert "SHA-256 differs from the manifest's" in err


def test_gzip_shards_bulk_load_too(
        virtuoso, virtuoso_load_dir: Path, bulk_loaded: str, capsys) -> None:  # noqa: F811
    folder = virtuoso_load_dir / "gzip"
    two = sorted((Path(__file__).parents[1] / "samples" / "reports").glob("*.txt"))[:2]
    assert extract(two, folder, compress=True, workers=1).failed == []
    assert main(["load", "--from-shards", str(folder), "--virtuoso",
                 f"127.0.0.1:{virtuoso.sql_port}"]) == 0
    assert "bulk-loaded 2 shard(s), 2 report(s)" in capsys.readouterr().out
    counts = graph_counts(_isql(virtuoso))
    expected = read_manifest(folder).graph_quads()
    assert {g: counts.get(g) for g in expected} == expected


def test_the_bench_phase_says_when_virtuoso_is_not_installed(monkeypatch, tmp_path: Path) -> None:
    import bench.virtuoso
    from bench.results import SizeResult
    from bench.virtuoso_phase import virtuoso_lines, virtuoso_phase

    monkeypatch.setattr(bench.virtuoso, "installed", lambda: False)
    result = SizeResult(size=1000, runs=1)
    result.virtuoso = virtuoso_phase(tmp_path, tmp_path, workers=1, runs=1, query_timeout_s=1)
    assert virtuoso_lines([result])[0].startswith(
        "Virtuoso at 1000 reports: skipped: not installed")


def test_the_bench_phase_keeps_to_the_time_budget(monkeypatch, tmp_path: Path) -> None:
    import bench.virtuoso
    from bench.budget import Clock, project_virtuoso, virtuoso_clock, virtuoso_reserve
    from bench.virtuoso_phase import virtuoso_phase

    # at 1,000 reports, from this session's embedded medians (load 54.1 s, load --validate
    # 92.6 s, 20 queries of 0.5 s): extract + server + bulk load ≈ 130 s, queries ≈ 15 s a run
    medians = {"load": 54.1, "load-validate": 92.6, **{f"query:q{i}": 0.5 for i in range(20)}}
    guess = project_virtuoso(medians)
    assert round(guess["load"], 2) == 129.65 and guess["run"] == 15.0 and guess["cold"] == 25.0
    # kept out of the sizes' shares up to its own size, and only where it will run
    assert virtuoso_reserve(480, 1000, 1000, [10, 100, 1000], True) == 144.0  # 0.3 of it
    assert virtuoso_reserve(480, 10, 1000, [10, 100, 1000], True) == 144.0
    assert virtuoso_reserve(480, 1000, 1000, [10, 100, 1000], False) == 0.0
    assert virtuoso_reserve(480, 1000, 100, [10, 100, 1000], True) == 0.0
    assert virtuoso_clock(150, 1000, []).left() == pytest.approx(150, abs=1)
    assert virtuoso_clock(150, 100, [1000]).left() == pytest.approx(150 / 11, abs=1)
    # what does not fit is not started (no corpus, no server: it stops before either)
    monkeypatch.setattr(bench.virtuoso, "installed", lambda: True)
    out = virtuoso_phase(tmp_path, tmp_path, workers=1, runs=3, query_timeout_s=1,
                         clock=Clock(100, 100), phases=medians)
    assert out == {"skipped": "not measured: extract --validate and bulk load projected 130 s, "
                              "100 s of the time budget left"}
