"""A stated count against the list it introduces (NARR-COUNT-LIST).

001 prints "下设 27 个处室，分别是：…" and names 市社会保险中心水磨沟区分中心 twice: 27 names, 26
offices. The other lists of the samples and the real reports are right and raise nothing; a
name planted twice, or a count moved by one, in each of them is caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_files import REAL
from report_files import loaded as _loaded
from report_files import sample as _sample
from validation_models import findings, report

from loaders.model import StatedCount
from loaders.narrative.counts import chinese_number, extract_counts, split_items
from loaders.readers import read_blocks

RULE = ["NARR-COUNT-LIST"]


def _real(folder: str, kind: str = "layout") -> Path:
    return next((REAL / folder).glob(f"*.{kind}.txt"))


def test_the_list_of_001_names_one_office_twice() -> None:
    r = _loaded(_sample("001"))
    (count,) = r.stated_counts
    assert (count.line, count.count, count.noun, len(count.items)) == (55, 27, "处室", 27)
    assert count.items.count("市社会保险中心水磨沟区分中心") == 2
    # the last name is wrapped over a blank line ("…甘泉" / "堡经济技术开发区（工业区）分中心。")
    assert count.items[-1] == "市社会保险中心甘泉堡经济技术开发区（工业区）分中心"
    (found,) = findings(r, rules=RULE)
    assert (found.severity, found.line, found.found, found.expected) == ("Violation", 55, 26, 27)
    assert "listed twice: 市社会保险中心水磨沟区分中心" in found.message


@pytest.mark.parametrize(("path", "line", "count", "last"), [
    (_sample("000"), 82, 8, "社会保险档案科"),
    (_sample("002"), 72, 6, "档案管理科"),
    (_sample("004"), 53, 9, "复核股"),
    # "市场秩序科（粮食和物资" / "储备科）": the 和 inside the brackets is part of one name
    (_real("12_shanghai-putuo_sww_2025_budget-unit"), 74, 9, "贸易发展科"),
    (_real("12_shanghai-putuo_sww_2025_budget-unit", "raw"), 75, 9, "贸易发展科"),
])
def test_right_lists_raise_nothing(path: Path, line: int, count: int, last: str) -> None:
    r = _loaded(path)
    (stated,) = r.stated_counts
    assert (stated.line, stated.count, len(stated.items), stated.items[-1]) == (
        line, count, count, last)
    assert findings(r, rules=RULE) == []


@pytest.mark.parametrize("folder", ["01_shanghai-putuo_czj_2024_final",
                                    "04_shanghai-putuo_sfj_2026_budget-dept",
                                    "06_shanghai-putuo_wanlijd_2024_budget",
                                    "09_shanghai-putuo_zfbgs_2025_budget-dept",
                                    "13_shanghai-putuo_czj_2025_budget-dept"])
def test_reports_without_a_counted_list(folder: str) -> None:
    assert _loaded(_real(folder)).stated_counts == []


def test_forms() -> None:
    assert [chinese_number(t) for t in ("8", "三", "十", "十二", "二十", "两", "百")] == [
        8, 3, 10, 12, 20, 2, None]
    assert split_items("办公室、市场秩序科（粮食、物资储备科）、财务科") == [
        "办公室", "市场秩序科（粮食、物资储备科）", "财务科"]

    def counts(text: str) -> list[StatedCount]:
        return extract_counts(read_blocks(text))

    # Chinese numerals; "A、B和C" read as three when that is what the count says
    (c,) = counts("本单位内设三个科室，分别为：办公室、财务科和业务科。\n")
    assert (c.count, c.items) == (3, ["办公室", "财务科", "业务科"])
    # a list closed by 等 may name fewer than the count
    (c,) = counts("下设5个股室，包括：办公室、财务股等。\n")
    assert (c.count, c.items, c.open_ended) == (5, ["办公室", "财务股"], True)
    # no colon, no list: prose is not read as a list
    assert counts("2023年开展绩效目标管理的项目21个，涉及资金100万元。\n") == []


def _clean_texts() -> list[tuple[str, str]]:
    paths = [_sample("000"), _sample("002"), _sample("004"),
             _real("12_shanghai-putuo_sww_2025_budget-unit")]
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _planted() -> list[tuple[str, StatedCount]]:
    """Each clean report with one error planted in its list, in place: every name in turn
    replaced by the one before it (a name listed twice), and the count moved by +1 and −1."""
    planted: list[tuple[str, StatedCount]] = []
    for name, text in _clean_texts():
        (clean,) = extract_counts(read_blocks(text))
        head = re.search(rf"{clean.count}\s*个\s*{clean.noun}", text)
        assert head is not None
        for k in range(1, len(clean.items)):
            at = text.find(f"、{clean.items[k]}", head.end())
            if at < 0:
                continue  # a name the text wraps over two lines (12's 市场秩序科（…）)
            twice = text[:at] + f"、{clean.items[k - 1]}" + text[at + 1 + len(clean.items[k]):]
            planted += [(f"{name} twice {k}", c) for c in extract_counts(read_blocks(twice))]
        for shift in (1, -1):
            moved = (text[: head.start()] + f"{clean.count + shift}个{clean.noun}"
                     + text[head.end():])
            planted += [(f"{name} count {shift:+d}", c)
                        for c in extract_counts(read_blocks(moved))]
    return planted


def test_planted_errors_are_caught() -> None:
    planted = _planted()
    assert len(planted) == (7 + 5 + 8 + 7) + 4 * 2  # every planted list is read
    counts = []
    for k, (_, c) in enumerate(planted):
        c.line = 100 + k  # one report, one line per planted case
        counts.append(c)
    r = report()
    r.stated_counts = counts
    caught = {f.line for f in findings(r, rules=RULE)}
    missed = [label for k, (label, _) in enumerate(planted) if 100 + k not in caught]
    assert len(caught) / len(planted) >= 0.9, missed
    assert missed == []


@pytest.mark.parametrize(("sample", "lines"), [("000", []), ("001", [55])])
def test_pyshacl_with_rdflibs_engine_runs_the_rule(sample: str, lines: list[int]) -> None:
    """The reference engine (pyshacl on rdflib's SPARQL) runs the shape too, on a list without a
    repeated name as on 001's: its DISTINCT aggregate over a name that no row bound made rdflib
    raise NotBoundError (`make bench`'s plain-pyshacl phase stopped on it)."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    from loaders.rdf import report_graph
    from loaders.vocab import FKG

    shape = Graph().parse(Path(__file__).resolve().parent.parent / "shapes" / "narrative"
                          / "count-list.ttl")
    data = report_graph(_loaded(_sample(sample)))
    _, results, _ = pyshacl.validate(data, shacl_graph=shape, advanced=True, inference="none",
                                     allow_warnings=True)
    found = [results.value(r, SH.focusNode) for r in results.subjects(RDF.type,
                                                                        SH.ValidationResult)]
    assert [data.value(f, FKG.sourceLine).toPython() for f in found] == lines
