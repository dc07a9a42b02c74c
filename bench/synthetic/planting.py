"""Planted errors at the text level: one printed number edited, and the rule that must catch it.

Where each kind can be planted comes from the loader's reading of the sample; the printed number
is found on its line and must be the only one there with its value (else the edit could hit
another cell). A planted edit may rightly break more than its own rule: a parent cell is also a
row's total, a tie to another table, a code the narrative restates. Every rule that can fire
that way cites the edited line (as its line or among its ``lines``), so the check can tell
such a cascade from an unexpected finding. The few rules that would not cite it are kept out of
reach by the choice of targets:

* no target on a line the sample's own findings involve (the edit could hide or change them);
* a narrative code amount only where its section states no share (it could be that share's base,
  and NARR-SHARE cites no base line);
* parents and 合计 rows only without a line item (ARITH-LINE-ITEMS cites no lines, and line
  items are the share bases);
* no cell of a table whose columns the loader placed by its sums (``columns-realigned``): an
  edit there can change where other cells are read;
* at most one target per table and per code, so two edits can never cancel out;
* an edited share is one no amount of the report could be the base of (NARR-SHARE accepts a
  share that fits any of several bases, so an edit could otherwise land on another one's), and
  an edited code amount is none of that code's cells (NARR-CODE-AMOUNT accepts any of them);
* a growth rate only where rounding cannot move it by a tenth, even with the trailing zeros a
  decimal literal drops (a change of 0.20 reads as 0.2 ± 0.05).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from bench.synthetic.numbers import Printed, key_of, key_of_value, unit_of
from bench.synthetic.reading import sentence_lines
from bench.synthetic.reissue import Edits, Sample
from loaders.model import Claim, Fact, Report, Table

RULE_OF = {
    "table-parent": "ARITH-PARENT-SUM",
    "table-total": "ARITH-TOTAL-ROW",
    "claim-code-amount": "NARR-CODE-AMOUNT",
    "claim-share": "NARR-SHARE",
    "claim-growth": "NARR-GROWTH",
}
KINDS = tuple(RULE_OF)
AMOUNT_KINDS = frozenset({"table-parent", "table-total", "claim-code-amount"})
YUAN = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10_000), "亿元": Decimal(10**8)}
REALIGNED = frozenset({"columns-realigned", "column-count-mismatch"})  # load warnings
MIN_UNITS = 100  # an amount a share or rate is of must print at least this many last-digit units
MAX_SPREAD = Decimal("0.1")  # a growth rate edited must stand out of what rounding allows


@dataclass(frozen=True)
class Target:
    kind: str
    line: int  # where the rule reports it (the cell's or the claim's line)
    edit_line: int  # where the number is printed (a sentence may go on over several lines)
    printed: Printed
    group: str  # "table N" for cells: one edit per table
    code: str | None = None
    # values an edit must not land on, with a margin: (percent, margin) for a share; for a code
    # amount, (cell, margin) in the claim's units at factor 1
    avoid: tuple[tuple[Decimal, Decimal], ...] = ()
    growth_of: tuple[Decimal, Decimal, str] | None = None  # amount, change, amount as printed

    @property
    def rule(self) -> str:
        return RULE_OF[self.kind]

    def value(self, factor: int, rng: random.Random) -> Decimal | None:
        """The edited value: an amount (already times ``factor``) plus 100–999 units of its last
        digit, far beyond any rounding; a percent cut by 30–60 % of itself, clear of ``avoid``
        (None when no cut is)."""
        unit = unit_of(self.printed.text)
        value = Decimal(self.printed.key)
        if self.kind in AMOUNT_KINDS:
            for _ in range(20):
                new = value * factor + unit * rng.randint(100, 999)
                if all(abs(new - cell * factor) > margin for cell, margin in self.avoid):
                    return new
            return None
        if self.growth_of is not None and _spread(*self.growth_of, factor) > MAX_SPREAD:
            return None  # rounding alone could move the rate by a tenth
        for _ in range(20):
            new = value - max((value * rng.randint(30, 60) / 100).quantize(unit), 3 * unit)
            # a whole number ("46.00") reads as one that may have lost its decimals: ± 0.5
            whole = new == new.to_integral_value() and unit < 1
            margin = 2 * loose_half(new)
            if not whole and all(abs(new - share) > m + margin for share, m in self.avoid):
                return new
        return None


def targets(sample: Sample, avoid: set[int]) -> dict[str, list[Target]]:
    """Where each kind can be planted in ``sample``, lines in ``avoid`` left out."""
    report = sample.report
    out: dict[str, list[Target]] = {kind: [] for kind in KINDS}
    by_sums = [w.line for w in report.warnings if w.code in REALIGNED and w.line is not None]
    for index, table in enumerate(report.tables):
        if any(table.line <= n <= table.end_line for n in by_sums):
            continue  # read by its sums: an edit could move other cells
        for fact in table.facts:
            kind = _cell_kind(fact, table)
            printed = _only(sample, fact.line, key_of(fact.raw), percent=False)
            if kind and printed and fact.line not in avoid:
                out[kind].append(Target(kind, fact.line, fact.line, printed, f"table {index}",
                                        fact.code))
    table_codes = {f.code for t in report.tables for f in t.facts if f.code}
    bases = _bases(report)
    shared = {c.section for c in report.claims if c.share is not None and not c.share_of}
    for claim in report.claims:
        if claim.line in avoid:
            continue
        for kind, value, percent in _claim_kinds(claim, table_codes, shared):
            target = _claim_target(sample, claim, kind, value, percent)
            if target is not None and kind == "claim-share":
                target = replace(target, avoid=_shares(claim, target.printed, bases))
            if target is not None and kind == "claim-code-amount":
                target = replace(target, avoid=_cells(claim, report))
            if target is not None and kind == "claim-growth":
                assert claim.amount is not None and claim.change is not None
                target = replace(target, growth_of=(claim.amount, claim.change, claim.raw))
            if target is not None:
                out[kind].append(target)
    return out


def _yuan(amount: Decimal, raw: str, currency: str) -> tuple[Decimal, Decimal]:
    """An amount in yuan, and half a unit of its last printed digit relative to it."""
    scale = YUAN.get(currency, Decimal(1))
    half = unit_of(raw) / 2 if raw else Decimal("0.005")
    return amount * scale, half / abs(amount)


def _bases(report: Report) -> list[tuple[Decimal, Decimal]]:
    """Every amount the report states (cells and narrative), in yuan, with its rounding."""
    out = {_yuan(f.amount, f.raw, t.currency) for t in report.tables for f in t.facts if f.amount}
    out |= {_yuan(c.amount, c.raw, c.currency) for c in report.claims if c.amount}
    return sorted(out)


def _shares(claim: Claim, printed: Printed, bases: list[tuple[Decimal, Decimal]]
            ) -> tuple[tuple[Decimal, Decimal], ...]:
    """The share of ``claim`` in each stated amount, with how far rounding lets it move."""
    assert claim.amount is not None
    amount, rel = _yuan(claim.amount, claim.raw, claim.currency)
    unit = unit_of(printed.text)
    return tuple(
        (amount / base * 100, amount / base * 100 * (rel + base_rel) + 2 * unit)
        for base, base_rel in bases if base > 0
    )


def _cells(claim: Claim, report: Report) -> tuple[tuple[Decimal, Decimal], ...]:
    """The cells of the claim's code in the claim's currency, each with a margin of a unit."""
    scale = YUAN.get(claim.currency, Decimal(1))
    unit = unit_of(claim.raw) if claim.raw else Decimal("0.01")
    return tuple(
        (f.amount * YUAN.get(t.currency, Decimal(1)) / scale, 2 * unit)
        for t in report.tables for f in t.facts if f.code == claim.code
    )


def _cell_kind(fact: Fact, table: Table) -> str | None:
    """"table-parent" for a coded row with sub-items in its column, "table-total" for a plain
    合计 row with coded rows in its column (else the rule has nothing to add up)."""
    if fact.project or fact.line_item:
        return None
    column = [f for f in table.facts
              if f is not fact and f.column == fact.column and f.side == fact.side and f.code]
    code = fact.code
    if code and any(not f.project and f.code.startswith(code) and len(f.code) == len(code) + 2
                    for f in column):
        return "table-parent"
    if fact.is_total and not code and column:
        return "table-total"
    return None


def _claim_kinds(claim: Claim, codes: set[str], shared: set[str | None]
                 ) -> Iterable[tuple[str, Decimal, bool]]:
    amount, change = claim.amount, claim.change
    if amount is None or not _precise(amount, claim.raw):
        return
    plain = claim.share is None and change is None and claim.growth_rate is None
    if plain and claim.code in codes and claim.section not in shared:
        yield "claim-code-amount", amount, False
    if claim.share is not None and amount:
        yield "claim-share", claim.share, True
    rate = claim.growth_rate
    if rate is not None and change and amount != change and _precise(amount - change, claim.raw):
        yield "claim-growth", rate, True


def loose_half(value: Decimal) -> Decimal:
    """Half a unit of the last digit ``value`` shows once trailing zeros are dropped, as a
    decimal literal drops them (0.20 reads as 0.2: ± 0.05), at most 0.5."""
    return min(Decimal("0.5"), unit_of(format(value.normalize(), "f")) / 2)


def _spread(amount: Decimal, change: Decimal, raw: str, factor: int) -> Decimal:
    """How far, relatively, rounding lets change / (amount − change) move at ``factor``."""
    a, c = amount * factor, change * factor
    half_a, half_c = unit_of(raw) / 2, loose_half(c)
    prior = abs(a - c)
    return half_c / abs(c) + (half_a + half_c) / prior if prior and c else Decimal(1)


def _precise(value: Decimal, raw: str) -> bool:
    """The amount is large against its rounding, so a share or rate of it is sharp."""
    unit = unit_of(raw) if raw else Decimal("0.01")
    return abs(value) >= MIN_UNITS * unit


def _claim_target(sample: Sample, claim: Claim, kind: str, value: Decimal, percent: bool
                  ) -> Target | None:
    key = key_of(claim.raw) if kind == "claim-code-amount" and claim.raw else key_of_value(value)
    for n in sentence_lines(sample.lines, claim):
        printed = _only(sample, n, key, percent)
        if printed is not None:
            if percent and Decimal(printed.key) < 10 * unit_of(printed.text):
                return None  # too few digits to cut it clearly
            return Target(kind, claim.line, n, printed, "claims", claim.code)
    return None


def _only(sample: Sample, line: int, key: str | None, percent: bool) -> Printed | None:
    """The one number on ``line`` printed with value ``key`` (a percent or not); None when there
    is none or more than one."""
    same = [p for p in sample.numbers.get(line, ()) if p.key == key and p.percent == percent]
    return same[0] if len(same) == 1 else None


def plant(options: dict[str, list[Target]], errors: int, factor: int, rng: random.Random
          ) -> tuple[list[Target], Edits]:
    """Pick up to ``errors`` targets (different kinds first, then any), no two on one line, in
    one table or for one code; and the edits that plant them."""
    chosen: list[Target] = []
    edits: Edits = {}
    kinds = [k for k in KINDS if options.get(k)]
    rng.shuffle(kinds)
    for kind in kinds * errors:
        if len(chosen) >= errors:
            break
        free = [t for t in options[kind] if not any(_clash(t, c) for c in chosen)]
        rng.shuffle(free)
        for target in free:
            value = target.value(factor, rng)
            if value is not None:
                chosen.append(target)
                edits[(target.edit_line, target.printed.start)] = value
                break
    return chosen, edits


def _clash(a: Target, b: Target) -> bool:
    return (
        a.line in (b.line, b.edit_line)
        or a.edit_line in (b.line, b.edit_line)
        or (a.group == b.group != "claims")
        or (a.code is not None and a.code == b.code)
    )


__all__ = ["KINDS", "RULE_OF", "Target", "plant", "targets"]
