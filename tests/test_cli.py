"""The `fiscal-kg` command: load, query, export, and what a bad file does."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from fiscal_kg.cli import main
from fiscal_kg.store import OxigraphStore

ATUSHI = "阿图什市社会保险中心"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]):
    """A store loaded with `fiscal-kg load <folder>`; returns (store dir, load output)."""
    folder = tmp_path_factory.mktemp("reports")
    for path in sample_paths:
        shutil.copy(path, folder / path.name)
    store = tmp_path_factory.mktemp("cli") / "store"
    proc = subprocess.run(
        [sys.executable, "-m", "fiscal_kg", "load", "--store", str(store), str(folder)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return store, proc.stdout


def test_load_prints_one_line_per_report(loaded) -> None:
    _, out = loaded
    lines = [ln for ln in out.splitlines() if ln.endswith(("warning", "warnings"))]
    assert len(lines) == 5
    assert any(ln.endswith(" 1 warning") for ln in lines)  # singular (003 has one)
    atushi = next(ln for ln in lines if "000_f35cf930234f7c72.txt" in ln)
    assert f": {ATUSHI} 2023 budget: " in atushi
    for part in ("tables,", "facts,", "claims,", "indicators,", "warning"):
        assert part in atushi
    assert "乌鲁木齐市社会保险中心 2023 final-account" in out
    assert out.rstrip().endswith("loaded 5 report(s), 0 failed")


def test_a_bad_file_among_good_ones(tmp_path: Path, sample_paths: list[Path]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_paths[0], folder / sample_paths[0].name)
    shutil.copy(sample_paths[2], folder / sample_paths[2].name)
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 40)  # binary, not a report
    proc = subprocess.run(
        [sys.executable, "-m", "fiscal_kg", "load", "--store", str(tmp_path / "s"), str(folder)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1
    error_lines = [ln for ln in proc.stderr.splitlines() if "broken.txt" in ln]
    assert len(error_lines) == 1 and error_lines[0].startswith(str(folder / "broken.txt") + ": ")
    assert len(error_lines[0]) > len(str(folder / "broken.txt")) + 5  # a reason follows
    assert "loaded 2 report(s), 1 failed" in proc.stdout
    with OxigraphStore(tmp_path / "s") as store:
        docs = store.query(
            "SELECT (COUNT(?d) AS ?n) WHERE { "
            "?d a <https://w3id.org/fiscal-kg/def#FiscalDocument> }"
        )
        assert docs.values("n") == [2]


def test_a_missing_file_is_reported(tmp_path: Path, capsys) -> None:
    assert main(["load", "--store", str(tmp_path / "s"), str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(str(tmp_path / "nope.txt") + ": ")


def test_query_formats(loaded, capsys) -> None:
    store, _ = loaded
    args = ["query", "totals-by-class", "--store", str(store), "--param", "class=208"]
    assert main([*args, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    atushi = next(r for r in table if r["unitName"] == ATUSHI)
    assert (atushi["year"], atushi["amount"], atushi["classLabel"]) == (
        "2023", "864.45", "社会保障和就业支出")
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    amounts = {b["unitName"]["value"]: b["amount"]["value"] for b in data["results"]["bindings"]}
    assert amounts[ATUSHI] == "864.45"
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["unitName", "year", "kind"]
    assert ATUSHI in out and "864.45" in out


def test_query_list_and_file(loaded, tmp_path: Path, capsys) -> None:
    store, _ = loaded
    assert main(["query", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "totals-by-class" in listing and "Expenditure totals by function class" in listing
    assert "code=code" in listing
    rq = tmp_path / "years.rq"
    rq.write_text(
        "# param year: year — a year\nPREFIX fkg: <https://w3id.org/fiscal-kg/def#>\n"
        "SELECT ?d WHERE { ?d fkg:fiscalYear ?year }",
        encoding="utf-8",
    )
    assert main(["query", str(rq), "--store", str(store), "--param", "year=2024",
                 "--format", "csv"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[1].endswith("/2024/department/budget")


def test_query_errors_are_clear(loaded, capsys) -> None:
    store, _ = loaded
    assert main(["query", "no-such-query", "--store", str(store)]) == 2
    assert "no named query 'no-such-query'" in capsys.readouterr().err
    assert main(["query", "totals-by-class", "--store", str(store), "--param", "year=20x3"]) == 2
    assert "bad value '20x3'" in capsys.readouterr().err
    assert main(["query", "code-across-units", "--store", str(store)]) == 2
    assert "required" in capsys.readouterr().err


def test_export_csv_columns(loaded, tmp_path: Path) -> None:
    store, _ = loaded
    out = tmp_path / "facts.csv"
    assert main(["export", "--format", "csv", "--store", str(store), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = reader.fieldnames
    assert header[:8] == ["document", "table", "code", "label", "column", "amount", "unit",
                          "source_line"]  # fmt: skip
    assert {"kind", "line_item", "raw"} <= set(header)
    fact = next(r for r in rows if r["kind"] == "fact" and r["code"] == "2080109"
                and r["budget_unit"] == ATUSHI and r["source_line"] == "175"
                and r["column"] == "total")  # fmt: skip
    assert (fact["table"], fact["amount"], fact["unit"], fact["raw"]) == (
        "单位支出总体情况表", "774.29", "万元", "774.29")
    claim = next(r for r in rows if r["kind"] == "claim" and r["budget_unit"] == ATUSHI
                 and r["source_line"] == "416")  # fmt: skip
    assert (claim["label"], claim["amount"], claim["line_item"]) == (
        "人员经费", "307.41", "personnel")
    assert claim["table"].startswith("六、关于阿图什市社会保险中心")
    kinds = {r["kind"] for r in rows}
    assert kinds == {"fact", "claim"}


def test_export_indicators_csv(loaded, capsys) -> None:
    store, _ = loaded
    assert main(["export", "--format", "indicators-csv", "--store", str(store)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    row = next(r for r in rows if r["project"] == "2023 年 1-3 月伤残津贴补助"
               and r["level3"] == "发放人数")  # fmt: skip
    assert (row["target_operator"], row["target_value"], row["target_unit"]) == (">=", "50", "人")
    assert (row["weight"], row["score"], row["source_line"]) == ("8", "8", "213")
    assert {"level1", "level2", "target_text", "actual"} <= set(row)


@pytest.mark.parametrize(("fmt", "parse_as"), [
    ("nq", ox.RdfFormat.N_QUADS), ("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
])  # fmt: skip
def test_export_rdf(loaded, tmp_path: Path, fmt: str, parse_as) -> None:
    store, _ = loaded
    out = tmp_path / f"all.{fmt}"
    assert main(["export", "--format", fmt, "--store", str(store), "--out", str(out)]) == 0
    quads = list(ox.parse(path=str(out), format=parse_as))
    with OxigraphStore(store, read_only=True) as opened:
        total = opened.triple_count()
    if fmt == "ttl":  # the union of the graphs: identical triples of two graphs merge
        assert 0 < len(quads) <= total
    else:
        assert len(quads) == total


def test_validate_and_link_commands(loaded, capsys) -> None:
    store, _ = loaded
    assert main(["link", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"{ATUSHI}\t653001\t阿图什市\tcounty" in out
    assert out.rstrip().endswith("5 of 5 unit(s) linked")


def test_bench_is_not_shipped(capsys) -> None:
    """The benchmark lives in the checkout's bench/ (make bench); the command says so."""
    assert main(["bench", "--sizes", "10"]) == 2
    assert "make bench" in capsys.readouterr().err


