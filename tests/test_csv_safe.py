"""CSV injection: no cell of a CSV the project writes opens as a formula in a spreadsheet.

Sample 000 re-issued with its unit renamed ``=HYPERLINK('evil.example/x')阿图什市社会保险中心``
(a name the metadata reader accepts: Chinese, no sentence punctuation); every CSV writer —
``query --format csv``, ``export --format csv|indicators-csv``, the findings view's download —
must write it as text ('=HYPERLINK…), keep negative numbers as numbers, and the XLSX export
must type it as text, not as a formula.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fiscal_kg.cli import main
from fiscal_kg.csv_safe import safe_cell

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
SAMPLE_000 = SAMPLES / "000_f35cf930234f7c72.txt"
UNIT = "阿图什市社会保险中心"
PLANTED = f"=HYPERLINK('evil.example/x'){UNIT}"
DOC_000 = "https://w3id.org/fiscal-kg/id/doc/57550b53c60c/2023/unit/budget"


@pytest.mark.parametrize(("cell", "written"), [
    ('=HYPERLINK("http://evil.example/","点击")', '\'=HYPERLINK("http://evil.example/","点击")'),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("  =1+1", "'  =1+1"),
    ("=100%", "'=100%"),
    ("-12.50", "-12.50"),  # an amount: a number, not a formula
    ("+3", "+3"),
    ("-1,234.5", "-1,234.5"),
    ("-3.2%", "-3.2%"),
    ("-1e5", "-1e5"),
    ("-", "-"),  # a table's "none"
    ("=", "="),  # an indicator's operator
    ("阿图什市", "阿图什市"),
    ("a=b", "a=b"),
    ("", ""),
])  # fmt: skip
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(cell: str, written: str) -> None:
    assert safe_cell(cell) == written


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("csv-injection")
    report = folder / "000_planted.txt"
    report.write_text(SAMPLE_000.read_text(encoding="utf-8").replace(UNIT, PLANTED),
                      encoding="utf-8")
    store = folder / "store"
    assert main(["load", "--store", str(store), str(report)]) == 0
    return store


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_query_csv_writes_the_planted_unit_name_as_text(planted_store: Path, capsys) -> None:
    assert main(["query", "documents", "--format", "csv", "--store", str(planted_store)]) == 0
    [row] = _csv(capsys.readouterr().out)
    assert row["document"] == DOC_000 and row["year"] == "2023"
    assert row["unitName"] == "'" + PLANTED


def test_export_csv_escapes_the_unit_and_keeps_negative_numbers(planted_store: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "facts.csv"
    assert main(["export", "--format", "csv", "--store", str(planted_store),
                 "--out", str(out)]) == 0
    rows = _csv(out.read_text(encoding="utf-8"))
    assert len(rows) == 278 and {r["budget_unit"] for r in rows} == {"'" + PLANTED}
    # line 404: 2101101 行政单位医疗 18.26, 3.36 less than last year: the change stays a number
    [claim] = [r for r in rows if r["source_line"] == "404" and r["code"] == "2101101"]
    assert (claim["amount"], claim["change"]) == ("18.26", "-3.36")
    assert not [v for r in rows for v in r.values() if v and v[0] in "=+@"]


def test_export_indicators_csv_escapes_printed_formulas_but_not_a_lone_operator(
        planted_store: Path, capsys) -> None:
    assert main(["export", "--format", "indicators-csv", "--store", str(planted_store)]) == 0
    rows = _csv(capsys.readouterr().out)
    assert len(rows) == 37 and {r["budget_unit"] for r in rows} == {"'" + PLANTED}
    # line 526: 代办员补助月数 =7个月 — the printed target escaped, its operator "=" alone kept
    [months] = [r for r in rows if r["source_line"] == "526"]
    assert (months["level3"], months["target_text"]) == ("代办员补助月数", "'=7个月")
    assert (months["target_operator"], months["target_value"], months["target_unit"]) == (
        "=", "7", "个月")
    assert sum(r["target_operator"] == "=" for r in rows) == 18


def test_the_findings_views_csv_download_escapes_the_unit(planted_store: Path) -> None:
    import pyoxigraph as ox

    from fiscal_kg.queries import named_queries
    from fiscal_kg.report.query_page import csv_bytes, parse_results

    # the engine's JSON, as served: pyoxigraph's own SPARQL JSON writer on the store directory
    # (the endpoint's engine is pyoxigraph; the Store protocol serialises no results)
    engine = ox.Store.read_only(str(planted_store))
    answer = engine.query(named_queries()["documents"].text, use_default_graph_as_union=True)
    body = answer.serialize(format=ox.QueryResultsFormat.JSON)
    del answer, engine
    download = csv_bytes(parse_results("application/sparql-results+json", body))
    [row] = _csv(download.decode("utf-8-sig"))
    assert row["unitName"] == "'" + PLANTED and row["tables"] == "8"


def test_the_xlsx_export_types_the_unit_name_as_text(planted_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert main(["export", "--format", "xlsx", "--store", str(planted_store),
                 "--out", str(out)]) == 0
    sheet = load_workbook(out)["facts 数据"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("预算单位 budget_unit")] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == 278
    # kept exactly (XLSX cells carry their type), as text, not as a formula
    assert {(c.value, c.data_type) for c in cells} == {(PLANTED, "s")}
