"""The findings view's query page (issue 20, point 2): the named queries with their parameters as
form fields, a free-text box with the project's prefixes, results as an HTML table with plain
numbers and links to the view's pages, CSV (with a BOM) and XLSX downloads — every query run
under the endpoint's policy (guard, row cap), on a server started from a real store."""

from __future__ import annotations

import csv
import io
import shutil
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from conftest import SAMPLES_IN_LISTING_ORDER, serving, serving_002_and_04_pdf
from openpyxl import load_workbook

from fiscal_kg.queries import named_queries

REPO = Path(__file__).resolve().parents[1]
SAMPLE_002 = REPO / "samples" / "reports" / "002_0692fe3ff6bbe2a2.txt"
PAGE_002 = "/findings/doc/afbc89d0428c/2022/unstated/budget.html"  # 克州社会保险中心, 2022
MAX_ROWS = 5  # the server's row cap, low enough for where-from's 100 rows to hit it
# 002's line 218: 208 01 人力资源和社会保障管理事务, 320.27 | 352.15 (基本支出) | 16.40
LINE_218 = {"name": "where-from", "document": SAMPLE_002.name, "line": "218", "run": "1"}
INJECTION = 'x" } ; DROP ALL ; { "'
# the five samples' reports in listing order (unit name, year): pages of 2 are 2, 2 and 1
UNITS = [unit for unit, _ in SAMPLES_IN_LISTING_ORDER]
DOCUMENTS = {"name": "documents", "run": "1"}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    """The query page's URL, on a server over 002 (text) and 04 (PDF), validated."""
    folder = tmp_path_factory.mktemp("query-page")
    with serving_002_and_04_pdf(folder, "--max-rows", str(MAX_ROWS)) as base:
        yield f"{base}/findings/query"


