"""The findings view (issue 20): static pages, PDF crops, IRI → page, reviews, spreadsheets,
annotated PDFs — on the five samples and the 司法局 2026 PDF."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import html5lib
import openpyxl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image

from fiscal_kg.cli import main, run_linking, run_validation
from fiscal_kg.ingest import load_paths
from fiscal_kg.report.paths import NotMintedError, page_path
from fiscal_kg.store import OxigraphStore
from tests.pdf_fixtures import sample_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
ID = "https://w3id.org/fiscal-kg/id/"
DOC_002 = ID + "doc/afbc89d0428c/2022/unstated/budget"
PAGE_002 = "doc/afbc89d0428c/2022/unstated/budget.html"
DOC_SFJ = ID + "doc/d47c714e45c1/2026/department/budget"  # 上海市普陀区司法局 2026, a PDF
PAGE_SFJ = "doc/d47c714e45c1/2026/department/budget.html"
PARENT_SUM_20801 = "636f2833230e4c33"  # ARITH-PARENT-SUM on 002's line 218 (20801)
ROW_SPENDING_218 = "1bfa3e668526c9a1"  # ARITH-ROW-SPENDING on the same line
SFJ_CODE_AMOUNT = "6b105918be3d20ce"  # NARR-CODE-AMOUNT on 司法局's claim at line 101


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five samples and one PDF, loaded, validated and linked, on disk."""
    memory = OxigraphStore()
    summary = load_paths(memory, [*sorted(SAMPLES.glob("*.txt")), sample_pdf("04_")], quiet=True)
    assert not summary.failed
    run_validation(memory)
    run_linking(memory, None)
    path = tmp_path_factory.mktemp("report") / "store"
    with OxigraphStore(path) as store:
        store.add_quads(memory.quads())
    return path


@pytest.fixture
def own_store(store_dir: Path, tmp_path: Path) -> Path:
    """A copy of the store for a test that writes to it (reviews, reloading)."""
    store = tmp_path / "store"
    shutil.copytree(store_dir, store)
    return store


@pytest.fixture(scope="module")
def site(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    source = sample_pdf("04_").parent
    assert main(["report", "--store", str(store_dir), "--out", str(out),
                 "--source", str(source)]) == 0
    return out


def _html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def _element(html: str, element_id: str) -> str:
    """The start tag of the element with this id and the text up to its end tag."""
    m = re.search(rf'<(\w+)[^>]* id="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no element #{element_id}"
    return m.group(0)


def test_the_index_lists_every_report_with_its_metadata_and_counts(site: Path) -> None:
    html = _html(site, "index.html")
    rows = re.findall(r'<tr id="doc-[^"]+">(.*?)</tr>', html, re.S)
    assert len(rows) == 6
    row = _element(html, "doc-afbc89d0428c-2022-unstated-budget")
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == ["克孜勒苏柯尔克孜自治州社会保险中心", "克孜勒苏柯尔克孜自治州", "2022",
                     "budget", "unstated", "002_0692fe3ff6bbe2a2.txt", "0.929",
                     "10", "3", "2", "15", "0", "0"]  # fmt: skip
    assert f'href="{PAGE_002}"' in row
    sfj = _element(html, "doc-d47c714e45c1-2026-department-budget")
    assert "上海市普陀区司法局2026年部门预算.pdf" in sfj and "普陀区" in sfj
    # sortable headers and a filter, with the script that does both — and nothing fetched
    assert html.count('class="sortable') == 13 and 'id="filter"' in html
    assert 'src="assets/report.js"' in html  # works offline: nothing from the network
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_002s_page_shows_row_20801_with_the_finding_that_points_at_it(site: Path) -> None:
    html = _html(site, PAGE_002)
    row = _element(html, "row-218")
    assert "<td>20801</td>" in row and "人力资源和社会保障管理 事务" in row
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'class="amount"[^>]*>([^<]*)<', row)
            ] == ["320.27", "352.15", "16.40"]
    assert _element(html, "cell-218-5").endswith(">352.15</td>")
    assert _element(html, "cell-219-5").endswith(">303.87</td>")  # the item adding to 303.87
    finding = _element(html, f"finding-{PARENT_SUM_20801}")
    assert "[Violation] ARITH-PARENT-SUM" in finding
    assert 'href="#cell-218-5" data-target="cell-218-5" data-related="row-219"' in finding
    assert "20801: 352.15 printed, but its sub-items (line 219) add up to 303.87" in finding
    assert "期望 expected 303.87 · 实际 found 352.15 · 差额 difference 48.28" in finding
    # the table is 表五 in the order the report prints its rows
    table = html[html.index("一般公共预算支出情况表"):]
    lines = [int(n) for n in re.findall(r'<tr id="row-(\d+)"', table[:table.index("</table>")])]
    assert lines == [217, 218, 219, 220, 221, 222, 223, 224]


