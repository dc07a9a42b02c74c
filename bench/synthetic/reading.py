"""What the loader read: which printed numbers of a report are amounts, and whether a re-issued
text reads back as the sample scaled.

Amounts (scaled with the report): table cells, narrative amounts and changes, project amounts,
performance budgets and funding lines, indicator values in a currency. Everything else the
loader reads — shares, growth and execution rates, staffing counts, weights, scores, indicator
values in other units — is not, and a line where one value is read both ways is ambiguous.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bench.synthetic.numbers import Printed, find_numbers, key_of, key_of_value
from loaders.model import (
    Claim,
    Fact,
    FundingLine,
    Indicator,
    PerformanceTable,
    Project,
    Report,
    StatedProduct,
    YearLabel,
)

CURRENCY = frozenset({"元", "万元", "亿元", "千元"})
PROJECT_SPAN = 12  # lines after a project's name where its 预算安排规模 may be printed
SENTENCE_SPAN = 8  # lines over which one narrative sentence may be broken

# Decimal fields that are amounts (scaled); every other number must read back unchanged.
AMOUNT_FIELDS: dict[type, tuple[str, ...]] = {
    Fact: ("amount",),
    Claim: ("amount", "change"),
    Project: ("amount",),
    PerformanceTable: ("budget",),
    FundingLine: ("initial_budget", "full_year_budget", "executed"),
    StatedProduct: ("amount",),
}
# Years the narrative names (loaders/narrative/year_labels.py): shifted with the report.
YEAR_FIELDS: dict[type, tuple[str, ...]] = {YearLabel: ("year",)}
# Per-person rates a paragraph prints in 元: scaled where the loader also reads them as an
# amount elsewhere on their line, unchanged otherwise; either reads back.
EITHER_FIELDS: dict[type, tuple[str, ...]] = {StatedProduct: ("monthly_rate", "yearly_rate")}
# Free text that prints numbers (they change with the amounts) or names the file.
TEXT_FIELDS = frozenset({
    "raw", "sentence", "target_text", "actual_text", "message", "source_path", "sha256",
    "deviation_note", "functions", "text", "factors", "statement", "other_note",
})


@dataclass
class Roles:
    """Per 1-based line: keys of the numbers read as amounts, and as anything else."""

    amounts: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    others: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    split_forms: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def amount(self, line: int, value: Decimal | str | None) -> None:
        key = _key(value)
        if key is not None:
            self.amounts[line].add(key)

    def other(self, line: int | None, value: Decimal | int | None) -> None:
        if line is not None and value is not None:
            self.others[line].add(key_of_value(Decimal(value)))

    def is_amount(self, line: int, printed: Printed) -> bool:
        """Whether ``printed`` on ``line`` is an amount: its value was read as one there, and not
        also as something else — unless the text itself says so (a currency unit follows)."""
        key = printed.key
        if printed.percent or key not in self.amounts.get(line, ()):
            return False
        return key not in self.others.get(line, ()) or printed.currency

    def ambiguous(self) -> dict[int, set[str]]:
        both = {n: self.amounts[n] & self.others[n] for n in self.amounts if n in self.others}
        return {n: keys for n, keys in both.items() if keys}


def _key(value: Decimal | str | None) -> str | None:
    if value is None:
        return None
    return key_of(value) if isinstance(value, str) else key_of_value(value)


def read_roles(report: Report, lines: list[str]) -> Roles:
    roles = Roles()
    for table in report.tables:
        for fact in table.facts:
            roles.amount(fact.line, fact.raw or fact.amount)
            if " " in fact.raw.strip():
                roles.split_forms[fact.line].add(fact.raw.strip().strip("()（）"))
    # (a claim's share and growth rate print a "%": they cannot be taken for an amount)
    for claim in report.claims:
        for value in (claim.raw or claim.amount, claim.change):
            if _printed_on(lines, claim.line, value):
                roles.amount(claim.line, value)
            else:  # further on in its sentence
                _floating(roles, lines, value, sentence_lines(lines, claim))
    starts = sorted(p.line for p in report.projects)
    for project in report.projects:
        later = [s for s in starts if s > project.line]
        end = min([project.line + PROJECT_SPAN, *later[:1]])
        _floating(roles, lines, project.amount, range(project.line, end))
    for table in report.performance:
        _performance(roles, lines, table)
    staffing = report.profile.staffing if report.profile else None
    if staffing is not None:
        for f in dataclasses.fields(staffing):
            if f.name != "line":
                roles.other(staffing.line, getattr(staffing, f.name))
    return roles


def _performance(roles: Roles, lines: list[str], table: PerformanceTable) -> None:
    for fl in table.funding:
        for value in (fl.initial_budget, fl.full_year_budget, fl.executed):
            roles.amount(fl.line, value)
        for value in (fl.weight, fl.score):  # the execution rate prints a "%"
            roles.other(fl.line, value)
    for ind in table.indicators:
        pairs = ((ind.target_value, ind.target_unit), (ind.actual_value, ind.actual_unit))
        for value, unit in pairs:
            if unit in CURRENCY:
                roles.amount(ind.line, value)
            else:
                roles.other(ind.line, value)
        roles.other(ind.line, ind.weight)
        roles.other(ind.line, ind.score)
        if ind.goal_line is not None and ind.target_unit in CURRENCY:
            roles.amount(ind.goal_line, ind.goal_value)  # a limit the goal text restates
    _floating(roles, lines, table.budget, range(table.line, table.end_line + 1))


def _floating(roles: Roles, lines: list[str], value: Decimal | str | None,
              span: Iterable[int]) -> None:
    """An amount read without its line: every line of ``span`` that prints it."""
    for n in span:
        if _printed_on(lines, n, value):
            roles.amount(n, value)


def _printed_on(lines: list[str], n: int, value: Decimal | str | None) -> bool:
    key = _key(value)
    if key is None or not 0 < n <= len(lines):
        return False
    return any(p.key == key and not p.percent for p in find_numbers(lines[n - 1]))


def sentence_lines(lines: Sequence[str], claim: Claim) -> list[int]:
    """The lines a claim's sentence is printed on: its own, and the next non-blank lines that
    continue it (the narrative reader joins a sentence broken over lines and blank lines)."""
    out = [claim.line]
    for n in range(claim.line + 1, min(len(lines), claim.line + SENTENCE_SPAN) + 1):
        text = lines[n - 1].strip()
        if not text:
            continue
        if text[:8] not in claim.sentence:
            break
        out.append(n)
    return out


# ---------------------------------------------------------------------------
# Reading back: does the re-issued text read as the sample, amounts times the factor?
# ---------------------------------------------------------------------------


def differences(base: Report, reissued: Report, factor: int, shift: int,
                rename: Callable[[str], str]) -> list[str]:
    """Where ``reissued`` does not read as ``base`` with its amounts times ``factor``, its years
    ``shift`` later and its names through ``rename``; empty when it does."""
    out: list[str] = []
    for path, old, new, owner, name in _pairs(base, reissued, "report"):
        if name == "fiscal_year" or name in YEAR_FIELDS.get(type(owner), ()):
            want: Any = old + shift
        elif name in EITHER_FIELDS.get(type(owner), ()) and new in (old, old * factor):
            want = new
        elif name == "publication_date" and old:
            want = f"{int(old[:4]) + shift}{old[4:]}"
        elif isinstance(old, str):
            want = new if name in TEXT_FIELDS else rename(old)
        elif old is not None and _is_amount(owner, name):
            want = old * factor
        else:
            want = old
        if want != new:
            out.append(f"{path}: expected {want!r}, read {new!r}")
    return out


def _is_amount(owner: object, name: str) -> bool:
    if isinstance(owner, Indicator):
        # what the row's explanation and its table's goal restate (performance/notes.py,
        # goals.py) is in the row's unit, and scaled with it
        target = name in ("target_value", "note_target", "goal_value")
        unit = owner.target_unit if target else owner.actual_unit
        return name in ("target_value", "actual_value", "note_actual", "note_target",
                        "goal_value") and unit in CURRENCY
    return name in AMOUNT_FIELDS.get(type(owner), ())


def _pairs(old: Any, new: Any, path: str) -> Iterator[tuple[str, Any, Any, Any, str]]:
    """(path, old value, new value, owning record, field name) of every scalar field; a list
    of another length or a record of another type is one pair (its length, its type)."""
    if type(old) is not type(new):
        yield path, type(old).__name__, type(new).__name__, None, "type"
        return
    for f in dataclasses.fields(old):
        a, b = getattr(old, f.name), getattr(new, f.name)
        where = f"{path}.{f.name}"
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                yield where, len(a), len(b), None, "length"
                continue
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                if dataclasses.is_dataclass(x):
                    yield from _pairs(x, y, f"{where}[{i}]")
                else:
                    yield f"{where}[{i}]", x, y, old, f.name
        elif dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
            yield from _pairs(a, b, where)
        else:
            yield where, a, b, old, f.name


__all__ = ["AMOUNT_FIELDS", "CURRENCY", "Roles", "differences", "read_roles"]
