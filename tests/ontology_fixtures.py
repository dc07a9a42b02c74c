"""Hand-made reports (from samples 000 and 001) and graph helpers for the ontology tests.

The values are copied from the sample reports so the graphs look like real
ones: a 2023 budget of 阿图什市社会保险中心 (two-sided summary table, function
table, project table with economic-class columns, narrative claims, a project,
a performance target table) and a 2023 final account of 乌鲁木齐市社会保险中心
(function table and a performance self-evaluation with funding lines).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rdflib import Graph

from loaders.model import (
    Claim,
    Fact,
    FundingLine,
    Indicator,
    LoadWarning,
    PerformanceTable,
    Project,
    Report,
    Section,
    Staffing,
    Table,
    UnitProfile,
)
from loaders.rdf import report_graph

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = REPO / "ontology"
CODES_DIR = ONTOLOGY_DIR / "codes"
SAMPLES_DIR = REPO / "samples" / "reports"

D = Decimal
UNIT_000 = "阿图什市社会保险中心"
UNIT_001 = "乌鲁木齐市社会保险中心"
PROJECT_000 = "城乡居民养老保险补助金项目"
TARGET_PROJECT_000 = "2023年自治区财政社保经办机构业务补助经费"


def _f(amount: str, line: int, col: int, row: str, header: str, column: str, **kw) -> Fact:
    return Fact(D(amount), amount, line, col, row, header, column, **kw)


def budget_report() -> Report:
    """Sample 000 (budget, 2023): lines and numbers as printed there."""
    summary = Table(
        number="1",
        title="单位收支总体情况表",
        table_type="income-expenditure-summary",
        line=90,
        end_line=128,
        compiler=UNIT_000,
        facts=[
            _f("908.94", 98, 1, "一、本年收入", "预算数", "total",
               line_item="current-year-income", side="income"),
            _f("873.38", 99, 1, "1. 一般公共预算拨款", "预算数", "total",
               line_item="general-public-budget", side="income"),
            _f("864.45", 105, 3, "208 社会保障和就业支出", "预算数", "total",
               code="208", side="expenditure"),
            _f("23.60", 107, 3, "210 卫生健康支出", "预算数", "total",
               code="210", side="expenditure"),
            _f("23.24", 117, 3, "221 住房保障支出", "预算数", "total",
               code="221", side="expenditure"),
            _f("911.29", 128, 1, "收 入 总 计", "预算数", "total",
               line_item="income-total", is_total=True, side="income"),
            _f("911.29", 128, 3, "支 出 总 计", "预算数", "total",
               line_item="expenditure-total", is_total=True, side="expenditure"),
        ],
    )
    gpb = Table(
        number="5",
        title="一般公共预算支出情况表",
        table_type="gpb-expenditure",
        line=235,
        end_line=258,
        compiler=UNIT_000,
        facts=[
            _f("826.54", 244, 4, "社会保障和就业支出", "合 计", "total", code="208"),
            _f("266.42", 244, 5, "社会保障和就业支出", "基 本 支 出", "basic", code="208"),
            _f("560.12", 244, 6, "社会保障和就业支出", "项 目 支 出", "project", code="208"),
            _f("774.29", 245, 4, "人力资源和社会保障管理事务", "合 计", "total", code="20801"),
            _f("774.29", 246, 4, "社会保险经办机构", "合 计", "total", code="2080109"),
            _f("214.17", 246, 5, "社会保险经办机构", "基 本 支 出", "basic", code="2080109"),
            _f("560.12", 246, 6, "社会保险经办机构", "项 目 支 出", "project", code="2080109"),
            _f("28.66", 250, 4, "机关事业单位基本养老保险缴费支出", "合 计", "total",
               code="2080505"),
            _f("873.38", 258, 4, "合 计", "合 计", "total", is_total=True),
        ],
    )
    project_table = Table(
        number="7",
        title="一般公共预算项目支出情况表",
        table_type="gpb-project",
        line=292,
        end_line=305,
        compiler=UNIT_000,
        facts=[
            _f("538.12", 302, 5, "社会保险经办机构", "项目支出合计", "total",
               code="2080109", project=PROJECT_000),
            _f("538.12", 302, 8, "社会保险经办机构", "对个人和家庭的补助", "econ:303",
               code="2080109", project=PROJECT_000),
        ],
    )
    sangong = Table(
        number="10",
        title="财政拨款“三公”经费支出情况表",
        table_type="sangong",
        line=309,
        end_line=324,
        compiler=UNIT_000,
        empty=True,
        empty_note="阿图什市社会保险中心 2023 年没有使用财政拨款“三公”经费安排的支出，"
        "财政拨款“三公”经费支出情况表为空表。",
    )
    return Report(
        source_path="samples/reports/000_f35cf930234f7c72.txt",
        sha256="0" * 64,
        unit_name=UNIT_000,
        fiscal_year=2023,
        kind="budget",
        title="阿图什市社会保险中心2023年单位预算公开",
        layout="tsv",
        tables=[summary, gpb, project_table, sangong],
        sections=[
            Section("s1", "二、关于阿图什市社会保险中心 2023 年收入预算情况说明", 336, 357),
            Section("s2", "五、关于阿图什市社会保险中心 2023 年一般公共预算当年拨款情况说明",
                    382, 409),
        ],
        claims=[
            Claim(
                line=340,
                sentence="一般公共预算 866.38 万元，占 95.07%，"
                "比上年预算增加 560.71 万元，增长 183.44%",
                section="s1",
                item="gpb-general-revenue",
                label="一般公共预算",
                amount=D("866.38"),
                share=D("95.07"),
                change=D("560.71"),
                growth_rate=D("183.44"),
                basis="prior-year-budget",
                raw="866.38",
            ),
            Claim(
                line=396,
                sentence="1、社会保障和就业支出（类）人力资源和社会保障管理事务（款）社会保险经办机构"
                "（项）：2023 年预算数为 774.29 万元，比上年预算增加 567.25 万元，增长 273.98%",
                section="s2",
                code="2080109",
                label="社会保险经办机构",
                amount=D("774.29"),
                change=D("567.25"),
                growth_rate=D("273.98"),
                basis="prior-year-budget",
                raw="774.29",
            ),
        ],
        projects=[
            Project(
                name=PROJECT_000,
                line=422,
                amount=D("538.12"),
                policy_basis="依据阿财预【2023】001 号的通知",
                period="2023 年 1 月-12 月",
                executing_unit=UNIT_000,
            )
        ],
        performance=[
            PerformanceTable(
                kind="target",
                title="项目支出绩效目标表",
                line=517,
                end_line=537,
                project=TARGET_PROJECT_000,
                unit_name=UNIT_000,
                budget=D("7.00"),
                indicators=[
                    Indicator(526, "产出指标", "数量指标", "代办员补助月数", "=7个月",
                              target_operator="=", target_value=D("7"), target_unit="个月",
                              weight=D("9")),
                    Indicator(533, "成本指标", "经济成本指标", "每人每月补助标准金额",
                              "=750 元/人/月", target_operator="=", target_value=D("750"),
                              target_unit="元/人/月", weight=D("10")),
                    Indicator(537, "满意度指标", "满意度指标", "群众满意度", ">=95%",
                              target_operator=">=", target_value=D("95"), target_unit="%",
                              weight=D("10")),
                ],
            )
        ],
        profile=UnitProfile(
            functions="贯彻执行国家、自治区和自治州社会保险的方针、政策和法律法规、规章……",
            functions_line=66,
            offices=["办公室", "社会保险计划财务科", "社会保险结算科"],
            offices_line=82,
            staffing=Staffing(authorized=20, actual=46, active=19, active_increase=0,
                              retired=27, retired_increase=0, honorary_retired=0,
                              honorary_retired_increase=0, line=84),
        ),
        warnings=[LoadWarning("unparsed-cell", "cell '35.5 6' split by a line break", 140)],
    )


def final_account_report() -> Report:
    """Sample 001 (final account, 2023): its self-evaluation of 1995 年以前退休人员生活补助."""
    project = "1995 年以前退休人员生活补助"
    table = Table(
        number="五",
        title="一般公共预算财政拨款支出决算表",
        table_type="gpb-expenditure",
        line=85,
        end_line=120,
        facts=[
            _f("3850.59", 99, 4, "行政运行", "决算数", "total", code="2080101"),
            _f("2662.39", 101, 4, "社会保险经办机构", "决算数", "total", code="2080109"),
            _f("1101.10", 105, 4, "事业运行", "决算数", "total", code="2080150"),
            _f("1676.69", 115, 4, "其他企业改革发展补助", "决算数", "total", code="2080699"),
        ],
    )
    return Report(
        source_path="samples/reports/001_c4555a3cefcfab39.txt",
        sha256="1" * 64,
        unit_name=UNIT_001,
        fiscal_year=2023,
        kind="final-account",
        title="乌鲁木齐市社会保险中心 2023 年度部门决算公开说明",
        publication_date="2024-09-20",
        layout="tsv",
        tables=[table],
        claims=[
            Claim(
                line=101,
                sentence="社会保险经办机构（项）：支出决算数为 2,662.39 万元，"
                "比上年决算减少 150.92 万元，下降 5.36%",
                section=None,
                code="2080109",
                label="社会保险经办机构",
                amount=D("2662.39"),
                change=D("-150.92"),
                growth_rate=D("-5.36"),
                basis="prior-year-final",
                raw="2,662.39",
            )
        ],
        performance=[
            PerformanceTable(
                kind="self-evaluation",
                title="项目支出绩效自评表",
                line=179,
                end_line=199,
                project=project,
                unit_name=UNIT_001,
                stated_total_score=D("98.00"),
                stated_total_weight=D("100"),
                funding=[
                    FundingLine("年度资金总额", 185, initial_budget=D("2352.00"),
                                full_year_budget=D("2352.00"), executed=D("2140.00"),
                                weight=D("10"), execution_rate=D("90.99"), score=D("9.10")),
                    FundingLine("其中：当年财政拨款", 186, initial_budget=D("2352.00"),
                                full_year_budget=D("2352.00"), executed=D("2140.00")),
                ],
                indicators=[
                    Indicator(191, "产出指标", "数量指标", "补贴发放人数", ">=16000 人",
                              target_operator=">=", target_value=D("16000"), target_unit="人",
                              weight=D("10"), actual_text="=14390 人", actual_operator="=",
                              actual_value=D("14390"), actual_unit="人", score=D("8.90"),
                              deviation_note="1995 年以前退休人员年龄多为高龄人员，"
                              "近年来死亡减员明显，带动补助发放人数减少。"),
                    Indicator(198, "满意度指标", "满意度指标", "补贴发放对象满意度", ">=95%",
                              target_operator=">=", target_value=D("95"), target_unit="%",
                              weight=D("10"), actual_text="=100%", actual_operator="=",
                              actual_value=D("100"), actual_unit="%", score=D("10.00")),
                ],
            )
        ],
        profile=UnitProfile(
            staffing=Staffing(actual=435, active=313, retired=122, honorary_retired=0, line=53),
        ),
    )


def report_graphs() -> Graph:
    """Both reports' triples in one graph."""
    g = Graph()
    for report in (budget_report(), final_account_report()):
        g += report_graph(report)
    return g


def ontology_graph() -> Graph:
    """ontology/*.ttl (the OWL ontology and the Data Cube structures)."""
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def codes_graph() -> Graph:
    g = Graph()
    for path in sorted(CODES_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


# The W3C Data Cube integrity constraints as SHACL: a copy in tests/data/reference (its README
# gives the source and the W3C Software and Document License).
DATACUBE_SHAPES = Path(__file__).resolve().parent / "data" / "reference" / "datacube.shapes.ttl"


def datacube_shapes() -> Graph:
    return Graph().parse(DATACUBE_SHAPES, format="turtle")


def cube_background() -> Graph:
    """What every Data Cube check needs besides the data: the ontology (its DSDs) and the codes."""
    return ontology_graph() + codes_graph()