def test_claims_link_to_the_cells_they_restate(site: Path) -> None:
    html = _html(site, PAGE_002)
    claim = _element(html, "claim-294-2")
    assert '<span class="amount">11.40</span>' in claim
    assert 'href="#cell-97-1"' in claim
    assert _element(html, "cell-97-1").endswith(">11.40</td>")


def test_a_pdf_reports_rows_and_findings_have_crops_of_the_page(site: Path) -> None:
    html = _html(site, PAGE_SFJ)
    row = _element(html, "row-123")  # 2040601 行政运行, page 11, y 375.88–392.38
    assert "<td>2040601</td>" in row and "16726725.44" in row
    src = re.search(r'<img loading="lazy" alt="line 123, page 11" src="([^"]+)"', row).group(1)
    crop = Image.open(site / Path(PAGE_SFJ).parent / src)
    assert crop.size == (1588, 49)  # page width less margins, the row ± 4 pt, at 2 px a point
    page = pdfium.PdfDocument(str(sample_pdf("04_")))[10]
    band = page.get_textpage().get_text_bounded(24, 371.88, 818, 396.38)
    assert "行政运行" in band and "16726725.44" in band  # the print the crop shows
    finding = _element(html, f"finding-{SFJ_CODE_AMOUNT}")
    assert "NARR-CODE-AMOUNT" in finding and "201.50 boxed" in finding
    image = Image.open(site / Path(PAGE_SFJ).parent / "budget" /
                       f"finding-{SFJ_CODE_AMOUNT}.png").convert("RGB")
    assert (220, 30, 30) in {colour for _, colour in image.getcolors(1 << 20)}  # the red box


def test_every_minted_iri_has_a_page_in_the_folder(site: Path, store_dir: Path) -> None:
    with OxigraphStore(store_dir, read_only=True) as store:
        iris = {str(row["s"]) for row in store.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
        ).dicts()}  # fmt: skip
    assert len(iris) > 2000
    missing = {i for i in iris if not (site / page_path(i).partition("#")[0]).is_file()}
    assert missing == set()
    assert page_path(DOC_002 + "/cell/218-5") == PAGE_002 + "#cell-218-5"
    assert page_path(ID + f"validation/report/result/{PARENT_SUM_20801}") == (
        f"finding/{PARENT_SUM_20801}.html")
    assert f'url=../{PAGE_002}#finding-{PARENT_SUM_20801}"' in _html(
        site, f"finding/{PARENT_SUM_20801}.html")
    with pytest.raises(NotMintedError, match="not an IRI minted by fiscal-kg"):
        page_path("https://example.org/x")


def test_the_pages_are_valid_html(site: Path) -> None:
    parser = html5lib.HTMLParser(strict=True)
    pages = [site / "index.html", *sorted((site / "doc").rglob("*.html")),
             *sorted((site / "unit").glob("*.html")), site / f"finding/{PARENT_SUM_20801}.html"]
    assert len(pages) == 1 + 6 + 6 + 1
    for page in pages:
        parser.parse(page.read_bytes())  # raises on the first parse error


