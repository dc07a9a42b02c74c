"""The PDF reader on the six real Shanghai reports and on hand-written PDFs."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from loaders.model import Row
from loaders.pipeline import ReportLoadError, load_report
from loaders.readers.pdf import PdfReading, read_pdf
from tests.pdf_fixtures import REALWORLD, grid_ops, make_pdf, rule_ops, sample_pdf, text_ops

PREFIXES = ["01_", "04_", "06_", "09_", "12_", "13_"]


@cache
def reading(prefix: str) -> PdfReading:
    path = sample_pdf(prefix)
    return read_pdf(path.read_bytes(), str(path))


def table_rows(prefix: str, page: int) -> list[Row]:
    return [
        row
        for block in reading(prefix).blocks
        if block.kind == "table"
        for row in block.rows
        if row.cells[0].page == page
    ]


def row_with(prefix: str, page: int, label: str) -> list[str]:
    rows = [r.texts() for r in table_rows(prefix, page) if label in r.texts()]
    assert len(rows) == 1, (prefix, page, label, rows)
    return rows[0]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_ground_truth_cell_is_a_table_cell_on_its_page(prefix: str) -> None:
    folder = next(REALWORLD.glob(f"{prefix}*"))
    with open(folder / "cells.csv", encoding="utf-8") as f:
        want = Counter((int(r["page"]), r["printed"]) for r in csv.DictReader(f))
    have: Counter = Counter()
    for block in reading(prefix).blocks:
        if block.kind != "table":
            continue
        assert block.layout == "pdf"
        for row in block.rows:
            for cell in row.cells:
                have[(cell.page, cell.text)] += 1
                x0, y0, x1, y1 = cell.bbox
                assert 0 <= x0 < x1 <= 842 and 0 <= y0 < y1 <= 842, (prefix, cell)
    assert want - have == Counter()
    assert sum(want.values()) in (195, 366, 875, 221, 300, 241)


@pytest.mark.parametrize(
    ("prefix", "page", "label", "row"),
    [
        # 决算 收入决算表: codes split into 类/款/项 columns, 万元 with separators
        ("01_", 8, "行政事业单位养老支出",
         ["208", "05", "", "行政事业单位养老支出", "326.72", "326.72", "", "", "", "", ""]),
        # two-sided summary: income beside expenditure
        ("01_", 6, "八、其他收入", ["八、其他收入", "6.20", "八、社会保障和就业支出", "326.71"]),
        ("04_", 11, "行政运行",
         ["204", "06", "01", "行政运行", "16726725.44", "16726725.44", "0.00", "0.00", "0.00"]),
        ("04_", 10, "收入总计", ["收入总计", "96,282,213.44", "支出总计", "96,282,213.44"]),
        ("06_", 11, "群众团体事务",
         ["201", "29", "", "群众团体事务", "426,000", "426,000", "0", "0", "0"]),
        # the last page of a five-page table: its only row, a merged 合计 cell,
        # laid onto the first page's nine columns
        ("06_", 15, "合计", ["合计", "", "", "", "156,211,123", "156,211,123", "0", "0", "0"]),
        # the row lines of the expenditure-name column stop short there: one ruled cell
        # holds three names, one beside each row of amounts
        ("06_", 21, "八、城乡社区支出",
         ["", "", "八、城乡社区支出", "119,385,303", "119,385,303", "", ""]),
        ("09_", 9, "机关事业单位基本养老保险缴费支出",
         ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "1,763,159.52", "1,763,159.52",
          "", "", ""]),
        ("12_", 11, "购房补贴",
         ["221", "02", "03", "购房补贴", "1,488,000.00", "1,488,000.00", "", "", ""]),
        ("12_", 14, "一、一般公共预算资金",
         ["一、一般公共预算资金", "371,514,655.00", "一、一般公共服务支出", "21,601,733.00",
          "21,601,733.00", "", ""]),
        ("13_", 12, "机关事业单位基本养老保险缴费支出",
         ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "1,748,327.00", "1,748,327.00",
          ""]),
    ],
)
def test_pinned_rows(prefix: str, page: int, label: str, row: list[str]) -> None:
    assert row_with(prefix, page, label) == row


def test_cell_boxes_are_the_ruled_cells() -> None:
    rows = [r for r in table_rows("04_", 11) if "行政运行" in r.texts()]
    cell = rows[0].cells[4]
    assert cell.text == "16726725.44"
    assert cell.page == 11
    # the ruled cell (PDF points, origin bottom-left), next to the name's cell
    assert cell.bbox == (375.28, 375.88, 438.28, 392.38)
    assert rows[0].cells[3].bbox[2] == cell.bbox[0]


def test_a_table_over_five_pages_is_one_block_without_repeated_headers() -> None:
    blocks = [b for b in reading("06_").blocks if b.kind == "table"]
    income = next(b for b in blocks if any("群众团体事务" in r.texts() for r in b.rows))
    pages = sorted({c.page for r in income.rows for c in r.cells})
    assert pages == [11, 12, 13, 14, 15]
    assert [r.texts()[0] for r in income.rows].count("项目") == 1
    assert income.rows[-1].texts()[:5] == ["合计", "", "", "", "156,211,123"]
    lines = [r.line for r in income.rows]
    assert lines == list(range(lines[0], lines[0] + len(lines)))


def test_title_and_compiler_inside_the_ruling_become_lines_before_the_table() -> None:
    r = reading("12_")
    lines = r.text.split("\n")
    k = lines.index("2025年预算单位财政拨款收支预算总表")
    assert lines[k + 1] == "编制单位：上海市普陀区商务委员会 单位：元"
    table = next(b for b in r.blocks if b.kind == "table" and b.line == k + 3)
    assert table.rows[0].texts()[:3] == ["财政拨款收入", "", "财政拨款支出"]
    assert table.page == 14


def test_rendered_text_has_a_line_per_row_with_tabs() -> None:
    r = reading("04_")
    row = next(x for x in table_rows("04_", 11) if "行政运行" in x.texts())
    assert r.text.split("\n")[row.line - 1] == "\t".join(row.texts())


def test_text_outside_the_visible_page_is_not_content() -> None:
    # page 5 of report 04 repeats page 4's text above the page's top edge
    text = reading("04_").text
    assert text.count("上海市普陀区司法局是主管本区司法和法制工作的区政府工作部门") == 1


def test_one_column_frames_are_text_not_tables() -> None:
    r = reading("04_")
    first_table = next(b for b in r.blocks if b.kind == "table")
    assert first_table.page == 10
    assert any(b.kind != "table" and b.text.startswith("一、部门主要职能") for b in r.blocks)


def _report_pages(n: int) -> list[bytes]:
    pages = []
    for k in range(1, n + 1):
        ops = text_ops(72, 800, "City budget office 2024 budget disclosure")
        ops += text_ops(72, 600, f"Body paragraph on page {k}.")
        ops += text_ops(290, 30, f"- {k} -")
        pages.append(ops)
    return pages


def test_page_headers_and_numbers_are_not_content() -> None:
    r = read_pdf(make_pdf(_report_pages(4)), "x.pdf")
    assert r.text.split("\n")[:-1] == [f"Body paragraph on page {k}." for k in range(1, 5)]
    assert [b.page for b in r.blocks] == [1, 2, 3, 4]


def test_ruled_table_with_merged_header_cell() -> None:
    xs, ys = [50, 150, 250, 350], [700, 680, 660, 640]
    ops = grid_ops(xs, ys[1:]) + grid_ops([50, 350], ys[:2])  # first row: one merged cell
    ops += text_ops(55, 685, "Title in the ruling")
    ops += text_ops(55, 665, "Item") + text_ops(155, 665, "A") + text_ops(255, 665, "B")
    ops += text_ops(55, 645, "Total") + text_ops(155, 645, "1,234.50") + text_ops(255, 645, "7")
    r = read_pdf(make_pdf([ops]), "t.pdf")
    assert r.text == "Title in the ruling\nItem\tA\tB\nTotal\t1,234.50\t7\n"
    table = r.blocks[-1]
    assert table.kind == "table" and [row.line for row in table.rows] == [2, 3]
    assert table.rows[1].cells[1].bbox == (150.0, 640.0, 250.0, 660.0)


def test_a_merged_cell_keeps_its_text_in_its_first_grid_cell() -> None:
    xs, ys = [50, 150, 250, 350], [700, 680, 660]
    ops = grid_ops(xs, ys[1:]) + grid_ops([50, 350], ys[:2])
    ops += grid_ops([50, 150, 350], ys[:2])  # header row: Item | merged A+B
    ops += text_ops(55, 685, "Item") + text_ops(200, 685, "Spent")
    ops += text_ops(55, 665, "Total") + text_ops(155, 665, "1") + text_ops(255, 665, "2")
    r = read_pdf(make_pdf([ops]), "t.pdf")
    rows = [row.texts() for row in r.blocks[-1].rows]
    assert rows == [["Item", "Spent", ""], ["Total", "1", "2"]]


# --- refusals -----------------------------------------------------------------------


def _load(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportLoadError) as info:
        load_report(path)
    return str(info.value)


def test_a_text_file_named_pdf(tmp_path: Path) -> None:
    assert _load(tmp_path, "x.pdf", "部门预算 2024\n".encode()) == (
        f"{tmp_path / 'x.pdf'}: not a PDF file (no %PDF- header); "
        "give the report's PDF or its text"
    )


def test_a_truncated_pdf(tmp_path: Path) -> None:
    data = sample_pdf("09_").read_bytes()
    assert _load(tmp_path, "cut.pdf", data[: len(data) // 2]) == (
        f"{tmp_path / 'cut.pdf'}: truncated or damaged PDF (no %%EOF at the end of the file); "
        "download it again"
    )


def test_a_damaged_pdf(tmp_path: Path) -> None:
    assert _load(tmp_path, "bad.pdf", b"%PDF-1.4\nnot really\n%%EOF\n") == (
        f"{tmp_path / 'bad.pdf'}: damaged PDF that cannot be opened "
        "(Failed to load document (PDFium: Data format error).); download it again"
    )


def test_a_scan_without_text(tmp_path: Path) -> None:
    data = make_pdf([b"0 0 m 100 100 l S"])
    assert _load(tmp_path, "scan.pdf", data) == (
        f"{tmp_path / 'scan.pdf'}: no text layer (a scanned PDF?) — OCR it first, "
        "e.g. with ocrmypdf, then load the result"
    )


def test_an_encrypted_pdf(tmp_path: Path) -> None:
    data = make_pdf(
        [text_ops(72, 700, "secret")],
        trailer_extra=b"/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> "
        b"<00112233445566778899aabbccddeeff>] ",
        extra_objects=(
            b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
            + b"> /P -4 >>",
        ),
    )
    assert _load(tmp_path, "locked.pdf", data) == (
        f"{tmp_path / 'locked.pdf'}: encrypted PDF (password protected); "
        "save an unprotected copy first"
    )


def test_a_pdf_is_read_not_refused_as_binary(tmp_path: Path) -> None:
    report = load_report(sample_pdf("04_"))
    assert report.layout == "pdf"
    assert report.fiscal_year == 2026


def test_glyphs_without_unicode_are_a_warning_naming_the_page() -> None:
    # A → a private-use code point, B → a glyph name with no Unicode value
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        b"/Differences [65 /uniE001 66 /g123] >> >>"
    )
    pages = [text_ops(72, 700, "total 12"), text_ops(72, 700, "total AAB 12")]
    r = read_pdf(make_pdf(pages, font=font), "g.pdf")
    assert [b.text for b in r.blocks] == ["total 12", "total 12"]
    assert [(w.code, w.message) for w in r.warnings] == [
        ("pdf-unmapped-glyphs", "page 2: 3 character(s) have no Unicode mapping "
         "(private-use or CID glyphs) and are missing from the text")
    ]


def test_a_table_without_vertical_ruling_is_read_from_its_aligned_columns() -> None:
    # a "three-line table": rules above and below the header and at the end, no columns
    ops = text_ops(72, 760, "Table 3 Expenditure by function")
    ops += rule_ops(72, 750, 500, 750) + rule_ops(72, 728, 500, 728) + rule_ops(72, 660, 500, 660)
    ops += text_ops(72, 735, "Code") + text_ops(150, 735, "Name")
    ops += text_ops(330, 735, "Total") + text_ops(430, 735, "Basic")
    rows = [("201", "General services", "2,932,700.00", "1,200.00"),
            ("20101", "Congress affairs", "12.50", "12.50")]
    y = 712
    for code, name, total, basic in rows:  # amounts right-aligned, as printed
        ops += text_ops(72, y, code) + text_ops(150, y, name)
        ops += text_ops(380 - 5.56 * len(total), y, total)
        ops += text_ops(480 - 5.56 * len(basic), y, basic)
        y -= 18
    r = read_pdf(make_pdf([ops]), "t.pdf")
    table = next(b for b in r.blocks if b.kind == "table")
    assert [row.texts() for row in table.rows] == [
        ["Code", "Name", "Total", "Basic"],
        ["201", "General services", "2,932,700.00", "1,200.00"],
        ["20101", "Congress affairs", "12.50", "12.50"],
    ]
    assert (table.line, table.page) == (2, 1)
    assert r.text.split("\n")[2].split() == ["201", "General", "services", "2,932,700.00",
                                             "1,200.00"]
    assert table.rows[1].cells[2].page == 1


def test_a_page_turned_by_rotate_is_read_as_displayed() -> None:
    # a table drawn sideways on a portrait page that /Rotate 90 shows in landscape
    width = 595

    def unturned(x: float, y: float) -> tuple[float, float]:
        return width - y, x

    xs, ys = [100, 300, 500], [500, 480, 460]
    ops = b""
    for a, b in [((xs[0], y), (xs[-1], y)) for y in ys] + [((x, ys[0]), (x, ys[-1])) for x in xs]:
        ops += b"0.5 w %.2f %.2f m %.2f %.2f l S\n" % (*unturned(*a), *unturned(*b))
    for x, y, text in [(105, 485, "Item"), (305, 485, "Amount"), (105, 465, "Total"),
                       (305, 465, "1,234.50")]:
        ops += b"BT /F1 10 Tf 0 1 -1 0 %.2f %.2f Tm (%s) Tj ET\n" % (
            *unturned(x, y), text.encode())
    r = read_pdf(make_pdf([ops], page_extra=b"/Rotate 90 "), "r.pdf")
    assert r.text == "Item\tAmount\nTotal\t1,234.50\n"
    assert r.blocks[0].rows[1].cells[1].bbox == (300.0, 460.0, 500.0, 480.0)


def test_a_frame_around_the_page_is_not_a_table_and_does_not_swallow_one() -> None:
    ops = grid_ops([20, 575], [822, 20])  # the page's frame
    ops += text_ops(72, 760, "A paragraph inside the frame.")
    ops += grid_ops([50, 150, 250], [700, 680, 660])
    ops += text_ops(55, 685, "Item") + text_ops(155, 685, "Amount")
    ops += text_ops(55, 665, "Total") + text_ops(155, 665, "12.50")
    r = read_pdf(make_pdf([ops]), "f.pdf")
    assert [(b.kind, b.text or [row.texts() for row in b.rows]) for b in r.blocks] == [
        ("paragraph", "A paragraph inside the frame."),
        ("table", [["Item", "Amount"], ["Total", "12.50"]]),
    ]


def test_rows_a_table_does_not_rule_are_rows_all_the_same() -> None:
    # column lines and a frame; one line under the header; no line between the records
    xs, top, header, bottom = [50, 200, 300, 400], 700, 680, 610
    ops = rule_ops(xs[0], top, xs[-1], top) + rule_ops(xs[0], header, xs[-1], header)
    ops += rule_ops(xs[0], bottom, xs[-1], bottom)
    ops += b"".join(rule_ops(x, bottom, x, top) for x in xs)
    ops += text_ops(55, 686, "Item") + text_ops(205, 686, "Total") + text_ops(305, 686, "Basic")
    records = [("Wages", "1,200.00", "1,200.00"), ("Office", "35.50", "0.00"),
               ("Travel", "8.00", "8.00")]
    for k, (name, total, basic) in enumerate(records):
        y = 664 - 18 * k
        ops += text_ops(55, y, name) + text_ops(205, y, total) + text_ops(305, y, basic)
    r = read_pdf(make_pdf([ops]), "u.pdf")
    assert [row.texts() for row in r.blocks[0].rows] == [
        ["Item", "Total", "Basic"], *[list(rec) for rec in records]]


def test_a_name_wrapped_beside_its_amounts_stays_one_row() -> None:
    xs, ys = [50, 200, 300], [700, 680, 650]
    ops = grid_ops(xs, ys)
    ops += text_ops(55, 686, "Item") + text_ops(205, 686, "Total")
    ops += text_ops(55, 668, "Pension insurance") + text_ops(55, 655, "contributions")
    ops += text_ops(205, 661, "160.75")
    r = read_pdf(make_pdf([ops]), "w.pdf")
    assert [row.texts() for row in r.blocks[0].rows] == [
        ["Item", "Total"], ["Pension insurance contributions", "160.75"]]


def test_a_scanned_page_among_text_pages_is_a_warning() -> None:
    image = b"q 100 0 0 100 50 50 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q"
    r = read_pdf(make_pdf([text_ops(72, 700, "Budget 2024"), image]), "s.pdf")
    assert r.text == "Budget 2024\n"
    assert [(w.code, w.message) for w in r.warnings] == [
        ("pdf-page-without-text", "page 2 is an image without a text layer (a scanned page?); "
         "its content is missing — OCR the PDF, e.g. with ocrmypdf")
    ]


def test_a_scan_is_refused_even_when_it_has_images(tmp_path: Path) -> None:
    image = b"q 100 0 0 100 50 50 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q"
    assert _load(tmp_path, "scan2.pdf", make_pdf([image, image])) == (
        f"{tmp_path / 'scan2.pdf'}: no text layer (a scanned PDF?) — OCR it first, "
        "e.g. with ocrmypdf, then load the result"
    )


def _table_ops(xs: list[float], top: float, rows: list[list[str]]) -> bytes:
    ys = [top - 20 * k for k in range(len(rows) + 1)]
    ops = grid_ops(xs, ys)
    for k, row in enumerate(rows):
        for x, text in zip(xs, row, strict=False):
            ops += text_ops(x + 5, ys[k] - 15, text)
    return ops


def test_two_tables_on_one_page_and_a_table_continued_on_the_next() -> None:
    header = [["Item", "Amount"]]
    page1 = text_ops(50, 780, "Table 1 Income") + _table_ops([50, 200, 300], 770, [
        *header, ["Grants", "10.00"]])
    page1 += text_ops(50, 600, "Table 2 Spending") + _table_ops([50, 200, 300], 590, [
        *header, ["Wages", "7.00"]])
    # page 2 goes on with table 2 (same columns, header repeated), then a table of its own
    page2 = _table_ops([50, 200, 300], 800, [*header, ["Rent", "3.00"]])
    page2 += text_ops(50, 600, "Table 3 Staff") + _table_ops([50, 120, 300], 590, [
        ["Kind", "Count"], ["Staff", "12"]])
    r = read_pdf(make_pdf([page1, page2]), "two.pdf")
    tables = [b for b in r.blocks if b.kind == "table"]
    assert [[row.texts() for row in t.rows] for t in tables] == [
        [["Item", "Amount"], ["Grants", "10.00"]],
        [["Item", "Amount"], ["Wages", "7.00"], ["Rent", "3.00"]],
        [["Kind", "Count"], ["Staff", "12"]],
    ]
    assert [sorted({c.page for row in t.rows for c in row.cells}) for t in tables] == [
        [1], [1, 2], [2]]
    assert [b.text for b in r.blocks if b.kind != "table"] == [
        "Table 1 Income", "Table 2 Spending", "Table 3 Staff"]
