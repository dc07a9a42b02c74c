"""Did validation find exactly the planted errors? And the same findings as pyshacl?

A synthetic report's expected findings are its sample's own (same rule, same line) and its
planted errors (the planted rule at the planted line). A planted edit may rightly break more
than its own rule — the cell is also a row's total, tied to another table, restated in the
narrative — so another finding is accepted when it is caused by a planted edit: it is on an
edited line or cites one among its ``lines``. Everything else is unexpected, and an expected
finding that is not there is missed. Only Violations and Warnings count (Info findings are
measurements, not errors).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.synthetic.corpus import Corpus, CorpusFile, cited_lines

# One finding as the validation process sends it: document, rule, line, lines, severity.
Row = tuple[str | None, str, int | None, str | None, str]


@dataclass
class PlantedCheck:
    ran: bool = False
    planted: int = 0
    found: int = 0  # planted errors found
    own: int = 0  # the samples' own findings expected
    cascades: int = 0  # further findings on or citing an edited line
    missed: list[str] = field(default_factory=list)  # expected, not reported
    unexpected: list[str] = field(default_factory=list)  # reported, not expected nor caused
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.ran and not self.missed and not self.unexpected

    @property
    def status(self) -> str:
        if not self.ran:
            return "not run" + (f" ({self.note})" if self.note else "")
        return "OK" if self.ok else "MISMATCH"

    def summary(self) -> str:
        return (f"planted {self.planted}, found {self.found}, missed {len(self.missed)}, "
                f"unexpected {len(self.unexpected)} (besides: {self.own} of the samples' own "
                f"findings expected, {self.cascades} caused by a planted edit)")


def check_planted(corpus: Corpus, findings: Iterable[Row]) -> PlantedCheck:
    by_doc: dict[str | None, list[Row]] = {}
    for row in findings:
        if row[4] != "Info":
            by_doc.setdefault(row[0], []).append(row)
    check = PlantedCheck(ran=True)
    for file in corpus.files:
        _check_file(file, by_doc.pop(file.document, []), check)
    for doc, rows in by_doc.items():  # reports the corpus does not have, or no report at all
        check.unexpected += [_show(doc, r[1], r[2]) for r in rows]
    return check


def _check_file(file: CorpusFile, rows: list[Row], check: PlantedCheck) -> None:
    rest = list(rows)
    for rule, line in file.planted:
        check.planted += 1
        hit = next((r for r in rest if r[1] == rule and r[2] == line), None)
        if hit is None:
            check.missed.append(_show(file.document, rule, line, "planted"))
        else:
            check.found += 1
            rest.remove(hit)
    edited = {line for _, line in file.planted} | set(file.edited)
    unexplained = []
    for row in rest:
        if row[2] in edited or cited_lines(row[3]) & edited:
            check.cascades += 1
        else:
            unexplained.append((row[1], row[2]))
    own, got = Counter(file.own), Counter(unexplained)
    check.own += len(file.own)
    check.missed += [_show(file.document, r, n, "own") for r, n in (own - got).elements()]
    check.unexpected += [_show(file.document, r, n) for r, n in (got - own).elements()]


def _show(doc: str | None, rule: str, line: int | None, what: str = "") -> str:
    return f"{doc or '(no document)'} | {rule} | line {line}" + (f" ({what})" if what else "")


@dataclass
class Check:
    """Two sets of finding keys compared (the fast path's and pyshacl's)."""

    ran: bool = False
    ok: bool = False
    expected: int = 0
    found: int = 0
    missing: list[str] = field(default_factory=list)  # expected but not reported
    unexpected: list[str] = field(default_factory=list)  # reported but not expected
    note: str = ""

    @property
    def status(self) -> str:
        if not self.ran:
            return "not run" + (f" ({self.note})" if self.note else "")
        return "OK" if self.ok else "MISMATCH"


def compare(expected: Sequence[str], found: Sequence[str]) -> Check:
    exp, got = set(expected), set(found)
    return Check(
        ran=True,
        ok=exp == got,
        expected=len(exp),
        found=len(got),
        missing=sorted(exp - got),
        unexpected=sorted(got - exp),
    )