def test_the_annotated_pdf_boxes_each_finding_with_a_place(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = sample_pdf("04_")
    assert main(["report", "--store", str(store_dir), "--out", str(tmp_path), "--annotate",
                 "--document", source.name, "--source", str(source.parent)]) == 0
    copy = tmp_path / "doc/d47c714e45c1/2026/department/budget.annotated.pdf"
    assert f"annotated {source.name}: 5 finding(s) boxed → {copy}" in capsys.readouterr().out
    assert '<a href="budget.annotated.pdf">' in _html(tmp_path, PAGE_SFJ)
    pdf = pdfium.PdfDocument(str(copy))
    page = pdf[8]  # page 9: the narrative lines 87–101
    annots = [pdfium_raw.FPDFPage_GetAnnot(page, i)
              for i in range(pdfium_raw.FPDFPage_GetAnnotCount(page))]
    assert [pdfium_raw.FPDFAnnot_GetSubtype(a) for a in annots] == [
        pdfium_raw.FPDF_ANNOT_SQUARE] * 5
    texts = [_annot_text(a) for a in annots]
    assert any(t.startswith("[Violation] NARR-CODE-AMOUNT: The narrative says 2210201 = 201.5")
               for t in texts)


def _annot_text(annot) -> str:
    import ctypes

    size = pdfium_raw.FPDFAnnot_GetStringValue(annot, b"Contents", None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_raw.FPDFAnnot_GetStringValue(
        annot, b"Contents", ctypes.cast(buffer, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)), size)
    return buffer.raw.decode("utf-16-le").rstrip("\0")


def test_a_review_stays_attached_when_the_report_is_validated_again(
    own_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", PARENT_SUM_20801, "--verdict", "false-alarm", "--store",
                 str(own_store)]) == 0  # changed the reviewer's mind just after: the latest holds
    assert main(["review", PARENT_SUM_20801, "--verdict", "confirmed", "--note",
                 "基本支出 20801 应为 303.87", "--store", str(own_store)]) == 0
    assert main(["review", f"id:validation/report/result/{ROW_SPENDING_218}", "--verdict",
                 "false-alarm", "--store", str(own_store)]) == 0
    assert main(["validate", "--store", str(own_store)]) == 1  # Violations remain
    capsys.readouterr()
    out = tmp_path / "site"
    assert main(["report", "--store", str(own_store), "--out", str(out),
                 "--document", "002_0692fe3ff6bbe2a2.txt"]) == 0
    row = _element(_html(out, "index.html"), "doc-afbc89d0428c-2022-unstated-budget")
    counts = re.findall(r'class="amount count-(\w+)">(\d+)<', row)
    assert counts == [("Violation", "10"), ("Warning", "3"), ("Info", "2"), ("open", "13"),
                      ("confirmed", "1"), ("dismissed", "1")]
    finding = _element(_html(out, PAGE_002), f"finding-{PARENT_SUM_20801}")
    assert '<span class="state">confirmed</span>' in finding
    assert "基本支出 20801 应为 303.87" in finding
    assert not (out / PAGE_SFJ).exists()  # --document: that report's page only