@pytest.fixture(scope="module")
def samples_page(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The query page on a server over a copy of the five samples' store (pages of reports)."""
    store = tmp_path_factory.mktemp("query-pages") / "store"
    shutil.copytree(sample_store_dir, store)
    with serving(store) as (base, _):
        yield f"{base}/findings/query"


class Links(HTMLParser):
    """Every link's href and text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.href, self.text = dict(attrs).get("href"), ""

    def handle_data(self, data: str) -> None:
        if self.href is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href is not None:
            self.links.append((self.href, self.text))
            self.href = None


def links(html: str, text: str) -> list[str]:
    """The hrefs of the links whose text contains ``text``."""
    parser = Links()
    parser.feed(html)
    return [href for href, label in parser.links if text in label]


class Cells(HTMLParser):
    """The result table's rows: each cell as (text, href or None, class or None)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str | None, str | None]]] = []
        self.inside, self.cell = False, None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("class") == "results":
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = ["", None, found.get("class")]
        elif self.cell is not None and tag == "a":
            self.cell[1] = found.get("href")

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(tuple(self.cell))
            self.cell = None


def result_rows(html: str) -> list[list[tuple[str, str | None, str | None]]]:
    parser = Cells()
    parser.feed(html)
    return [row for row in parser.rows if row]  # the header row has no <td>


def test_the_page_lists_every_named_query_and_the_index_links_to_it(page: str) -> None:
    answer = requests.get(page, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    queries = named_queries()
    assert len(queries) >= 20
    for name, query in queries.items():
        assert f'href="/findings/query?name={name}"' in answer.text
        assert escape(query.title) in answer.text, name
    # the free-text box starts with the prefixes the named queries use
    box = unescape(answer.text.split('<textarea name="query"', 1)[1].split("</textarea>")[0])
    for line in ("PREFIX fkg: <https://w3id.org/fiscal-kg/def#>",
                 "PREFIX qb: <http://purl.org/linked-data/cube#>",
                 "PREFIX id: <https://w3id.org/fiscal-kg/id/>"):
        assert line in box
    index = requests.get(page.removesuffix("query"), timeout=30).text
    assert '<a href="query">' in index


def test_choosing_a_query_shows_its_parameters_as_typed_fields(page: str) -> None:
    form = requests.get(page, params={"name": "where-from"}, timeout=30)
    assert form.status_code == 200
    assert 'name="fact"' in form.text and 'name="document"' in form.text
    assert '<input name="line" value="" type="number"' in form.text
    # the reports of the store are offered for the document parameter
    assert 'value="id:doc/afbc89d0428c/2022/unstated/budget"' in form.text
    assert 'id="results"' not in form.text  # chosen, not yet run


def test_a_named_query_runs_with_a_parameter_from_the_form(page: str) -> None:
    answer = requests.get(page, params=LINE_218, timeout=60)
    assert answer.status_code == 200, answer.text
    rows = result_rows(answer.text)
    assert len(rows) == 3  # 合计, 基本支出, 项目支出 of line 218
    basic = next(r for r in rows if r[0][0].endswith("cell/218-5"))
    assert basic[0] == ("id:doc/afbc89d0428c/2022/unstated/budget/cell/218-5",
                        f"{PAGE_002}#cell-218-5", None)
    assert ("352.15", None, "amount") in basic  # the amount: a plain number
    assert ("218", None, "amount") in basic  # the line: "218", not "218"^^xsd:integer
    assert ("一般公共预算支出情况表", None, None) in basic
    # the result table shows plain values: no datatype suffix or datatype IRI in any cell (the
    # free-text box below it lists the prefixes, xsd: among them)
    results = answer.text.split('id="results"')[1].split("</table>")[0]
    assert "^^" not in answer.text and "XMLSchema#" not in results and "<td" in results
    linked = requests.get(page.removesuffix("/findings/query") + basic[0][1].split("#")[0],
                          timeout=60)  # fmt: skip
    assert linked.status_code == 200 and 'id="cell-218-5"' in linked.text


def test_a_code_parameter_filters_the_totals(page: str) -> None:
    answer = requests.get(page, params={"name": "totals-by-class", "class": "208", "run": "1"},
                          timeout=60)  # fmt: skip
    rows = result_rows(answer.text)
    assert [(r[0][0], r[5][0], r[6][0]) for r in rows] == [
        ("上海市普陀区司法局", "3343704", "元"),
        ("克孜勒苏柯尔克孜自治州社会保险中心", "389.75", "万元"),
    ]


def test_sparql_text_in_a_value_is_bound_as_a_literal(page: str) -> None:
    answer = requests.get(page, params={"name": "totals-by-class", "unit": INJECTION,
                                        "run": "1"}, timeout=60)  # fmt: skip
    assert answer.status_code == 200
    assert "0 行 rows" in answer.text and result_rows(answer.text) == []
    assert escape(INJECTION) in answer.text  # kept in its field, as typed
    after = requests.get(page, params={"name": "totals-by-class", "class": "208", "run": "1"},
                         timeout=60)  # fmt: skip
    assert len(result_rows(after.text)) == 2  # no effect on the store
    bad_iri = requests.get(page, params={"name": "where-from", "fact": INJECTION, "run": "1"},
                           timeout=30)  # fmt: skip
    assert bad_iri.status_code == 400
    assert "parameter fact (iri): bad value" in unescape(bad_iri.text)


def test_named_queries_get_the_endpoints_row_cap(page: str) -> None:
    answer = requests.get(page, params={"name": "where-from", "run": "1"}, timeout=60)
    assert len(result_rows(answer.text)) == MAX_ROWS
    assert f"cut at the endpoint's cap of {MAX_ROWS}" in answer.text


def test_csv_download_starts_with_the_bom_and_has_the_header(page: str) -> None:
    answer = requests.get(page, params={**LINE_218, "format": "csv"}, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="where-from.csv"'
    assert answer.content.startswith(b"\xef\xbb\xbffact,unitName,year,kind,file,table,")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    cell = next(r for r in rows if r[0].endswith("/cell/218-5"))
    assert cell[0] == "https://w3id.org/fiscal-kg/id/doc/afbc89d0428c/2022/unstated/budget" \
                      "/cell/218-5"
    assert (cell[9], cell[11]) == ("218", "352.15")


def test_xlsx_download_has_the_same_rows_with_numbers_as_numbers(page: str) -> None:
    as_csv = requests.get(page, params={**LINE_218, "format": "csv"}, timeout=60)
    answer = requests.get(page, params={**LINE_218, "format": "xlsx"}, timeout=60)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    expected = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [["" if v is None else str(v) for v in row] for row in cells] == expected
    basic = next(r for r in cells if str(r[0]).endswith("/cell/218-5"))
    assert basic[9] == 218 and basic[11] == pytest.approx(352.15)


def test_the_preloaded_free_text_query_runs(page: str) -> None:
    box = requests.get(page, timeout=30).text.split('<textarea name="query"', 1)[1]
    text = unescape(box.split(">", 1)[1].split("</textarea>")[0])
    answer = requests.post(page, data={"query": text}, timeout=60)
    assert answer.status_code == 200
    units = sorted(row[1][0] for row in result_rows(answer.text))
    assert units == ["上海市普陀区司法局", "克孜勒苏柯尔克孜自治州社会保险中心"]


def test_a_free_text_query_with_service_is_refused_as_on_the_endpoint(page: str) -> None:
    text = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    answer = requests.post(page, data={"query": text}, timeout=30)
    endpoint = requests.post(page.removesuffix("/findings/query") + "/query",
                             data={"query": text}, timeout=30)  # fmt: skip
    assert answer.status_code == endpoint.status_code == 400
    assert "query refused: SERVICE is not allowed" in endpoint.text
    assert escape(endpoint.text.strip()) in answer.text  # the same message, on the page


@pytest.mark.parametrize(("params", "status", "message"), [
    ({"name": "no-such-query"}, 404, "no named query 'no-such-query'"),
    ({"name": "totals-by-class", "year": "20x", "run": "1"}, 400, "parameter year (year)"),
    ({"name": "where-from", "document": "nothing.txt", "run": "1"}, 400,
     "no report 'nothing.txt' in the store"),
    ({"format": "pdf"}, 400, "format 'pdf': one of html, csv, xlsx"),
])  # fmt: skip
def test_bad_input_gets_a_message_and_a_4xx(page: str, params: dict, status: int,
                                            message: str) -> None:  # fmt: skip
    answer = requests.get(page, params=params, timeout=30)
    assert answer.status_code == status
    assert message in unescape(answer.text) and "Traceback" not in answer.text
    raw = requests.post(page, data="SELECT * {}", timeout=30,
                        headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert raw.status_code == 415


def test_the_pages_are_valid_html(page: str) -> None:
    import html5lib

    parser = html5lib.HTMLParser(strict=True)
    for params in ({}, {"name": "where-from"}, LINE_218, {"edit": "documents"},
                   {"name": "totals-by-class", "year": "20x", "run": "1"}):
        answer = requests.get(page, params=params, timeout=60)
        parser.parse(answer.content)  # raises on the first parse error
    construct = requests.post(page, data={"query": "CONSTRUCT WHERE { ?s a ?t } LIMIT 2"},
                              timeout=60)  # fmt: skip
    parser.parse(construct.content)
    assert [len(row) for row in result_rows(construct.text)] == [3, 3]  # subject, predicate, object


# ---------------------------------------------------------------------------
# listings a page of reports at a time (`# pages: ?document`, fiscal_kg.queries.paging)
# ---------------------------------------------------------------------------


def test_a_listing_comes_a_page_of_reports_at_a_time(samples_page: str) -> None:
    answer = requests.get(samples_page, params={**DOCUMENTS, "size": "2", "page": "2"},
                          timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert [row[1][0] for row in result_rows(answer.text)] == UNITS[2:4]
    assert "page 2 of 3: reports 3–4 of 5" in answer.text
    base = "/findings/query?name=documents&run=1&size=2"
    assert links(answer.text, "previous") == [f"{base}&page=1"]
    assert links(answer.text, "next") == [f"{base}&page=3"]
    assert links(answer.text, "every report") == [f"{base}&all=1"]
    # the links lead to the pages beside it
    host = samples_page.removesuffix("/findings/query")
    last = requests.get(host + links(answer.text, "next")[0], timeout=60)
    assert [row[1][0] for row in result_rows(last.text)] == UNITS[4:]
    assert "page 3 of 3: reports 5–5 of 5" in last.text and not links(last.text, "next")
    first = requests.get(host + links(answer.text, "previous")[0], timeout=60)
    assert [row[1][0] for row in result_rows(first.text)] == UNITS[:2]
    assert not links(first.text, "previous")
    # the form keeps the page and its size, for the next run
    assert '<input name="page" value="2"' in answer.text
    assert '<input name="size" value="2"' in answer.text


def test_every_report_at_once(samples_page: str) -> None:
    answer = requests.get(samples_page, params={**DOCUMENTS, "size": "2", "all": "1"},
                          timeout=60)  # fmt: skip
    assert answer.status_code == 200
    assert [row[1][0] for row in result_rows(answer.text)] == UNITS
    assert "page 1 of" not in answer.text
    assert links(answer.text, "in pages") == ["/findings/query?name=documents&run=1&size=2&page=1"]
    assert '<input name="all" value="1" type="checkbox" checked>' in answer.text


def test_the_default_page_holds_ten_reports(samples_page: str) -> None:
    answer = requests.get(samples_page, params=DOCUMENTS, timeout=60)
    assert [row[1][0] for row in result_rows(answer.text)] == UNITS
    assert "page 1 of 1: reports 1–5 of 5" in answer.text
    assert not links(answer.text, "next") and not links(answer.text, "previous")
    # the filters a listing's form takes choose its reports, and so its pages
    one = requests.get(samples_page, params={**DOCUMENTS, "unit": "奇台", "size": "1"},
                       timeout=60)  # fmt: skip
    assert [row[1][0] for row in result_rows(one.text)] == ["奇台县社会保险管理局"]
    assert "page 1 of 1: reports 1–1 of 1" in one.text


def test_a_listing_with_a_parameter_is_paged_in_its_order(samples_page: str) -> None:
    """totals-by-class sorts by unit, year, kind, class: its pages in a row are its whole answer."""
    totals = {"name": "totals-by-class", "class": "208", "run": "1", "size": "2"}
    whole = result_rows(requests.get(samples_page, params={**totals, "all": "1"},
                                     timeout=60).text)  # fmt: skip
    pages = [result_rows(requests.get(samples_page, params={**totals, "page": str(n)},
                                      timeout=60).text) for n in (1, 2, 3)]  # fmt: skip
    assert [row for page in pages for row in page] == whole
    # 乌鲁木齐 states no 208 total: page 1 (乌鲁木齐, 克州) has 1 row, then 奇台+苍溪, 阿图什
    assert [len(page) for page in pages] == [1, 2, 1]
    assert [(row[0][0], row[5][0]) for row in whole] == [
        ("克孜勒苏柯尔克孜自治州社会保险中心", "389.75"), ("奇台县社会保险管理局", "933.34"),
        ("苍溪县社会保险事务中心", "21017.35"), ("阿图什市社会保险中心", "864.45")]  # fmt: skip


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "9", "size": "2"}, "documents: there is no page 9: 5 report(s) make 3 page(s) of 2"),
    ({"page": "0"}, "page '0': a whole number, 1 or more"),
    ({"page": "two"}, "page 'two': a whole number, 1 or more"),
    ({"page": "-1"}, "page '-1': a whole number, 1 or more"),
    ({"size": "1001"}, "size '1001': a whole number, 1 to 1,000"),
    ({"size": "0", "all": "1"}, "size '0': a whole number, 1 to 1,000"),
])  # fmt: skip
def test_a_bad_page_gets_a_message_and_a_400(samples_page: str, params: dict,
                                             message: str) -> None:  # fmt: skip
    answer = requests.get(samples_page, params={**DOCUMENTS, **params}, timeout=60)
    assert answer.status_code == 400
    assert message in unescape(answer.text) and "Traceback" not in answer.text
    assert 'id="named-form"' in answer.text  # shown under the form that asked, as it was typed
    assert result_rows(answer.text) == []


def test_queries_without_pages_ignore_the_page_fields(samples_page: str) -> None:
    answer = requests.get(samples_page, params={"name": "largest-projects", "run": "1",
                                                "page": "9", "size": "x"}, timeout=60)  # fmt: skip
    plain = requests.get(samples_page, params={"name": "largest-projects", "run": "1"},
                         timeout=60)  # fmt: skip
    assert answer.status_code == plain.status_code == 200
    assert result_rows(answer.text) == result_rows(plain.text) != []
    assert 'name="page"' not in answer.text and 'class="pages"' not in answer.text
    free = requests.post(samples_page, timeout=60, data={
        "query": "SELECT ?d WHERE { ?d a <https://w3id.org/fiscal-kg/def#FiscalDocument> }",
        "page": "9"})  # fmt: skip
    assert free.status_code == 200 and len(result_rows(free.text)) == 5


def test_downloads_follow_the_page(samples_page: str) -> None:
    params = {"name": "documents", "size": "2", "page": "3", "format": "csv"}
    answer = requests.get(samples_page, params=params, timeout=60)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == \
        'attachment; filename="documents-page-3.csv"'
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["document", "unitName", "year"]
    assert [row[1:3] for row in rows[1:]] == [["阿图什市社会保险中心", "2023"]]
    every = requests.get(samples_page, params={**params, "all": "1", "format": "xlsx"},
                         timeout=60)  # fmt: skip
    assert every.headers["content-disposition"] == 'attachment; filename="documents.xlsx"'
    sheet = load_workbook(io.BytesIO(every.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == UNITS
    # the results offer both: this page's rows, and every report's
    page = requests.get(samples_page, params={**params, "format": "html", "run": "1"},
                        timeout=60).text  # fmt: skip
    hrefs = links(page, "CSV")
    assert hrefs == ["/findings/query?name=documents&format=csv&size=2&page=3",
                     "/findings/query?name=documents&format=csv&size=2&all=1"]


def test_the_paged_pages_are_valid_html(samples_page: str) -> None:
    import html5lib

    parser = html5lib.HTMLParser(strict=True)
    for params in ({"name": "documents"}, {**DOCUMENTS, "size": "2", "page": "2"},
                   {**DOCUMENTS, "all": "1"}, {**DOCUMENTS, "page": "9"}):
        parser.parse(requests.get(samples_page, params=params, timeout=60).content)
