"""The bench runs end to end on a tiny corpus (no timing assertions: speed is the bench's job)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bench
from bench.budget import project
from bench.check import compare
from bench.render import COLUMNS, growth_values, render, row_values
from bench.results import Bench, SizeResult
from bench.targets import targets


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, dict]:
    out = tmp_path_factory.mktemp("bench-results")
    # pyshacl takes seconds per report: the smoke run leaves it out (its line says so).
    code = bench.main(
        ["--sizes", "3", "--runs", "1", "--pyshacl-size", "0", "--out", str(out), "--budget", "0"]
    )
    markdown = (out / "bench.md").read_text(encoding="utf-8")
    payload = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    return code, markdown, payload


def _table_rows(markdown: str, header_start: str) -> list[list[str]]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_table_has_every_column_and_a_row_per_size(bench_run) -> None:
    _, markdown, _ = bench_run
    rows = _table_rows(markdown, "| reports |")
    assert rows[0] == list(COLUMNS)
    data = rows[2:]
    assert [r[0] for r in data] == ["3"]
    assert all(len(r) == len(COLUMNS) for r in data)
    values = dict(zip(COLUMNS, data[0], strict=True))
    for column in ("load s", "reports/s", "load ms/report", "load --validate ms/report",
                   "validation in load ms/report", "re-validate ms/report", "query ms (max)",
                   "peak RSS MB"):
        assert values[column] not in ("", "n/a"), column
    assert values["planted errors"] == "load --validate: OK; validate: OK"


def test_every_report_loaded_and_queries_ran(bench_run) -> None:
    _, _, payload = bench_run
    (result,) = payload["results"]
    assert result["size"] == 3 and result["runs"] == 1
    assert result["failed_reports"] == []
    assert result["triples"] > 0
    assert len(result["load_s"]) == 1
    assert result["query_ms"], "no named query was timed"
    assert result["scan_ms"] and all(ms > 0 for ms in result["scan_ms"])  # one per process
    assert all(len(times) == 1 for times in result["query_ms"].values())
    # again for one unit: only the queries with a `unit` parameter (totals-by-class has one,
    # units-by-division does not)
    assert result["query_unit"] and "totals-by-class" in result["unit_query_ms"]
    assert "units-by-division" not in result["unit_query_ms"]
    assert result["writer_rss_mb"] > 0 and result["worker_rss_mb"]


def test_validation_found_exactly_the_planted_errors(bench_run) -> None:
    code, markdown, payload = bench_run
    (result,) = payload["results"]
    planted = result["planted"]
    assert planted["ran"], planted["note"]
    assert result["validate_s"]
    assert (planted["planted"], planted["found"]) == (6, 6)  # 2 in each of the 3 reports
    assert (planted["missed"], planted["unexpected"]) == ([], [])
    assert "3 reports, planted errors: OK: planted 6, found 6, missed 0, unexpected 0" in markdown
    in_load = result["planted_in_load"]  # the same check on `fiscal-kg load --validate`
    assert (in_load["planted"], in_load["found"], in_load["missed"], in_load["unexpected"]) == (
        6, 6, [], [])
    assert result["load_validate_s"] and result["load_s"]
    assert result["corpus"]["reports_by_factor"], result["corpus"]
    assert code == 0


def test_pyshacl_lines_and_target() -> None:
    r = SizeResult(size=10, runs=1, load_s=[1.0], validate_s=[0.5], pyshacl_s=[40.0],
                   fast_s=[0.8], plain_pyshacl_s=12.0, plain_reports=1, plain_fast_s=0.08)
    r.pyshacl = compare(["k"], ["k"])
    r.plain_pyshacl = compare(["k"], ["k"])
    text = render(Bench({"nproc": "2"}, [r], {"workers": 2, "budget": 0}))
    assert "SPARQL queries, on the same 10 reports: 40,000 ms" in text
    assert "one process (as the loading workers run it): 800.0 ms, ×50 faster" in text
    assert "in a store: 500.0 ms, ×80; same findings: OK" in text
    # plain pyshacl on the first report, against the fast path on that same report
    assert ("plain pyshacl (rdflib's SPARQL engine) on 1 of them (the fast path on the same: "
            "80.0 ms): 12.0 s, ×150; same findings: OK") in text
    rows = {name: (value, status) for name, value, status in targets([r], r)}
    assert rows["fast-path ≥ 100× pyshacl"] == ("150.0×", "MET")  # plain pyshacl: 12 / 0.08
    assert rows["fast-path vs pyshacl with Oxigraph as its SPARQL engine (context)"][0] == "50.0×"
    assert rows["same findings as pyshacl"][1] == "MET"
    # stopped: a lower bound, which proves the target only when it reaches it
    r.plain_pyshacl_stopped = True
    assert "stopped after 12.0 s, so the fast path is at least ×150 faster" in render(
        Bench({"nproc": "2"}, [r], {"workers": 2, "budget": 0}))
    rows = {name: (value, status) for name, value, status in targets([r], r)}
    assert rows["fast-path ≥ 100× pyshacl"] == ("≥150.0× (pyshacl stopped at 12 s)",
                                                "MET (lower bound)")
    r.plain_pyshacl_s = 4.0
    assert {n: s for n, _, s in targets([r], r)}["fast-path ≥ 100× pyshacl"] == (
        "n/a (stopped too soon)")


def test_plain_pyshacl_is_stopped_at_its_limit(sample_paths: list[Path]) -> None:
    from bench.plain_pyshacl import run_plain_pyshacl

    run = run_plain_pyshacl([str(sample_paths[0])], limit=0.5)  # 000 takes minutes
    assert run.stopped and run.seconds == 0.5 and run.keys is None


def test_targets_and_growth_rows() -> None:
    small = SizeResult(size=100, runs=1, load_s=[2.0], validate_s=[1.0], triples=10,
                       load_validate_s=[5.0])
    large = SizeResult(size=1000, runs=1, load_s=[20.0], validate_s=[15.0], triples=100,
                       load_validate_s=[60.0])
    small.query_ms = {"q": [5.0]}
    large.query_ms = {"q": [50.0]}
    growth = growth_values(small, large)
    assert set(growth) == set(COLUMNS)
    assert growth["load s"] == "×10.0" and growth["query ms (max)"] == "×10.0"
    by_name = {name: status for name, _, status in targets([small, large], large)}
    assert by_name["load ≤ ×12 time from 100 to 1000"] == "MET"
    assert by_name["validate ≤ ×12 time from 100 to 1000"] == "MISSED"  # ×15
    assert by_name["queries ≤ 300 ms each at 1000"] == "MET"  # issue 18's target
    assert by_name["queries ≤ 10% of a full scan each at 1000"] == "n/a"  # no scan timed
    large.scan_ms = [400.0, 600.0]  # 50 ms of a 500 ms scan: 10 %, just met
    by_name = {name: status for name, _, status in targets([small, large], large)}
    assert by_name["queries ≤ 10% of a full scan each at 1000"] == "MET"
    large.query_ms = {"q": [50.0], "slow": [51.0]}
    by_name = {name: status for name, _, status in targets([small, large], large)}
    assert by_name["queries ≤ 10% of a full scan each at 1000"] == "MISSED"
    assert by_name["load ≥ 50 reports/s at 1000"] == "MET"
    assert by_name["re-validate ≤ 50 ms/report at 1000"] == "MET"  # 15 ms
    assert by_name["validation in load ≤ 50 ms/report at 1000"] == "MET"  # (60 − 20) s / 1000
    assert by_name["load-validate ≤ ×12 time from 100 to 1000"] == "MET"  # ×12.0
    assert row_values(large)["validation in load ms/report"] == "40.0"


def test_projection_scales_with_the_observed_growth() -> None:
    history = [{"size": 10, "phases": {"load": 1.0}}, {"size": 100, "phases": {"load": 20.0}}]
    assert project(history[:1], "load", 100) == pytest.approx(10.0)  # linear from one size
    assert project(history, "load", 1000) > 200.0  # grew faster than linear: so it goes on
    assert project(history, "validate", 1000) is None
    r = SizeResult(size=1000, runs=1, load_s=[50.0], projected={"validate": 120.0})
    assert row_values(r)["re-validate ms/report"] == "~120.0 (projected)"


def test_compare_reports_the_difference() -> None:
    check = compare(["a", "b"], ["b", "c"])
    assert check.status == "MISMATCH"
    assert check.missing == ["a"] and check.unexpected == ["c"]
    assert compare(["a"], ["a"]).status == "OK"


def test_bad_options_are_refused(tmp_path: Path) -> None:
    assert bench.main(["--runs", "0", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit):
        bench.main(["--sizes", "ten"])

