"""What the disclosure rules ask of the text: a change with its reason (COMPL-CHANGE-REASON), an
empty table with its statement (COMPL-EMPTY-STATEMENT, COMPL-EMPTY-NOTE-SUBJECT).

Every one of the 87 changes the five samples and the six real reports state gives its reason in
its sentence or right after its run ("…增加793.14万元。…增加793.14万元。财政拨款收入支出增加的主要
原因是工作量增加"). Every empty table says why, but 13's: under its empty 国有资本经营 table (line
309) the note (line 322) is the 政府性基金 table's, copied: "注:本部门2025年无政府性基金预算财政拨款
安排的预算，故本表为空表。". Reasons and statements removed from the clean reports are caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_files import REAL, SAMPLES
from report_files import loaded as _loaded
from validation_models import findings, rules_at

from loaders.narrative.empty_tables import subject_words
from loaders.narrative.reasons import _sentences
from loaders.pipeline import load_text
from loaders.readers import read_blocks

RULES = ["COMPL-CHANGE-REASON", "COMPL-EMPTY-STATEMENT", "COMPL-EMPTY-NOTE-SUBJECT"]


def _all() -> list[Path]:
    return [*sorted(SAMPLES.glob("*.txt")),
            *[next(d.glob("*.layout.txt")) for d in sorted(REAL.iterdir()) if d.is_dir()]]


def test_13_notes_its_empty_soe_table_with_the_fund_tables_note() -> None:
    path = next((REAL / "13_shanghai-putuo_czj_2025_budget-dept").glob("*.layout.txt"))
    (found,) = findings(_loaded(path), rules=RULES)
    assert (found.rule, found.severity, found.line) == ("COMPL-EMPTY-NOTE-SUBJECT", "Violation",
                                                        309)
    assert "line 322" in found.message and "无政府性基金预算财政拨款安排的预算" in found.message
    # the 政府性基金 table above it (line 295) has the same note, rightly (line 308)
    checks = {c.table_line: c.statement_line for c in _loaded(path).empty_table_checks}
    assert checks == {295: 308, 309: None}


@pytest.mark.parametrize("path", [p for p in _all() if not p.parent.name.startswith("13_")])
def test_changes_and_empty_tables_explained(path: Path) -> None:
    assert findings(_loaded(path), rules=RULES) == []


def test_every_change_has_its_reason_line() -> None:
    reasons = [r for p in _all() for r in _loaded(p).change_reasons]
    assert len(reasons) == 87
    assert all(r.reason_line is not None for r in reasons)
    # 04: three changes (lines 91, 93, 94), one reason for them (line 96)
    r04 = _loaded(next((REAL / "04_shanghai-putuo_sfj_2026_budget-dept").glob("*.layout.txt")))
    assert [(r.line, r.reason_line) for r in r04.change_reasons] == [(91, 96), (93, 96), (94, 96)]


def test_subject_words() -> None:
    assert subject_words("2026年部门政府性基金预算支出功能分类预算表") == ["政府性基金"]
    assert subject_words("财政拨款“三公”经费支出情况表") == ["三公经费"]
    assert subject_words("政府性基金预算“三公”经费支出预算表") == ["政府性基金", "三公经费"]


def test_removed_reasons_are_caught() -> None:
    # each reason removed in turn (from its marker to its sentence's end, which stays): every
    # change it explained is then unexplained
    planted = caught = 0
    for path in _all():
        r = _loaded(path)
        text = path.read_text(encoding="utf-8")
        sentences = _sentences(read_blocks(text))
        for line in sorted({x.reason_line for x in r.change_reasons if x.reason_line}):
            sentence = next(s.text for s in sentences if s.first == line and "原因" in s.text)
            start = min(sentence.find(m) for m in ("主要原因", "原因") if m in sentence)
            reason = sentence[start:].rstrip("。；;")
            # the occurrence on the reason's own line (a report may print one reason twice)
            at = text.find(reason, sum(len(x) + 1 for x in text.split("\n")[: line - 1]))
            if at < 0:
                continue  # printed over two lines
            mutant = load_text(text[:at] + text[at + len(reason):], str(path), "0" * 64)
            explained = {x.line for x in r.change_reasons if x.reason_line == line}
            found = {f.line for f in findings(mutant, rules=["COMPL-CHANGE-REASON"])}
            planted += 1
            caught += explained <= found
    assert planted >= 40
    assert caught / planted >= 0.9, (caught, planted)


def test_removed_or_misdirected_statements_are_caught() -> None:
    # each empty table's statements removed (a Warning), or their subject swapped for another
    # table's (政府性基金 ↔ 国有资本经营; a Violation where a note under the table is its own):
    # every line that says why is changed in turn until none is left (01 says it twice: under
    # the table and in the text)
    swap = {"政府性基金": "国有资本经营", "国有资本经营": "政府性基金", "三公": "政府采购"}
    planted = caught = 0
    for path in _all():
        for check in _loaded(path).empty_table_checks:
            if check.statement_line is None or check.statement_line == check.table_line:
                continue  # a note the table interpreter kept: not in the text as a line
            for removing in (True, False):
                lines = path.read_text(encoding="utf-8").split("\n")
                line: int | None = check.statement_line
                for _ in range(3):
                    if line is None:
                        break
                    row = lines[line - 1]
                    word = next(w for w in swap if w in row)
                    lines[line - 1] = "" if removing else row.replace(word, swap[word])
                    mutant = load_text("\n".join(lines), str(path), "0" * 64)
                    line = next(c.statement_line for c in mutant.empty_table_checks
                                if c.table_line == check.table_line)
                rule = "COMPL-EMPTY-STATEMENT" if removing else None
                at = rules_at(findings(mutant, rules=RULES))
                planted += 1
                caught += any(at_line == check.table_line and rule in (None, found)
                              for found, at_line in at)
    assert planted >= 20
    assert caught / planted >= 0.9, (caught, planted)
