"""Reader layer: report text → blocks, in every table layout.

The samples are tab-separated; tests/layouts.py rewrites them into pipe, HTML
and space-aligned tables, and the grids read back must be the same cells on
the mapped lines.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from loaders import readers
from loaders.model import Block, Row
from loaders.readers import (
    ReportDecodeError,
    clean_text,
    decode_report,
    display_width,
    read_blocks,
)
from loaders.readers.base import Reader
from loaders.tables.positions import line_cell, nearest, word_spans
from tests.layouts import Rewritten, to_aligned, to_html, to_pipe, to_tsv

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"
S000 = "000_f35cf930234f7c72"
S001 = "001_c4555a3cefcfab39"
S002 = "002_0692fe3ff6bbe2a2"
S003 = "003_964a15e45ca13e4e"
S004 = "004_ef8a97d7800bc6c6"
ALL = [S000, S001, S002, S003, S004]


@cache
def sample_text(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


@cache
def sample_blocks(name: str) -> tuple[Block, ...]:
    return tuple(read_blocks(sample_text(name)))


def tables(blocks) -> list[Block]:
    return [b for b in blocks if b.kind == "table"]


def table_at(name: str, line: int) -> Block:
    """The table block of a sample whose lines include ``line``."""
    for b in tables(sample_blocks(name)):
        if b.line <= line <= b.end_line:
            return b
    raise AssertionError(f"no table at {name}:{line}")


def row_at(block: Block, line: int) -> Row:
    return next(r for r in block.rows if r.line == line)


def trimmed(texts: list[str]) -> list[str]:
    while texts and not texts[-1]:
        texts = texts[:-1]
    return texts


# ---------------------------------------------------------------------------
# TSV reader on the samples
# ---------------------------------------------------------------------------

TABLE_SPANS = {
    S000: [(96, 128), (138, 159), (169, 189), (199, 231), (241, 258), (268, 288),
           (298, 305), (315, 322), (521, 537), (543, 562), (568, 587)],
    S001: [(182, 199), (204, 222), (227, 244), (249, 269), (274, 291), (296, 314),
           (319, 337), (342, 362), (367, 386), (391, 409), (414, 442)],
    S002: [(86, 119), (129, 138), (148, 161), (171, 204), (214, 224), (234, 255),
           (265, 272), (282, 284), (452, 465), (471, 482), (488, 500)],
    S003: [(119, 151), (161, 164), (172, 188), (196, 226), (238, 266), (276, 310),
           (318, 342), (350, 354), (362, 365), (375, 378), (388, 391), (399, 488)],
    S004: [(67, 99), (109, 136), (146, 173), (183, 215), (225, 251), (261, 292),
           (302, 309), (317, 320), (332, 340), (529, 547), (553, 566)],
}  # fmt: skip


@pytest.mark.parametrize("name", ALL)
def test_tsv_tables_found(name: str) -> None:
    found = tables(sample_blocks(name))
    assert [(b.line, b.end_line) for b in found] == TABLE_SPANS[name]
    assert {b.layout for b in found} == {"tsv"}
    for b in found:
        assert b.rows[0].line == b.line and b.rows[-1].line == b.end_line
        assert all(c.line == r.line for r in b.rows for c in r.cells)


def test_tsv_cells_000_income_table() -> None:
    block = table_at(S000, 142)
    row = row_at(block, 142)
    assert row.texts()[:5] == ["208", "01", "04", "综合业务管理", "35.56"]
    # The split number is kept as printed: repairing it is the cell parser's job.
    split = row.cells[12]
    assert (split.text, split.line, split.raw) == ("35.5 6", 142, None)
    assert len(row.cells) == 15


def test_tsv_wrapped_row_stays_in_table() -> None:
    # Line 148 is blank; line 149 carries only the wrapped rest of a name.
    block = table_at(S000, 140)
    assert (block.line, block.end_line) == (138, 159)
    wrapped = row_at(block, 149)
    assert wrapped.texts()[:4] == ["", "", "", "保险缴费支出"]
    assert [r.line for r in block.rows if 147 <= r.line <= 150] == [147, 149, 150]
    total = row_at(block, 159)
    assert total.texts()[3:6] == ["合 计", "911.29", "873.38"]


def test_tsv_table_continues_across_blank_001() -> None:
    block = table_at(S001, 194)
    assert (block.line, block.end_line) == (182, 199)
    assert row_at(block, 194).texts()[2:5] == ["时效指标", "补贴发放时效", "每月 25 日前"]
    assert row_at(block, 196).texts() == [
        "", "成本指标", "经济成本指标", "人均补贴标准",
        "=120 元/人", "=120 元/人", "20", "20.00", "",
    ]  # fmt: skip


def test_tsv_codes_split_across_lines_kept_as_rows_002() -> None:
    block = table_at(S002, 154)
    assert row_at(block, 154).texts()[:4] == ["20", "01", "9", "其他人力资源和社会保障"]
    assert row_at(block, 155).texts()[:4] == ["8", "", "9", "管理事务支出"]


def test_tsv_html_tags_stripped_raw_kept_003() -> None:
    row = row_at(table_at(S003, 149), 149)
    assert row.texts() == ["本 年 收 入 合 计", "17,742.62", "本 年 支 出 合 计", "24,107.98"]
    assert row.cells[0].raw == "<b>本 年 收 入 合 计</b>"
    assert row.cells[1].raw == "<b>17,742.62</b>"
    assert row_at(table_at(S003, 150), 150).cells[0].raw is None


def test_tsv_long_table_across_blanks_003() -> None:
    block = table_at(S003, 440)
    assert (block.line, block.end_line) == (399, 488)
    assert row_at(block, 399).texts()[0] == "金额单位：万元"
    assert row_at(block, 440).texts()[:3] == [
        "奇台县社会保险事务中心",
        "总社会保险事务中心社 保政策宣传",
        "13.00",
    ]
    assert row_at(block, 477).texts()[2] == "200.00"


def test_text_blocks_headings_and_markdown() -> None:
    by_line = {b.line: b for b in sample_blocks(S003)}
    assert (by_line[6].kind, by_line[6].text) == ("heading", "目 录")  # "## 目 录"
    assert (by_line[113].kind, by_line[113].text) == ("heading", "单位收支总表")
    assert (by_line[111].kind, by_line[111].text) == ("heading", "单位公开表 1")
    assert (by_line[268].kind, by_line[268].text) == ("heading", "单位公开表 3-1")
    assert by_line[73].text == "（二）健全社会保障体系，切实增进民生福祉"  # "## **…**"
    assert by_line[10].text == "一、职能简介"  # "- " bullet
    assert by_line[3].text == "苍溪县社会保险事务中心"  # trailing markdown line break
    assert by_line[41].kind == "paragraph"  # (一)… ending with 。 is a sentence

    by_line = {b.line: b for b in sample_blocks(S000)}
    assert (by_line[88].kind, by_line[88].text) == ("heading", "表 1")
    assert (by_line[130].kind, by_line[130].text) == ("heading", "表2")
    assert by_line[90].kind == "heading"  # 单位收支总体情况表
    assert by_line[8].kind == "heading"  # 第一部分 …
    assert by_line[384].kind == "heading"  # （一）…
    assert by_line[390].text == "1、社会保障和就业支出（类）826.54 万元，占 94.64%。"
    assert by_line[390].kind == "paragraph"
    assert by_line[595].kind == "paragraph"  # 一、财政拨款：指…。 is a definition

    by_line = {b.line: b for b in sample_blocks(S001)}
    assert by_line[450].text == "一、财政拨款收入：指同级财政当年拨付的资金。"
    assert by_line[25].text == "(一) 机关运行经费支出情况"  # indented bullet

    lines = {b.line for b in sample_blocks(S004)}
    assert 35 not in lines  # a bare "-" bullet leaves nothing
    assert all(b.layout == "text" for b in sample_blocks(S004) if b.kind != "table")


# ---------------------------------------------------------------------------
# Same grids in every layout
# ---------------------------------------------------------------------------

VARIANTS: dict[str, Callable[[str], Rewritten]] = {
    "tsv": to_tsv,
    "pipe": to_pipe,
    "pipe-no-outer": lambda t: to_pipe(t, outer=False),
    "html": to_html,
    "html-multiline": lambda t: to_html(t, multiline=True),
    "html-spans": lambda t: to_html(t, spans=True),
    "html-multiline-spans": lambda t: to_html(t, multiline=True, spans=True),
    "aligned": to_aligned,
    "aligned-right-numbers": lambda t: to_aligned(t, right_numbers=True),
    "aligned-gap-3": lambda t: to_aligned(t, gap=3),
}
LAYOUT_OF = {"tsv": "tsv", "pipe": "pipe", "html": "html", "aligned": "aligned"}


def expected_grids(
    name: str, rw: Rewritten, aligned: bool
) -> tuple[list[list[tuple[int, list[str]]]], list[tuple[int, str]]]:
    """The sample's grids with rows moved to their rewritten lines.

    A space-aligned layout cannot tell a table's first row holding one text
    at the margin from a title line above the table (003 line 399
    "金额单位：万元" followed by empty tab cells): such a row is expected as a
    paragraph instead.
    """
    grids, paragraphs = [], []
    for block in tables(sample_blocks(name)):
        rows = [(rw.line_map[r.line], trimmed(r.texts())) for r in block.rows]
        if aligned and len(rows[0][1]) == 1 and len(rows) > 2:
            paragraphs.append((rows[0][0], rows[0][1][0]))
            rows = rows[1:]
        grids.append(rows)
    return grids, paragraphs


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", ALL)
def test_layouts_give_the_same_grids(name: str, variant: str) -> None:
    rw = VARIANTS[variant](sample_text(name))
    blocks = read_blocks(rw.text)
    aligned = variant.startswith("aligned")
    want, moved = expected_grids(name, rw, aligned)
    got = [[(r.line, trimmed(r.texts())) for r in b.rows] for b in tables(blocks)]
    assert got == want
    layout = LAYOUT_OF[variant.split("-")[0]]
    assert {b.layout for b in tables(blocks)} == {layout}

    # Headings and paragraphs are untouched and on their mapped lines.
    text_of = {(b.line, b.kind, b.text) for b in blocks if b.kind != "table"}
    original = {
        (rw.line_map[b.line], b.kind, b.text) for b in sample_blocks(name) if b.kind != "table"
    }
    assert original <= text_of
    extra = text_of - original
    assert {(line, text) for line, _, text in extra} == set(moved)
    # The one row the aligned layout cannot keep in its table:
    assert moved == ([(rw.line_map[399], "金额单位：万元")] if aligned and name == S003 else [])


@pytest.mark.parametrize("name", ALL)
def test_multiline_html_cells_keep_their_own_lines(name: str) -> None:
    rw = to_html(sample_text(name), multiline=True)
    for block in tables(read_blocks(rw.text)):
        starts = [r.line for r in block.rows] + [block.end_line]
        for row, nxt in zip(block.rows, starts[1:], strict=True):
            lines = [c.line for c in row.cells]
            assert lines == sorted(lines)
            assert row.line < lines[0] and lines[-1] < nxt


def test_rewriters_map_every_line() -> None:
    text = sample_text(S000)
    n = text.count("\n") + 1
    pipe = to_pipe(text)
    assert sorted(pipe.line_map) == list(range(1, n + 1))
    assert pipe.text.count("\n") + 1 == n + 11  # one rule line per table
    assert pipe.line_map[96] == 96 and pipe.line_map[97] == 98
    assert pipe.line_map[324] == 324 + 8  # eight tables above
    html = to_html(text)
    assert html.text.split("\n")[html.line_map[142] - 1].startswith("<tr><td>208</td>")
    assert html.line_map[96] == 97  # "<table>" on the line before


# ---------------------------------------------------------------------------
# Hand-written snippets of each layout
# ---------------------------------------------------------------------------

# As pdftotext -layout writes a table: centred headers, one header spanning
# three columns, amounts flush right, blank cells as spaces, a name wrapped
# onto its own line after a blank line, a number split by a space.
ALIGNED_SNIPPET = (
    "                                    单位收入总体情况表\n"
    "\n"
    "编制单位：某某社保中心                                                       单位：万元\n"
    "\n"
    " 科目编码     功能分类科目名称    总 计           财 政 拨 款 (补 助)          单位资金\n"
    "类   款  项                                小 计   一般公共预算  上级转移支付\n"
    "208          社会保障和就业支出   864.45   826.54        819.54          7.00    35.5 6\n"
    "208  01  04  综合业务管理          35.56                                         35.5 6\n"
    "208  05  05  机关事业单位基本养老  28.66    28.66         28.66\n"
    "\n"
    "             保险缴费支出\n"
    "210  11      行政事业单位医疗      23.60    23.60         23.60\n"
    "                   合 计          911.29   873.38        866.38          7.00     35.56\n"
    "\n"
    "备注：本表无上年结转。\n"
)


def test_aligned_snippet() -> None:
    blocks = read_blocks(ALIGNED_SNIPPET)
    assert [(b.kind, b.line, b.layout) for b in blocks] == [
        ("heading", 1, "text"),
        ("paragraph", 3, "text"),
        ("table", 5, "aligned"),
        ("paragraph", 15, "text"),
    ]
    table = blocks[2]
    assert table.end_line == 13
    assert [(r.line, r.texts()) for r in table.rows] == [
        (5, ["科目编码", "", "", "功能分类科目名称", "总 计", "",
             "财 政 拨 款 (补 助)", "", "单位资金"]),
        (6, ["类", "款", "项", "", "", "小 计", "一般公共预算", "上级转移支付", ""]),
        (7, ["208", "", "", "社会保障和就业支出", "864.45", "826.54", "819.54", "7.00", "35.5 6"]),
        (8, ["208", "01", "04", "综合业务管理", "35.56", "", "", "", "35.5 6"]),
        (9, ["208", "05", "05", "机关事业单位基本养老", "28.66", "28.66", "28.66", "", ""]),
        (11, ["", "", "", "保险缴费支出", "", "", "", "", ""]),
        (12, ["210", "11", "", "行政事业单位医疗", "23.60", "23.60", "23.60", "", ""]),
        (13, ["", "", "", "合 计", "911.29", "873.38", "866.38", "7.00", "35.56"]),
    ]  # fmt: skip
    assert all(c.line == r.line for r in table.rows for c in r.cells)


def test_aligned_rows_without_values_and_prose_after() -> None:
    text = (
        "三公经费      合计   一般公共预算\n"
        "因公出国费    1.50           1.50\n"
        "公务接待费\n"
        "公务用车费\n"
        "\n"
        "说明：本单位无公务用车。\n"
    )
    blocks = read_blocks(text)
    assert [b.kind for b in blocks] == ["table", "paragraph"]
    assert [r.texts() for r in blocks[0].rows] == [
        ["三公经费", "合计", "一般公共预算"],
        ["因公出国费", "1.50", "1.50"],
        ["公务接待费", "", ""],
        ["公务用车费", "", ""],
    ]


def test_aligned_cells_keep_their_character_columns() -> None:
    """Each cell says where it stands (character columns: pdftotext -layout places a word at
    its x in character widths, a wide character counting one), and two chunks the reader put
    in one column keep the spaces between them, so each word's columns are known."""
    text = (
        "科目名称      合计        基本支出\n"
        "行政运行      1,511.89    1,503.52   8.37\n"
        "合计          2,940.05    2,336.91\n"
        "\n"
        "            1.00      3.00\n"
    )
    blocks = read_blocks(text)
    table, line = blocks[0], blocks[1]
    row = table.rows[1]
    assert [(c.text, c.span) for c in row.cells] == [
        ("行政运行", (0, 4)), ("1,511.89", (10, 18)), ("1,503.52", (22, 30)), ("8.37", (33, 37))]
    # 04's line 208: right-aligned amounts of different widths in one column.
    path = next((Path(__file__).parent.parent / "samples" / "realworld").glob(
        "04_*/*.layout.txt"))
    (row,) = [r for b in read_blocks(path.read_text(encoding="utf-8")) for r in b.rows
              if r.line == 208]
    merged = next(c for c in row.cells if c.text == "0.00 21703947.00")
    assert (merged.raw, merged.span) == ("0.00    21703947.00", (62, 81))
    assert word_spans(merged) == [("0.00", (62, 66)), ("21703947.00", (70, 81))]
    # A line of text keeps the line as printed, and a cell made of it its words' columns.
    assert (line.kind, line.text, line.raw) == ("paragraph", "1.00 3.00",
                                                 "            1.00      3.00")
    cell = line_cell(line.raw, line.text, line.line)
    assert word_spans(cell) == [("1.00", (12, 16)), ("3.00", (22, 26))]
    assert nearest((12, 16), [(0, 4), (10, 18), (22, 30)]) == 1
    assert nearest((19, 21), [(10, 18), (22, 30)]) is None  # equally near: no column


