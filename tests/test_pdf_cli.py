"""PDFs through the command line: folder discovery, load, export columns, where-from, bench."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from bench.pdf import render_pdf_section, time_pdfs
from fiscal_kg.cli import main
from fiscal_kg.ingest import report_files
from loaders.pipeline import load_report
from tests.pdf_fixtures import sample_pdf


def test_a_folder_yields_what_the_readers_read_and_names_the_rest(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.txt", "c.html", "d.md", "sheet.xlsx", "cells.csv", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    skipped: list[tuple[str, str]] = []
    files = report_files([tmp_path], on_skip=lambda p, why: skipped.append((p.name, why)))
    assert [f.name for f in files] == ["a.pdf", "b.txt", "c.html", "d.md"]
    why = "not a report format the readers read (.pdf, .txt, .md, .tsv, .html, .htm)"
    assert skipped == [("cells.csv", why), ("sheet.xlsx", why)]


def test_loading_an_empty_folder_fails_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    assert main(["load", "--store", str(tmp_path / "store"), str(tmp_path / "in")]) == 1
    assert "nothing to load: no report file (PDF, .txt, .md, .tsv, .html) in" in (
        capsys.readouterr().err)


def test_load_export_and_where_from_a_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = shutil.copy(sample_pdf("04_"), folder)
    (folder / "notes.xlsx").write_bytes(b"PK")
    store = str(tmp_path / "store")
    assert main(["load", "--store", store, str(folder)]) == 0
    out = capsys.readouterr()
    assert "notes.xlsx: skipped: not a report format" in out.err
    assert "loaded 1 report(s), 0 failed" in out.out

    csv_path = tmp_path / "facts.csv"
    assert main(["export", "--format", "csv", "--store", store, "--out", str(csv_path)]) == 0
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = next(r for r in rows if r["code"] == "2040601" and r["raw"] == "16726725.44")
    assert (row["page"], row["bbox"]) == ("11", "375.28 375.88 438.28 392.38")

    fact = next(f for t in load_report(pdf).tables for f in t.facts
                if f.code == "2040601" and f.raw == "16726725.44")
    capsys.readouterr()
    assert main(["query", "where-from", "--store", store, "--param", f"line={fact.line}",
                 "--source", str(folder)]) == 0
    text = capsys.readouterr().out
    assert f"line {fact.line}, page 11:" in text
    assert f">{fact.line:>6}  204 | 06 | 01 | 行政运行 | 16726725.44 |" in text


def test_the_bench_pdf_phase_compares_with_pdfplumber() -> None:
    [timing] = time_pdfs([sample_pdf("09_")], runs=1)
    assert timing.pages == 22
    assert 0 < timing.reader_s < timing.pdfplumber_s  # type: ignore[operator]
    text = render_pdf_section([timing], (12.0, 340.0, 100))
    assert "| 09_shanghai-putuo_zfbgs_2025_budget-dept | 22 |" in text
    assert "`fiscal-kg load` of 100 PDF files: 12.0 s wall, peak RSS 340 MB" in text
