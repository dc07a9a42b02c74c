"""A sample's text re-issued for another unit and year, its amounts times a factor, with edits.

Only numbers change, each in place and printed in its own style, and only names change besides,
so every line keeps its number and every finding its line. Which printed numbers are amounts
comes from the loader's reading of the sample (``reading.read_roles``); whether a re-issue reads
back as intended is checked by loading it (``reads_back``), not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from bench.synthetic.numbers import Printed, find_numbers, in_style, replace_spans
from bench.synthetic.reading import Roles, differences, read_roles
from loaders.model import Report

Edits = dict[tuple[int, int], Decimal]  # (line, offset of the printed number) -> value to print


@dataclass(frozen=True)
class Sample:
    path: Path
    lines: tuple[str, ...]  # the decoded text split at "\n" (line endings kept as they are)
    report: Report  # the loader's reading (not to be mutated)
    roles: Roles
    numbers: dict[int, tuple[Printed, ...]]  # 1-based line -> the numbers it prints

    @property
    def name(self) -> str:
        return self.path.name


@cache
def load_sample(path: Path) -> Sample:
    from loaders.pipeline import load_report
    from loaders.readers import decode_report

    report = load_report(path)
    lines = decode_report(path.read_bytes(), str(path)).split("\n")
    roles = read_roles(report, lines)
    numbers = {}
    for n, line in enumerate(lines, 1):
        found = find_numbers(line, roles.split_forms.get(n, ()))
        if found:
            numbers[n] = tuple(found)
    return Sample(path, tuple(lines), report, roles, numbers)


def reissue(sample: Sample, unit: str, shift: int, factor: int, edits: Edits | None = None) -> str:
    """The sample's text for ``unit``, its years ``shift`` later, its amounts times ``factor``,
    and the numbers at ``edits`` printed as the values given there."""
    edits = edits or {}
    lines = list(sample.lines)
    for n, printed in sample.numbers.items():
        amounts = sample.roles.amounts.get(n, set())
        changes = []
        for p in printed:
            new = None
            if (n, p.start) in edits:
                new = in_style(p.text, edits[(n, p.start)])
            elif factor != 1 and sample.roles.is_amount(n, p):
                new = in_style(p.text, Decimal(p.key) * factor)
            elif shift and p.year and p.key not in amounts:
                new = str(int(p.text) + shift)
            if new is not None and new != p.text:
                changes.append((p.start, p.end, new))
        if changes:
            lines[n - 1] = replace_spans(lines[n - 1], changes)
    return _rename(sample, unit, "\n".join(lines))


def renamer(sample: Sample, unit: str, shift: int):  # -> Callable[[str], str]
    """How a name the sample prints reads in the re-issue: unit replaced, years shifted."""

    def rename(text: str) -> str:
        changes = [(p.start, p.end, str(int(p.text) + shift)) for p in find_numbers(text) if p.year]
        return _rename(sample, unit, replace_spans(text, changes))

    return rename


def _rename(sample: Sample, unit: str, text: str) -> str:
    """The unit's name replaced; so are the other forms of it the report prints as names
    (奇台县社会保险中心 in 奇台县社会保险管理局's report: loaders/narrative/names.py) that open with
    the part of the name the new one replaces, so they stay forms of the new unit's name."""
    base = sample.report.unit_name
    text = text.replace(base, unit)
    tag = next((k for k in range(len(base) + 1) if unit[k:] == base[k:]), len(base))
    for mention in sample.report.name_mentions:
        name = mention.name
        if mention.relation != "other-body" and tag < len(name) and name[:tag] == base[:tag]:
            text = text.replace(name, unit[:tag] + name[tag:])
    return text


def reads_back(sample: Sample, unit: str, shift: int, factor: int) -> list[str]:
    """How the re-issue (no edits) reads differently from the sample scaled: empty when every
    amount reads as the sample's times ``factor`` and every other number, code, line and name
    as the sample's (renamed)."""
    from loaders.pipeline import load_text

    text = reissue(sample, unit, shift, factor)
    try:
        again = load_text(text, f"reissued/{sample.name}", "")
    except ValueError as exc:
        return [f"does not load: {exc}"]
    return differences(sample.report, again, factor, shift, renamer(sample, unit, shift))


__all__ = ["Edits", "Sample", "load_sample", "reads_back", "reissue", "renamer"]