def test_aligned_needs_two_rows() -> None:
    # Prose with a double space is not a table, nor is a single such line.
    text = "收支总预算  911.29 万元。\n\n其中：基本支出  313.26 万元。\n"
    assert [b.kind for b in read_blocks(text)] == ["paragraph", "paragraph"]


def test_display_width() -> None:
    assert display_width("合 计") == 5
    assert display_width("35.5 6") == 6
    assert display_width("（补助）") == 8  # full-width brackets
    assert display_width("“三公”") == 6  # curly quotes are narrow


PIPE_NO_OUTER = (
    "表 3\n"
    "\n"
    "项目 | 合计 | 基本支出\n"
    ":--- | ---: | ---:\n"
    "工资福利支出 | 280.85 | 280.85\n"
    " | 35.5 6 | \n"
    "经费<br>合计 | 1\\|2 | **313.26**\n"
    "\n"
    "说明。\n"
)


def test_pipe_without_outer_pipes() -> None:
    blocks = read_blocks(PIPE_NO_OUTER)
    assert [(b.kind, b.line) for b in blocks] == [
        ("heading", 1), ("table", 3), ("paragraph", 9),
    ]  # fmt: skip
    table = blocks[1]
    assert (table.layout, table.end_line) == ("pipe", 7)
    assert [(r.line, r.texts()) for r in table.rows] == [
        (3, ["项目", "合计", "基本支出"]),
        (5, ["工资福利支出", "280.85", "280.85"]),
        (6, ["", "35.5 6", ""]),  # a leading "|" is an empty first cell here
        (7, ["经费 合计", "1|2", "313.26"]),
    ]
    assert table.rows[3].cells[0].raw == "经费<br>合计"


