"""Model level: the sample reports re-issued for other units and years, with planted errors.

Each synthetic report is a sample report (loaded once through the real pipeline) given a new
unit name and year, its amounts multiplied by a small integer factor, and a known set of errors
planted. Multiplying every printed amount by an integer keeps every sum that held in print exact
and keeps shares and growth rates exactly as printed (a factor like 1 + k/100 would not: rounded
cells no longer add up). Factors stay at 1 or 2 so that sums which only held within rounding
(a 0.01 difference) stay within the rounding bound.

``generate(n, seed)`` streams ``SyntheticReport``s (model objects; ``.graph()`` gives the RDF) and
each one's planted errors as (document IRI, rule id, source line). The text-level corpus (files
that go through the loaders, for the bench) is ``bench.synthetic.corpus``.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from rdflib import Graph

from bench.synthetic.planting import KINDS, RULE_OF
from loaders import vocab
from loaders.model import Claim, Fact, Report
from loaders.rdf import report_graph
from loaders.resources import resource_dir

Planted = tuple[str, str, int]  # (document IRI, rule id, source line)
FACTORS = (1, 2)


@dataclass
class SyntheticReport:
    report: Report
    document: str
    source: str  # the sample it was made from
    factor: int
    planted: list[Planted] = field(default_factory=list)

    def graph(self) -> Graph:
        return report_graph(self.report)


def sample_paths() -> list[Path]:
    return sorted((resource_dir("samples") / "reports").glob("*.txt"))


@cache
def _load(path: str) -> Report:
    from loaders.pipeline import load_report

    return load_report(path)


def _scaled(value: Decimal | None, factor: int) -> Decimal | None:
    return None if value is None else value * factor


def _raw(value: Decimal) -> str:
    return f"{value:,.2f}"


def _rescale(report: Report, factor: int) -> None:
    """Multiply every printed amount (cells, narrative amounts and changes, projects, funding
    lines, budgets) by ``factor``; shares, rates, weights and scores stay as printed."""
    for table in report.tables:
        for fact in table.facts:
            fact.amount = fact.amount * factor
            fact.raw = _raw(fact.amount) if "." in fact.raw else str(fact.amount)
    for claim in report.claims:
        if claim.amount is not None:
            claim.amount = claim.amount * factor
            if claim.raw:
                claim.raw = _raw(claim.amount) if "." in claim.raw else str(claim.amount)
        claim.change = _scaled(claim.change, factor)
    for project in report.projects:
        project.amount = _scaled(project.amount, factor)
    for pt in report.performance:
        pt.budget = _scaled(pt.budget, factor)
        for fl in pt.funding:
            fl.initial_budget = _scaled(fl.initial_budget, factor)
            fl.full_year_budget = _scaled(fl.full_year_budget, factor)
            fl.executed = _scaled(fl.executed, factor)


def _delta(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(100, 999)) / 100  # 1.00 … 9.99


def _bump_fact(fact: Fact, delta: Decimal) -> None:
    fact.amount += delta
    fact.raw = _raw(fact.amount)


def _candidates(report: Report) -> dict[str, list[object]]:
    """Places where each kind of error can be planted and is meant to be caught."""
    codes_by_table: list[tuple[object, set[str]]] = [
        (t, {f.code for f in t.facts if f.code}) for t in report.tables
    ]
    parents: list[object] = []
    totals: list[object] = []
    for table, codes in codes_by_table:
        for fact in table.facts:  # type: ignore[attr-defined]
            if fact.code and not fact.project and any(
                c != fact.code and c.startswith(fact.code) and len(c) == len(fact.code) + 2
                for c in codes
            ):
                parents.append(fact)
            plain = not (fact.code or fact.line_item or fact.project)
            if fact.is_total and plain and codes:
                totals.append(fact)
    code_facts = {(f.code) for t in report.tables for f in t.facts if f.code}
    return {
        "table-parent": parents,
        "table-total": totals,
        "claim-code-amount": [
            c for c in report.claims if c.code in code_facts and c.amount is not None
            and c.share is None and c.change is None
        ],
        "claim-share": [c for c in report.claims if c.share is not None and c.amount],
        "claim-growth": [
            c for c in report.claims
            if c.growth_rate is not None and c.change and c.amount and abs(c.growth_rate) < 500
            and c.amount != c.change
        ],
    }




def _plant(report: Report, kind: str, target: object, rng: random.Random) -> int:
    if isinstance(target, Fact):
        _bump_fact(target, _delta(rng))
        return target.line
    assert isinstance(target, Claim)
    if kind == "claim-code-amount":
        target.amount = (target.amount or Decimal(0)) + _delta(rng)
        target.raw = _raw(target.amount)
    elif kind == "claim-share":
        target.share = (target.share or Decimal(0)) + Decimal(rng.randint(60, 300)) / 100
    elif kind == "claim-growth":
        bump = Decimal(rng.randint(100, 900)) / 100
        rate = target.growth_rate or Decimal(0)
        target.growth_rate = rate - bump if rate < 0 else rate + bump
    return target.line


def synthesize(sample: Path | str, index: int, rng: random.Random, errors: int = 2,
               factor: int | None = None) -> SyntheticReport:
    base = _load(str(sample))
    report = copy.deepcopy(base)
    factor = factor if factor is not None else rng.choice(FACTORS)
    report.unit_name = f"{base.unit_name}（合成{index:05d}）"
    report.fiscal_year = base.fiscal_year + rng.randint(0, 3)
    report.title = report.title.replace(base.unit_name, report.unit_name)
    report.source_path = f"synthetic/{index:05d}_{Path(str(sample)).name}"
    if factor != 1:
        _rescale(report, factor)
    doc = str(vocab.report_document_iri(report))
    out = SyntheticReport(report, doc, str(sample), factor)
    options = _candidates(report)
    kinds = [k for k in KINDS if options[k]]
    used_lines: set[int] = set()
    for kind in rng.sample(kinds, k=min(errors, len(kinds))):
        targets = [t for t in options[kind] if t.line not in used_lines]
        if not targets:
            continue
        target = rng.choice(targets)
        line = _plant(report, kind, target, rng)
        used_lines.add(line)
        out.planted.append((doc, RULE_OF[kind], line))
    return out


def generate(n: int, seed: int = 0, errors: int = 2,
             samples: list[Path] | None = None) -> Iterator[SyntheticReport]:
    """Stream ``n`` synthetic reports (round-robin over the samples), ``errors`` planted in each."""
    rng = random.Random(seed)
    paths = samples or sample_paths()
    for i in range(n):
        yield synthesize(paths[i % len(paths)], i, rng, errors)
