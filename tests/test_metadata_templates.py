"""Unit, scope, year and kind across templates: the Shanghai district reports (cover title names
only the district, the unit on a 预算主管部门/预算单位 line), web-page openings (breadcrumbs, page
fields, 第N部分 headings), year forms ("24年预算", "二〇二四年度"), and a refused unknown unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.metadata import read_metadata
from loaders.pipeline import ReportLoadError, load_report
from loaders.readers import read_blocks

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "samples" / "realworld"
SAMPLES = ROOT / "samples" / "reports"

# samples/realworld/README.md: unit, scope, year, kind of each report
SHANGHAI = {
    "01": ("上海市普陀区财政局", "department", 2024, "final-account"),
    "04": ("上海市普陀区司法局", "department", 2026, "budget"),
    "06": ("上海市普陀区人民政府万里街道办事处", "department", 2024, "budget"),
    "09": ("上海市普陀区人民政府办公室", "department", 2025, "budget"),
    "12": ("上海市普陀区商务委员会", "unit", 2025, "budget"),
    "13": ("上海市普陀区财政局", "department", 2025, "budget"),
}


def meta(text: str, name: str = "t.txt"):
    return read_metadata(read_blocks(text), name)


def identity(m) -> tuple[str, str | None, int, str]:
    return (m.unit_name, m.scope, m.fiscal_year, m.kind)


def realworld_file(prefix: str, suffix: str) -> Path:
    folder = next(REALWORLD.glob(f"{prefix}_*"))
    return next(folder.glob(f"*{suffix}"))


@pytest.mark.parametrize("suffix", [".layout.txt", ".raw.txt"])
@pytest.mark.parametrize("prefix", sorted(SHANGHAI))
def test_shanghai_text(prefix: str, suffix: str) -> None:
    path = realworld_file(prefix, suffix)
    m = meta(path.read_text(encoding="utf-8"), str(path))
    unit, scope, year, kind = SHANGHAI[prefix]
    assert (m.unit_name, m.scope, m.fiscal_year, m.kind) == (unit, scope, year, kind)


@pytest.mark.parametrize("prefix", sorted(SHANGHAI))
def test_shanghai_pdf(prefix: str) -> None:
    report = load_report(realworld_file(prefix, ".pdf"))
    assert identity(report) == SHANGHAI[prefix]


def test_cover_title_naming_only_the_district_keeps_its_wording() -> None:
    path = realworld_file("04", ".layout.txt")
    m = meta(path.read_text(encoding="utf-8"))
    assert m.title == "上海市普陀区2026年区级部门预算"  # as printed; the unit is on its own line


@pytest.mark.parametrize(
    ("prefix", "scope"),
    [("000", "unit"), ("001", "department"), ("002", None), ("003", "unit"),
     ("004", "department")],
)
def test_sample_scopes(prefix: str, scope: str | None) -> None:
    path = next(SAMPLES.glob(f"{prefix}_*.txt"))
    # 000 "2023 年单位预算公开", 001 "…部门决算公开说明", 002 "2022 年预算公开" (says neither)
    assert meta(path.read_text(encoding="utf-8")).scope == scope


def test_web_page_chrome_is_never_a_name() -> None:
    text = (
        "首页 > 政府信息公开 > 财政预决算 > 2024年部门预算\n"
        "标 题: | 某某县农业农村局2024年部门预算公开\n"
        "发布时间：2024-02-05  来源：某某县财政局  字号：大 中 小\n"
        "浏览次数：321\n\n"
        "目录\n第一部分 部门概况\n第二部分 2024年部门预算表\n\n"
        "一、主要职能\n本部门负责全县农业农村工作。2023年决算数为100万元。\n"
    )
    m = meta(text)
    assert identity(m) == ("某某县农业农村局", "department", 2024, "budget")
    assert m.title == "某某县农业农村局2024年部门预算公开"


def test_part_heading_is_not_a_name_and_table_headings_name_the_unit() -> None:
    text = (
        "第二部分\n2024年单位预算表\n\n"
        "表一 收支总表\n编制单位：某某市统计局    单位：万元\n项目  金额\n合计  10.00\n\n"
        "表二 收入总表\n编制单位：某某市统计局    单位：万元\n项目  金额\n合计  10.00\n"
    )
    m = meta(text)
    assert identity(m) == ("某某市统计局", "unit", 2024, "budget")
    assert [w.code for w in m.warnings] == ["unit-from-compiler"]


def test_title_field_with_unit_before_part_heading() -> None:
    m = meta("第二部分 某某区教育局2023年度部门决算表\n\n说明。\n")
    assert identity(m) == ("某某区教育局", "department", 2023, "final-account")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("某某区商务委员会单位25年预算", ("某某区商务委员会", "unit", 2025, "budget")),
        ("某某街道办事处24年预算", ("某某街道办事处", None, 2024, "budget")),
        ("某某局部门25年度决算", ("某某局", "department", 2025, "final-account")),
        ("某某市水务局二〇二四年度部门决算", ("某某市水务局", "department", 2024, "final-account")),
        ("某某县林业局2024年度部门决算", ("某某县林业局", "department", 2024, "final-account")),
    ],
)
def test_year_forms(title: str, expected: tuple) -> None:
    assert identity(meta(f"{title}\n\n目 录\n\n一、主要职能\n")) == expected


def test_budget_that_discusses_last_years_final_account_stays_a_budget() -> None:
    text = (
        "某某县水利局\n2024年预算公开\n\n"
        "2023年决算数为120万元，决算支出比决算收入少。决算 决算 决算。\n"
    )
    assert meta(text).kind == "budget"


def test_title_naming_a_unit_keeps_it_over_a_misprinted_table_heading() -> None:
    text = "某某县财政局2024年部门预算\n\n编制部门：另一市审计局    单位：万元\n"
    assert meta(text).unit_name == "某某县财政局"


def test_unknown_unit_is_refused_saying_what_was_looked_for(tmp_path: Path) -> None:
    text = "2024年部门预算\n\n目 录\n\n一、主要职能\n负责本地工作。\n"
    with pytest.raises(ValueError, match="no unit name found") as caught:
        meta(text)
    assert "预算主管部门" in str(caught.value) and "编制单位" in str(caught.value)
    path = tmp_path / "opening.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportLoadError, match=r"opening\.txt: no unit name found"):
        load_report(path)


def test_a_note_quoting_a_budget_sentence_is_no_report() -> None:
    # A README-like note that quotes a report's sentence: the sentence is no title, and no
    # piece of it ("06, 说明: “执行数为348.52万元") becomes a unit name.
    text = ("# Notes on six reports\n\n- 06, 说明: \"执行数为348.52万元，2024年预算安排352.67万元，"
            "比2023年预算执行数增加0.53%\" (the amounts give 1.19%).\n")
    with pytest.raises(ValueError, match="not a budget or final-account disclosure: no title line: "
                       "years are printed, but no line that is not a sentence gives one"):
        meta(text)


def test_place_only_title_without_unit_line_is_kept_with_a_warning() -> None:
    # what the report says (a development zone's body may publish under the zone's name)
    m = meta("某某经济开发区2025年部门预算\n\n目 录\n")
    assert identity(m) == ("某某经济开发区", "department", 2025, "budget")
    assert [(w.code, w.line) for w in m.warnings] == [("unit-is-a-place", 1)]


def test_breadcrumb_without_arrows_and_a_stamped_unit_line() -> None:
    text = (
        "首页 - 信息公开 - 预决算公开 - 2025年部门预算\n"
        "当前位置：首页 > 政府信息公开\n"
        "某某市2025年市级部门预算\n"
        "编制单位（盖章）：某某市自然资源局    金额单位：万元\n"
    )
    # the title names only the city: the stamped unit line names the unit
    assert identity(meta(text)) == ("某某市自然资源局", "department", 2025, "budget")


def test_unit_then_about_before_the_year() -> None:
    m = meta("某某县财政局关于2024年部门决算的说明\n\n正文。\n")
    assert identity(m) == ("某某县财政局", "department", 2024, "final-account")


def test_contents_entries_and_table_titles_are_not_the_title() -> None:
    text = (
        "目 录\n"
        "1. 2026年部门财务收支预算总表 ……………………………… 5\n"
        "2. 2026年部门收入预算总表 ……………………………… 6\n\n"
        "2026年部门财务收支预算总表\n"
        "编制部门：某某区司法局    单位：元\n项目  金额\n合计  10.00\n"
    )
    m = meta(text)
    # no cover: the table's title is the first title line; it states no scope (部门预算/单位预算)
    assert identity(m) == ("某某区司法局", None, 2026, "budget")
    assert m.title == "2026年部门财务收支预算总表"


def test_attachment_heading_above_the_title_is_not_a_name() -> None:
    m = meta("附件3：\n2024年部门预算\n\n编制单位：某某县统计局    单位：万元\n")
    assert identity(m) == ("某某县统计局", "department", 2024, "budget")


def test_title_in_a_web_pages_field_table() -> None:
    text = (
        "| 标 题: | 某某县民政局2024年部门预算公开 |\n| --- | --- |\n"
        "| 发布时间: | 2024-02-01 |\n| 来 源: | 某某县财政局 |\n\n"
        "第一部分 部门概况\n一、主要职能\n负责全县民政工作。\n"
    )
    m = meta(text)
    assert identity(m) == ("某某县民政局", "department", 2024, "budget")
    assert m.title == "某某县民政局2024年部门预算公开"