def test_pipe_tables_with_outer_pipes() -> None:
    text = (
        "| 收入 | 预算数 |\n"
        "|---|---|\n"
        "| 一般公共预算 | 873.38 |\n"
        "\n"
        "|  | 35.56 |\n"
        "\n"
        "| 支出 | 预算数 |\n"
        "|:-:|:-:|\n"
        "| 基本支出 | 313.26 |\n"
        "| 项目支出 | 598.03\n"
    )
    blocks = read_blocks(text)
    assert [(b.kind, b.line, b.end_line) for b in blocks] == [
        ("table", 1, 5), ("table", 7, 10),
    ]  # fmt: skip
    assert [r.texts() for r in blocks[0].rows] == [
        ["收入", "预算数"], ["一般公共预算", "873.38"], ["", "35.56"],
    ]  # fmt: skip
    assert blocks[1].rows[-1].texts() == ["项目支出", "598.03"]


HTML_SNIPPET = (
    "表 4 财政拨款收支总表\n"
    '<TABLE border="1"><caption>财政拨款收支<b>总表</b></caption>\n'
    "<thead><tr><th rowspan=2>项 目</th><th colspan='3'>财政拨款</th><th>备注</th></tr>\n"
    "<tr><th>合计</th><th>一般公共预算</th><th>政府性基金</th><td>说明</tr></thead>\n"
    "<tbody>\n"
    "<tr><td>基本支出<td>313.26<td>313.26<td><td>&lt;=750 元&amp;人</tr>\n"
    '<tr><td rowspan="2">项目\n'
    "支出</td><td>598.03</td><td>560.12</td><td>37.91</td><td><=5%</td></tr>\n"
    "<tr><td colspan=2>35.5 6</td><td>x</td><td><b>总</b>计</td></tr>\n"
    "</tbody>\n"
    "</table> 以上为表 4。\n"
    "说明：单位万元。\n"
)


