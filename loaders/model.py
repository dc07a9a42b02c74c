"""The intermediate model every loader fills and the RDF builder reads.

Readers turn text into blocks; interpreters (tables, narrative, profile,
performance) turn blocks into these records; ``loaders.rdf`` turns a
``Report`` into triples. Nothing here knows about RDF, and nothing here
"corrects" a number: amounts are kept exactly as printed (``Decimal``), with
the raw cell text and the 1-based source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# A box on a PDF page in PDF points: (x0, y0, x1, y1), origin at the page's
# bottom-left corner as PDF draws it.
BBox = tuple[float, float, float, float]

# ---------------------------------------------------------------------------
# Reader layer: blocks
# ---------------------------------------------------------------------------


@dataclass
class Cell:
    """One cell of a grid as the text tool wrote it."""

    text: str  # cleaned text (tags stripped, whitespace collapsed)
    line: int  # 1-based source line of the cell
    raw: str | None = None  # original text when cleaning changed it
    page: int | None = None  # 1-based PDF page, for a report read from a PDF
    bbox: BBox | None = None  # the cell's box on that page, PDF points
    # Character columns [start, end) of its text on its line, for space-aligned text
    # (``pdftotext -layout`` places each word at its x in character widths); ``raw``
    # then keeps the spacing between the words, so each word's columns are known too.
    span: tuple[int, int] | None = None


@dataclass
class Row:
    cells: list[Cell]
    line: int  # 1-based source line of the row (first line if it spans several)

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Block:
    """A heading, paragraph or table found in the report text.

    kind: "heading" | "paragraph" | "table" | "blank"
    For paragraphs/headings ``text`` holds the text and ``line`` its first
    line (``end_line`` the last). For tables ``rows`` holds the grid.
    """

    kind: str
    line: int
    end_line: int
    text: str = ""
    rows: list[Row] = field(default_factory=list)
    layout: str = ""  # reader that produced it: tsv, pipe, html, aligned, text, pdf
    page: int | None = None  # 1-based PDF page of its first line, for a report read from a PDF
    bbox: BBox | None = None  # its box on that page, PDF points
    # A line of text as printed (leading spaces and gaps kept) when it has 2+ space gaps:
    # the positions of its words, for a table row printed apart from its grid.
    raw: str | None = None
    # What its reader could not place (a stream table's rows, ``row-not-placed``).
    warnings: list[LoadWarning] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Interpreted report
# ---------------------------------------------------------------------------


@dataclass
class LoadWarning:
    code: str  # short stable id, e.g. "unrecognised-table", "unparsed-cell"
    message: str
    line: int | None = None


@dataclass
class Fact:
    """One numeric table cell.

    ``code`` is the classification notation (function 2080109 or economic
    30101/3010301) when the row has one; ``line_item`` is a key of the
    summary line-item code list (ontology/codes/line-items.ttl) for rows of
    two-sided summary tables ("general-public-budget", "income-total" ...);
    ``is_total`` marks 合计/总计 rows. ``column`` is a key of the column
    code list (ontology/codes/columns.ttl) or "econ:302" for the
    economic-class columns of project tables. ``side`` is "income" or
    "expenditure" for two-sided tables, else "".
    """

    amount: Decimal
    raw: str
    line: int
    col_index: int
    row_label: str
    column_header: str
    column: str
    code: str | None = None
    line_item: str | None = None
    is_total: bool = False
    side: str = ""
    project: str | None = None  # project name for project-table rows (canonical, see pipeline)
    project_as_printed: str | None = None  # the name as the row prints it, when it differs
    unit_code: str | None = None  # 316002-style unit code column when present
    page: int | None = None  # PDF page and box of the cell (reports read from a PDF)
    bbox: BBox | None = None


@dataclass
class Table:
    number: str | None  # as printed: "1", "一", "3-1", None
    title: str  # as printed
    table_type: str  # key of ontology/codes/table-types.ttl, or "generic"
    line: int  # line of the title (or first header line)
    end_line: int
    currency: str = "万元"  # "万元" or "元"
    compiler: str | None = None  # 编制单位 as printed
    facts: list[Fact] = field(default_factory=list)
    empty: bool = False  # disclosed with no amounts (空表)
    empty_note: str | None = None
    recognised: bool = True


@dataclass
class Section:
    """A narrative section (heading and its paragraphs)."""

    key: str  # stable key: "s1", "s2" ... in document order
    title: str
    line: int
    end_line: int


@dataclass
class Claim:
    """An amount, share or change the narrative states.

    ``item`` is a key of the line-item code list or None; ``code`` the
    classification notation when the sentence names a 类/款/项.
    ``amount`` is as printed in ``currency``. ``share``/``growth_rate`` are
    percents as printed (Decimal("95.07")); ``change`` is signed (减少 → -).
    ``share_of`` names the denominator item key when the sentence says it.
    ``basis`` is what the change compares with: "prior-year-budget",
    "prior-year-final", "prior-year-execution", "initial-budget", "full-year-budget"
    or "".
    """

    line: int
    sentence: str
    section: str | None  # Section.key
    item: str | None = None
    code: str | None = None
    label: str = ""  # the words that named the item, as printed
    amount: Decimal | None = None
    currency: str = "万元"
    share: Decimal | None = None
    share_of: str | None = None
    change: Decimal | None = None
    growth_rate: Decimal | None = None
    basis: str = ""
    raw: str = ""  # the number text as printed
    page: int | None = None  # PDF page and box of the sentence's line (reports read from a PDF)
    bbox: BBox | None = None
    # The amount a change compares with, when the text states it ("2025年当年预算执行数为
    # 1690.69万元，2026年预算安排1672.67万元，比…减少1.07%"), as printed, in ``currency``.
    prior_amount: Decimal | None = None
    prior_raw: str = ""
    # The claim of the same paragraph whose amount this one states again (预算安排 Y after
    # "…（01项）X万元"): the two must agree.
    restates: Claim | None = None


@dataclass
class Project:
    name: str
    line: int
    amount: Decimal | None = None
    currency: str = "万元"
    policy_basis: str | None = None
    period: str | None = None
    executing_unit: str | None = None


@dataclass
class Indicator:
    line: int
    level1: str | None
    level2: str | None
    level3: str
    target_text: str
    target_operator: str | None = None  # one of = >= <= > < ≈ ; None when text
    target_value: Decimal | None = None
    target_unit: str | None = None
    weight: Decimal | None = None
    actual_text: str | None = None
    actual_operator: str | None = None
    actual_value: Decimal | None = None
    actual_unit: str | None = None
    score: Decimal | None = None
    deviation_note: str | None = None
    # what the deviation note restates (loaders/performance/notes.py), in the row's own unit
    note_actual: Decimal | None = None  # "实际发放为 52 人"
    note_target: Decimal | None = None  # "绩效指标设置大于 50 人"
    note_direction: str | None = None  # "below" | "above": "实际发放数小于目标值"
    # what the table's goal text says of the same thing when it differs (performance/goals.py)
    goal_value: Decimal | None = None  # "聘用 38 名…代办员" for 聘用代办员人数 16
    goal_line: int | None = None
    unit_name: str | None = None  # unit named on the row when it differs
    unit_mismatch: bool = False
    page: int | None = None  # PDF page and box of the row (reports read from a PDF)
    bbox: BBox | None = None


@dataclass
class FundingLine:
    """A row of a self-evaluation funding block (年度资金总额 / 其中 …)."""

    label: str
    line: int
    initial_budget: Decimal | None = None  # 年初预算数
    full_year_budget: Decimal | None = None  # 全年预算数
    executed: Decimal | None = None  # 全年执行数
    weight: Decimal | None = None  # 分值
    execution_rate: Decimal | None = None  # 执行率, percent as printed
    score: Decimal | None = None  # 得分


@dataclass
class PerformanceTable:
    kind: str  # "target" (绩效目标表) | "self-evaluation" (绩效自评表) | "overall" (整体)
    title: str
    line: int
    end_line: int
    project: str | None  # project name; None for 整体 (the unit)
    unit_name: str | None = None
    budget: Decimal | None = None  # 年度预算总额 / 预算数 as printed
    indicators: list[Indicator] = field(default_factory=list)
    funding: list[FundingLine] = field(default_factory=list)
    stated_total_score: Decimal | None = None
    stated_total_weight: Decimal | None = None
    project_as_printed: str | None = None  # when the canonical project name differs


@dataclass
class Staffing:
    authorized: int | None = None  # 编制数
    actual: int | None = None  # 实有人数
    active: int | None = None  # 在职
    active_increase: int | None = None
    retired: int | None = None  # 退休
    retired_increase: int | None = None
    honorary_retired: int | None = None  # 离休
    honorary_retired_increase: int | None = None
    line: int | None = None


@dataclass
class StatedCount:
    """A count the text states with the list it introduces: "下设8个处室，分别是：办公室、…".

    ``items`` are the listed names as printed, in order, repeats kept (a name listed twice is
    what the count check looks for); ``open_ended`` when the list ends with 等 (not exhaustive).
    """

    line: int
    count: int
    noun: str  # the counted word as printed: 处室, 科室, 内设机构 …
    items: list[str] = field(default_factory=list)
    open_ended: bool = False
    sentence: str = ""


@dataclass
class StatedProduct:
    """Headcount × per-person rates × months, and the amount the same paragraph budgets.

    "聘用 38 名…，按每人每月 750 元进行补助，全年补助 7 个月" with "预算安排规模：8.40 万元":
    quantity 38, monthly rate 750, months 7. ``months`` is None when the text states none (a
    monthly rate then runs for a year, an assumption the shape makes at lower severity).
    """

    line: int  # the line of the first rate
    amount_line: int
    quantity: int
    monthly_rate: Decimal  # 元 per person per month, the sum of the rates so stated
    yearly_rate: Decimal  # 元 per person per year
    months: int | None
    amount: Decimal
    raw: str
    currency: str = "万元"
    factors: str = ""  # the lines that print the factors


@dataclass
class PolicyCitation:
    """A policy document cited by issuer, year and number (昌州财建〔2024〕161号), with the title
    that follows it when one does (《关于…的通知》); ``title_key`` ignores spaces and
    punctuation."""

    line: int
    issuer: str
    year: int
    number: int
    title: str | None = None
    title_key: str | None = None
    text: str = ""  # the citation in one form: 昌州财建〔2024〕161号


@dataclass
class UnitNameMention:
    """The unit's name printed as a field or a paragraph's subject, when it differs from the
    report's unit name: "项目承担单位：奇台县社会保险中心" in 奇台县社会保险管理局's report."""

    line: int
    field: str  # "reporting-unit" | "implementing-unit" (unit-name-fields.ttl) | "subject"
    name: str  # as printed
    relation: str  # "short-form" | "variant" | "other-body"


@dataclass
class StatedItemClass:
    """An item the narrative lists under 人员经费 or 公用经费 ("人员经费X万元，主要包括：基本工资、
    …"), as printed, with the side it is filed under: "personnel" | "public"."""

    line: int
    side: str
    name: str


@dataclass
class ChangeReason:
    """Whether the sentence stating a claim's change gives its reason (主要原因是…) there, later in
    its paragraph or in the next paragraph's first sentence."""

    claim_index: int  # index in Report.claims
    line: int
    reason_line: int | None  # the line of the sentence giving the reason; None: no reason
    sentence: str = ""


@dataclass
class EmptyTableCheck:
    """A table disclosed empty and where the report says why (its note or a sentence)."""

    table_line: int
    title: str
    statement_line: int | None  # None: no statement found
    statement: str = ""
    # the table's own 注 when it says something else is empty (copied from another table)
    other_note_line: int | None = None
    other_note: str = ""


@dataclass
class YearLabel:
    """A year the narrative names where the report's year is implied.

    role "comparison": the base of a comparison ("比2026年预算增加…", "与2023年度相比"): it must
    be earlier than the report's year (a final account may compare with its own year's budget);
    role "own-statement": a sentence that opens with a year and states what this report budgets
    ("2021年单位预算未安排购置车辆经费"): it must be the report's year.
    """

    line: int
    year: int
    role: str  # "comparison" | "own-statement"
    basis: str  # the words after the year: "预算", "预算执行数", "年度", "单位预算" …
    text: str  # the phrase as printed


@dataclass
class UnitProfile:
    functions: str | None = None
    functions_line: int | None = None
    offices: list[str] = field(default_factory=list)
    offices_line: int | None = None
    staffing: Staffing | None = None
    supervising_department: str | None = None


@dataclass
class DocumentMeta:
    """What the report says about itself (title page, 编制单位 lines, date line)."""

    unit_name: str
    fiscal_year: int
    kind: str  # "budget" | "final-account"
    title: str
    unit_code: str | None = None
    publication_date: str | None = None
    scope: str | None = None  # "department" (部门, consolidated) | "unit" (单位) | None: not said
    warnings: list[LoadWarning] = field(default_factory=list)


@dataclass
class Report:
    """Everything loaded from one report file."""

    source_path: str
    sha256: str
    unit_name: str
    fiscal_year: int
    kind: str  # "budget" | "final-account"
    title: str
    unit_code: str | None = None
    publication_date: str | None = None  # ISO date when the report prints one
    scope: str | None = None  # "department" (部门) | "unit" (单位) | None: the report does not say
    layout: str = ""
    tables: list[Table] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    performance: list[PerformanceTable] = field(default_factory=list)
    profile: UnitProfile = field(default_factory=UnitProfile)
    stated_counts: list[StatedCount] = field(default_factory=list)
    year_labels: list[YearLabel] = field(default_factory=list)
    stated_products: list[StatedProduct] = field(default_factory=list)
    citations: list[PolicyCitation] = field(default_factory=list)
    name_mentions: list[UnitNameMention] = field(default_factory=list)
    change_reasons: list[ChangeReason] = field(default_factory=list)
    empty_table_checks: list[EmptyTableCheck] = field(default_factory=list)
    item_classes: list[StatedItemClass] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
