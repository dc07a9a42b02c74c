"""Projects of the 项目支出情况说明: "1、项目名称：…" and the lines under it.

An entry opens at a line "N、项目名称：…" (or "N. 项目名称：…", or a bare
"项目名称：…") and runs to the next entry or the next chapter heading
(八、… / 第三部分). Within it, "key：value" lines give the fields below
(``FIELD_KEYS``); the amount keeps its printed digits and currency. A value
the PDF tool wrapped onto the next paragraph is joined back.

``match_project_name`` pairs a project name with the names other tables print
for it (线路租赁费 ↔ 线路租赁费; 企业基本养老保险扩面项目 ↔ 企业基本养老保险扩面).
"""

from __future__ import annotations

import re

from loaders.model import Block, Project, Report
from loaders.numbers import to_decimal
from loaders.performance.text import despace, ends_sentence, text_lines
from loaders.text import label_key

_CN = "一二三四五六七八九十"
_ENTRY_RE = re.compile(
    rf"^(?:(?:\d+|[{_CN}]+)\s*[、.．]\s*|[（(]\s*(?:\d+|[{_CN}]+)\s*[)）]\s*)?项目名称\s*[:：]\s*(.+)$"
)
_CHAPTER_RE = re.compile(rf"^(?:[{_CN}]+\s*[、.．]|第[{_CN}0-9]+部分)")
_FIELD_RE = re.compile(r"^([^:：]{2,12})[:：]\s*(.*)$")
_AMOUNT_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)")

# "key：" as printed → Project field. A structural word list (not a code list):
# the 项目支出情况说明 template's own headings.
FIELD_KEYS: dict[str, str] = {
    "设立的政策依据": "policy_basis",
    "政策依据": "policy_basis",
    "立项依据": "policy_basis",
    "设立依据": "policy_basis",
    "预算安排规模": "amount",
    "预算安排金额": "amount",
    "预算金额": "amount",
    "资金规模": "amount",
    "项目承担单位": "executing_unit",
    "承担单位": "executing_unit",
    "实施单位": "executing_unit",
    "资金执行时间": "period",
    "项目执行时间": "period",
    "执行时间": "period",
    "实施期限": "period",
    "实施周期": "period",
}
_SUFFIX_RE = re.compile(r"(?:项目|经费|资金)$")


def extract_projects(blocks: list[Block]) -> list[Project]:
    projects: list[Project] = []
    current: Project | None = None
    last_field: str | None = None
    for line, text in text_lines(blocks):
        m = _ENTRY_RE.match(text)
        if m:
            current = Project(name=despace(m.group(1)).rstrip("。；;"), line=line)
            projects.append(current)
            last_field = None
            continue
        if current is None:
            continue
        if _CHAPTER_RE.match(text):
            current, last_field = None, None
            continue
        f = _FIELD_RE.match(text)
        key = despace(f.group(1)) if f else None
        if f and key in FIELD_KEYS:
            last_field = FIELD_KEYS[key]
            _set(current, last_field, f.group(2).strip())
        elif f:
            last_field = None  # another heading (资金分配情况, 补贴人数 …)
        elif last_field and last_field != "amount":
            value = getattr(current, last_field) or ""
            if value and not ends_sentence(value):
                setattr(current, last_field, value + text)  # wrapped value
            last_field = None
    return projects


def _set(project: Project, field: str, value: str) -> None:
    if field == "amount":
        m = _AMOUNT_RE.search(value)
        if m:
            project.amount = to_decimal(m.group(1))
            project.currency = m.group(2)
        return
    if value:
        setattr(project, field, value)


def match_project_name(name: str, candidates: list[str]) -> str | None:
    """The candidate that names the same project, or None.

    Names are compared after NFKC with spaces and punctuation dropped: an
    equal name wins; else one name containing the other, once a trailing
    项目/经费/资金 is dropped, when the shorter keeps at least 4 characters and
    60 % of the longer. Ties (two candidates as good) give None.
    """
    key = label_key(name)
    if not key:
        return None
    exact = [c for c in candidates if label_key(c) == key]
    if exact:
        return exact[0] if len({label_key(c) for c in exact}) == 1 else None
    core = _SUFFIX_RE.sub("", key)
    scored: list[tuple[float, str]] = []
    for cand in candidates:
        other = _SUFFIX_RE.sub("", label_key(cand))
        short, long_ = sorted((core, other), key=len)
        if len(short) >= 4 and short in long_ and len(short) >= 0.6 * len(long_):
            scored.append((len(short) / len(long_), cand))
    if not scored:
        return None
    scored.sort(key=lambda p: -p[0])
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def unify_project_names(report: Report) -> None:
    """Give one project one name across the narrative, the table rows and the
    performance tables, so the builder mints one IRI for it.

    The narrative's 项目名称 entries are canonical; a table row or performance
    table whose name matches one of them (``match_project_name``) takes that
    name and keeps its own wording in ``project_as_printed``. Unmatched names
    become canonical themselves, so two performance tables can still meet a
    table row when the narrative lists no projects.
    """
    canonical = [p.name for p in report.projects]

    def canon(name: str) -> str:
        if name in canonical:
            return name
        match = match_project_name(name, canonical)
        if match is None:
            canonical.append(name)
            return name
        return match

    for table in report.tables:
        for fact in table.facts:
            if fact.project:
                name = canon(fact.project)
                if name != fact.project:
                    fact.project_as_printed, fact.project = fact.project, name
    for ptable in report.performance:
        if ptable.project:
            name = canon(ptable.project)
            if name != ptable.project:
                ptable.project_as_printed, ptable.project = ptable.project, name