def test_html_spans_and_sloppy_markup() -> None:
    blocks = read_blocks(HTML_SNIPPET)
    assert [(b.kind, b.line, b.end_line, b.layout) for b in blocks] == [
        ("heading", 1, 1, "text"),
        ("table", 2, 11, "html"),
        ("paragraph", 12, 12, "text"),
    ]
    table = blocks[1]
    assert table.text == "财政拨款收支总表"  # the caption
    assert [(r.line, r.texts()) for r in table.rows] == [
        (3, ["项 目", "财政拨款", "", "", "备注"]),
        (4, ["", "合计", "一般公共预算", "政府性基金", "说明"]),
        (6, ["基本支出", "313.26", "313.26", "", "<=750 元&人"]),
        (7, ["项目 支出", "598.03", "560.12", "37.91", "<=5%"]),
        (9, ["", "35.5 6", "", "x", "总计"]),
    ]
    rowspan_below = table.rows[1].cells[0]
    assert (rowspan_below.text, rowspan_below.line) == ("", 4)
    assert table.rows[4].cells[4].raw == "<b>总</b>计"
    assert table.rows[2].cells[4].raw == "&lt;=750 元&amp;人"


def test_html_without_closing_tag() -> None:
    text = "<table><tr><td>合计<td>911.29\n<tr><td>基本支出<td>313.26\n\n正文。\n"
    blocks = read_blocks(text)
    assert [b.kind for b in blocks] == ["table", "paragraph"]
    assert [(r.line, r.texts()) for r in blocks[0].rows] == [
        (1, ["合计", "911.29"]), (2, ["基本支出", "313.26"]),
    ]  # fmt: skip