def test_demo(tmp_path: Path, capsys) -> None:
    store = tmp_path / "demo-store"
    assert main(["demo", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"store: {store}" in out
    # the five sample texts and the six Shanghai PDFs: 841 + 2,198 table cells
    assert "    reports: 11" in out and "      facts: 3039" in out
    # 10 units (the 财政局 publishes 01 and 13); 万里街道办事处 serves an area below the
    # county level and is left unlinked with 普陀区 as its candidate (fiscal_kg/data/sub_area_words)
    assert "units: 9 of 10 linked to a division" in out
    # the samples' 36 Info, 22 Violation, 32 Warning and the PDFs' 6, 18, 0 (their real errors)
    assert "   findings: 42 Info, 40 Violation, 32 Warning" in out
    with OxigraphStore(store, read_only=True) as opened:
        docs = opened.query(
            "SELECT (COUNT(?d) AS ?n) WHERE { "
            "?d a <https://w3id.org/fiscal-kg/def#FiscalDocument> }"
        )
        assert docs.values("n") == [11]
        results = opened.query(  # the validation report went to disk with the reports
            "SELECT (COUNT(?r) AS ?n) WHERE { GRAPH <https://w3id.org/fiscal-kg/graph/validation>"
            " { ?r a <http://www.w3.org/ns/shacl#ValidationResult> } }"
        )
        assert results.values("n") == [114]
