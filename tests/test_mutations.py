"""Mutation test: change one printed number of a sample at a time and see a Violation appear.

A seeded RNG picks, from the facts and claims the loader finds, table cells, narrative amounts
and stated percentages; the test edits the text itself (a cell +1.00…9.99, an amount
+1.00…9.99, a percentage ±0.50…3.00), reloads it, validates, and counts the mutation caught when
a Violation that the unchanged report does not have points at the changed line, at a line of the
same table, or lists the changed line among the lines of its identity. At least 95% are caught.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import Finding, load_into, validate
from loaders.pipeline import load_report

D = Decimal
PER_SAMPLE = {"000": 14, "001": 10, "002": 14, "003": 14, "004": 14}  # 66 in all


@dataclass(frozen=True)
class Mutation:
    sample: str
    kind: str  # cell | amount | percent
    line: int
    old: str
    new: str
    span: tuple[int, int]  # table lines (cells), else the line itself

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        target = lines[self.line - 1]
        assert target.count(self.old) >= 1
        if self.kind == "cell":
            fields = target.split("\t")
            fields = [self.new if f.strip() == self.old else f for f in fields]
            lines[self.line - 1] = "\t".join(fields)
        else:
            lines[self.line - 1] = target.replace(self.old, self.new, 1)
        return "\n".join(lines)


def _plus(raw: str, delta: D) -> str:
    value = D(raw.replace(",", "")) + delta
    return f"{value:,.2f}" if "," in raw else f"{value:.2f}"


def _candidates(path: Path, rng: random.Random) -> list[Mutation]:
    sample = path.name[:3]
    text = path.read_text(encoding="utf-8").split("\n")
    report = load_report(path)
    out: list[Mutation] = []
    for table in report.tables:
        for fact in table.facts:
            fields = [f.strip() for f in text[fact.line - 1].split("\t")]
            if re.fullmatch(r"[\d,]+\.\d{2}", fact.raw) and fields.count(fact.raw) == 1:
                delta = D(rng.randint(100, 999)) / 100
                out.append(Mutation(sample, "cell", fact.line, fact.raw, _plus(fact.raw, delta),
                                    (table.line, table.end_line)))
    codes = {f.code for t in report.tables for f in t.facts if f.code}
    items = {f.line_item for t in report.tables for f in t.facts if f.line_item}
    for claim in report.claims:
        line = text[claim.line - 1]
        checkable = (claim.share is not None or claim.growth_rate is not None
                     or claim.code in codes or claim.item in items)
        raw = claim.raw
        if (claim.amount is not None and checkable and re.fullmatch(r"[\d,]+\.\d{2}", raw)
                and line.count(raw) == 1):
            delta = D(rng.randint(100, 999)) / 100
            out.append(Mutation(sample, "amount", claim.line, raw, _plus(raw, delta),
                                (claim.line, claim.line)))
        for value in (claim.share, claim.growth_rate):
            if value is None:
                continue
            printed = f"{abs(value)}%"
            if line.count(printed) != 1 or abs(value) in (0, 100):
                continue
            step = D(rng.randint(50, 300)) / 100
            places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
            new = abs(value) + step if abs(value) < 50 else abs(value) - step
            out.append(Mutation(sample, "percent", claim.line, printed,
                                f"{new:.{places}f}%", (claim.line, claim.line)))
    return out


def _mutations(paths: list[Path]) -> list[Mutation]:
    rng = random.Random(20240601)
    chosen: list[Mutation] = []
    for path in paths:
        pool = _candidates(path, rng)
        chosen += rng.sample(pool, k=min(PER_SAMPLE[path.name[:3]], len(pool)))
    return chosen


def _violations(path: Path) -> set[tuple[str, int | None, str]]:
    store = OxigraphStore()
    load_into(store, [path])
    return {(f.rule, f.line, str(f.found)) for f in validate(store, write_report=False)
            if f.severity == "Violation"}


def _caught(mutation: Mutation, findings: list[Finding], before: set) -> bool:
    lo, hi = mutation.span
    for f in findings:
        if f.severity != "Violation" or (f.rule, f.line, str(f.found)) in before:
            continue
        lines = {int(x) for x in re.findall(r"\d+", f.lines or "")}
        if f.line == mutation.line or mutation.line in lines:
            return True
        if f.line is not None and lo <= f.line <= hi:
            return True
    return False


@pytest.fixture(scope="module")
def outcome(sample_paths: list[Path], tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("mutations")
    before = {p.name[:3]: _violations(p) for p in sample_paths}
    by_name = {p.name[:3]: p for p in sample_paths}
    results = []
    for i, m in enumerate(_mutations(sample_paths)):
        source = by_name[m.sample]
        target = workdir / f"{i:03d}_{source.name}"
        target.write_text(m.apply(source.read_text(encoding="utf-8")), encoding="utf-8")
        store = OxigraphStore()
        load_into(store, [target])
        found = validate(store, write_report=False)
        results.append((m, _caught(m, found, before[m.sample])))
    return results


def test_enough_mutations_of_each_kind(outcome) -> None:
    kinds = [m.kind for m, _ in outcome]
    assert len(outcome) >= 60
    assert {k: kinds.count(k) > 5 for k in ("cell", "amount", "percent")} == {
        "cell": True, "amount": True, "percent": True}


def test_at_least_95_percent_caught(outcome) -> None:
    missed = [m for m, caught in outcome if not caught]
    rate = 1 - len(missed) / len(outcome)
    assert rate >= 0.95, missed