def test_mixed_layouts_in_one_document() -> None:
    text = (
        "# 第二部分 预算公开表\n"
        "项目\t合计\n"
        "基本支出\t313.26\n"
        "<table><tr><td>项目</td><td>合计</td></tr></table>\n"
        "| 项目 | 合计 |\n"
        "科目名称    合计\n"
        "基本支出    313.26\n"
    )
    blocks = read_blocks(text)
    assert [(b.kind, b.layout, b.line) for b in blocks] == [
        ("heading", "text", 1),
        ("table", "tsv", 2),
        ("table", "html", 4),
        ("table", "pipe", 5),
        ("table", "aligned", 6),
    ]
    assert blocks[0].text == "第二部分 预算公开表"


def test_line_numbers_survive_crlf_and_form_feeds() -> None:
    text = "第一部分 概况\r\n\r\n\f项目\t合计\r\n基本支出\t313.26\r\n\f说明。\r\n"
    blocks = read_blocks(text)
    assert [(b.kind, b.line) for b in blocks] == [("heading", 1), ("table", 3), ("paragraph", 5)]
    assert blocks[1].rows[1].texts() == ["基本支出", "313.26"]


def test_readers_are_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    class BangReader:
        """A toy layout: lines starting with '!' are one-cell rows."""

        name = "bang"

        def detect(self, lines, i):
            return lines[i].startswith("!")

        def read(self, lines, i):
            j = i
            rows = []
            while j < len(lines) and lines[j].startswith("!"):
                rows.append(Row(cells=[readers.base.make_cell(lines[j][1:], j + 1)], line=j + 1))
                j += 1
            return Block(kind="table", line=i + 1, end_line=j, rows=rows, layout=self.name), j

    assert isinstance(BangReader(), Reader)
    monkeypatch.setattr(readers, "READERS", list(readers.READERS))
    readers.register(BangReader(), before="tsv")
    assert [r.name for r in readers.READERS] == [
        "html", "pipe", "bang", "tsv", "aligned", "stream"]
    blocks = read_blocks("!a\n!b\n正文\n")
    assert [(b.layout, b.line, b.end_line) for b in blocks] == [("bang", 1, 2), ("text", 3, 3)]
    # An explicit reader list leaves the others out.
    assert read_blocks("!a\n", readers=[])[0].kind == "paragraph"