def test_review_and_report_refuse_bad_input_in_one_line(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(store_dir)
    assert main(["review", "0123456789abcdef", "--verdict", "confirmed", "--store", store]) == 2
    assert capsys.readouterr().err == (
        "fiscal-kg review: no finding 0123456789abcdef in the store's validation report\n")
    assert main(["review", "x y", "--verdict", "confirmed", "--store", store]) == 2
    assert "fiscal-kg review: not a finding: 'x y'" in capsys.readouterr().err
    out = str(tmp_path / "o")
    assert main(["report", "--store", store, "--out", out, "--document", "nope.txt"]) == 2
    assert capsys.readouterr().err.startswith("fiscal-kg report: --document: no report 'nope.txt'")
    assert main(["report", "--store", store, "--out", out, "--source", "/no/such"]) == 2
    assert capsys.readouterr().err == (
        "fiscal-kg report: --source: no such file or folder: /no/such\n")
    assert main(["report", "--store", store, "--out", out]) == 0  # no --source: no crops
    err = capsys.readouterr().err
    assert "no page crops for 1 PDF report(s) (give --source DIR" in err
    assert "上海市普陀区司法局2026年部门预算.pdf" in err


def test_spreadsheet_exports_open_in_excel(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = tmp_path / "all.xlsx"
    assert main(["export", "--store", str(store_dir), "--out", str(xlsx)]) == 0
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["facts 数据", "findings 发现", "indicators 指标"]
    facts = list(book["facts 数据"].iter_rows(values_only=True))
    assert facts[0][:8] == ("报告 document", "表格/段落 table", "科目编码 code", "名称 label",
                            "栏目 column", "金额 amount", "金额单位 unit", "行号 source_line")
    cell = next(r for r in facts[1:] if r[0] == DOC_002 and r[7] == 218 and r[4] == "basic")
    assert (cell[2], cell[5], cell[6], cell[10]) == ("20801", 352.15, "万元", "352.15")
    findings = list(book["findings 发现"].iter_rows(values_only=True))
    assert findings[0][:3] == ("报告 document", "严重程度 severity", "规则 rule")
    row = next(r for r in findings if r[-1] and r[-1].endswith(PARENT_SUM_20801))
    assert row[1:3] == ("Violation", "ARITH-PARENT-SUM") and row[6:9] == (303.87, 352.15, 48.28)
    indicators = list(book["indicators 指标"].iter_rows(values_only=True))
    assert indicators[0][0] == "报告 document" and len(indicators) > 200

    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert main(["export", "--format", "csv", "--store", str(store_dir), "--out", str(plain)]) == 0
    assert main(["export", "--format", "csv", "--excel", "--store", str(store_dir),
                 "--out", str(excel)]) == 0
    assert plain.read_bytes()[:8] == b"document"
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()  # the BOM, nothing else
    with excel.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert list(first)[:2] == ["document", "table"]


def test_the_live_view_serves_the_same_pages_and_crops(site: Path, store_dir: Path) -> None:
    from rdflib import Graph, Literal, URIRef

    from fiscal_kg.report.live import resolve_iri, view

    sources = [sample_pdf("04_").parent]
    with OxigraphStore(store_dir, read_only=True) as store:
        index = view(store, "/")
        page = view(store, "/" + PAGE_SFJ, sources)
        crop = view(store, "/doc/d47c714e45c1/2026/department/budget/row-123.png", sources)
        boxed = view(store, f"/doc/d47c714e45c1/2026/department/budget/finding-"
                            f"{SFJ_CODE_AMOUNT}.png", sources)
        js = view(store, "/assets/report.js")
        refused = [view(store, p).status for p in (
            "/../store/CURRENT", "/assets/../../cli.py", "/doc/x/2020/unit/budget.html",
            "/finding/0000.html", "/doc/d47c714e45c1/2026/department/budget/row-1.png")]
        see_other = resolve_iri(store, "doc/afbc89d0428c/2022/unstated/budget/cell/218-5")
        turtle = resolve_iri(store, "doc/afbc89d0428c/2022/unstated/budget/cell/218-5",
                             accept="text/turtle")
        unknown = resolve_iri(store, "doc/afbc89d0428c/2022/unstated/budget/cell/999-9")
    assert (index.status, index.body) == (200, (site / "index.html").read_bytes())
    assert (page.status, page.body) == (200, (site / PAGE_SFJ).read_bytes())
    folder = site / "doc/d47c714e45c1/2026/department/budget"
    assert (crop.content_type, crop.body) == ("image/png", (folder / "row-123.png").read_bytes())
    assert boxed.body == (folder / f"finding-{SFJ_CODE_AMOUNT}.png").read_bytes()
    assert js.content_type.startswith("text/javascript") and b"function highlight" in js.body
    assert refused == [404] * 5
    assert (see_other.status, see_other.headers) == (
        303, {"Location": f"/{PAGE_002}#cell-218-5"})
    assert turtle.content_type.startswith("text/turtle")
    graph = Graph().parse(data=turtle.body.decode(), format="turtle")
    cell = URIRef(DOC_002 + "/cell/218-5")
    fkg = "https://w3id.org/fiscal-kg/def#"
    assert graph.value(cell, URIRef(fkg + "rawText")) == Literal("352.15")
    assert graph.value(cell, URIRef(fkg + "codeNotation")) == Literal("20801")
    assert unknown.status == 404


def test_a_review_survives_reloading_and_revalidating_its_report(
    own_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", PARENT_SUM_20801, "--verdict", "confirmed", "--store",
                 str(own_store)]) == 0
    assert main(["load", "--validate", "--force", "--store", str(own_store),
                 str(SAMPLES / "002_0692fe3ff6bbe2a2.txt")]) == 1  # its Violations
    capsys.readouterr()
    with OxigraphStore(own_store, read_only=True) as opened:
        from fiscal_kg.report import data

        marked = {f.digest: f.state for f in data.findings(opened, DOC_002)}
    assert marked[PARENT_SUM_20801] == "confirmed"
    assert sorted(marked.values()).count("open") == len(marked) - 1
