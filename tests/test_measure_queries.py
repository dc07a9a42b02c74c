"""The bench's query phase (bench/measure_queries.py): issue 18's targets per query against a full
scan timed in the same process, on a store built for the test."""

from __future__ import annotations

from pathlib import Path

from bench.measure_queries import FULL_SCAN, Timing, build, main, render


def test_each_query_is_judged_against_the_targets_and_the_scan() -> None:
    fast = Timing("documents", "all", "", runs=[0.2, 0.25, 0.4], rows=1000, scan=3.0)
    assert fast.checks() == [("≤ 300 ms", True), ("≤ 10% of a scan", True)]  # 250 ms, 8.3 %
    slow = Timing("totals-by-class", "all", "", runs=[0.29], rows=2400, scan=2.0)
    assert slow.checks() == [("≤ 300 ms", True), ("≤ 10% of a scan", False)]  # 14.5 %
    unit = Timing("documents", "unit", "unit=x", runs=[0.12], rows=1, scan=3.0)
    assert unit.checks()[0] == ("≤ 100 ms", False)
    stopped = Timing("economic-breakdown", "all", "", stopped=True, scan=3.0)
    assert not any(ok for _, ok in stopped.checks())
    text = render([fast, slow, unit, stopped], [2.0, 3.0, 4.0], timeout=20.0)
    assert "median of 3 in the query processes: 3,000 ms" in text
    assert "| documents | all |  | 1000 | 250.0 | 8.3% | 200, 250, 400 |" in text
    assert "| economic-breakdown | all |  |  | >20,000 |  |  stopped |" in text
    assert text.endswith("4 target check(s) failed of 8")


def test_a_small_store_is_built_and_timed(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    build(store, 6)
    from fiscal_kg.store import OxigraphStore

    with OxigraphStore(store, read_only=True) as opened:
        quads = int(opened.query(FULL_SCAN).rows[0][0])
        documents = int(opened.query(
            "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/fiscal-kg/def#ReportSummary> }"
        ).rows[0][0])
    assert documents == 6 and quads > 6 * 4000  # every report with its summary
    capsys.readouterr()
    main([str(store), "-q", "documents", "--runs", "2", "--unit", "合成00001"])
    out = capsys.readouterr().out
    assert "| documents | all |  | 6 |" in out
    assert "| documents | unit | unit=合成00001 | 1 |" in out
    assert "full scan (COUNT of every quad), median of 1 in the query processes" in out