# ---------------------------------------------------------------------------
# Cleaning and decoding
# ---------------------------------------------------------------------------


def test_clean_text() -> None:
    assert clean_text("<b>本 年 收 入 合 计</b>") == "本 年 收 入 合 计"
    assert clean_text("合<b>计</b>") == "合计"
    assert clean_text("项目<br/>支出") == "项目 支出"
    assert clean_text("35.5 6") == "35.5 6"  # never merged here
    assert clean_text("<=750 元/月") == "<=750 元/月"  # not a tag
    assert clean_text("a &amp; b &lt;5%") == "a & b <5%"
    assert clean_text(" 合\u3000计\u00a0 总\u200b计\t") == "合 计 总计"


def test_decode_utf8_with_and_without_bom() -> None:
    text = sample_text(S000)
    assert decode_report(text.encode("utf-8"), "a.txt") == text
    assert decode_report(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.txt") == text


def test_decode_gb18030() -> None:
    text = sample_text(S002)
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_report(data, "gbk.txt") == text
    assert [b.line for b in tables(read_blocks(decode_report(data, "gbk.txt")))][:2] == [86, 129]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary: contains NUL bytes"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary: a PDF file, not extracted text"),
        (b"\xff\xfe\x2c\x67", "UTF-16 text is not supported; save it as UTF-8"),
        (b"\xef\xbb\xbf\xe4\xb8", "undecodable: UTF-8 BOM but invalid UTF-8 at byte 3"),
    ],
)
def test_decode_errors_name_file_and_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReportDecodeError) as info:
        decode_report(data, "reports/x.txt")
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.path, err.reason) == ("reports/x.txt", reason)
    assert str(err) == f"reports/x.txt: {reason}"


def test_decode_invalid_encoding() -> None:
    with pytest.raises(ReportDecodeError) as info:
        decode_report(b"budget \x80\xff 2023", "bad.txt")
    assert info.value.reason.startswith("undecodable: neither UTF-8")
    assert "GB18030" in info.value.reason


def test_decode_control_characters_are_binary() -> None:
    with pytest.raises(ReportDecodeError, match="control characters"):
        decode_report(b"abc\x01\x02\x03\x04\x05", "ctl.bin")


def test_decode_damaged_utf8_is_not_read_as_gb18030() -> None:
    data = sample_text(S000).encode("utf-8")
    at = data.index(b"\n", 300) + 1  # a character boundary
    with pytest.raises(ReportDecodeError) as info:
        decode_report(data[:at] + b"\xff" + data[at:], "damaged.txt")
    assert info.value.reason == f"undecodable: UTF-8 text with invalid bytes (first at {at})"
