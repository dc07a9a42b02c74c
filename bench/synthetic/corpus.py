"""The text corpus: report files re-issued from the samples, with planted errors, and what
validation must find in each.

``write_corpus(n, directory, seed)`` writes ``n`` files, round-robin over the samples. Each is a
sample's text for another unit (every occurrence of the sample's unit name replaced by a name of
the same length) and a later year, its printed amounts times a factor (``reissue``), and
``errors`` printed numbers edited (``planting``). Its expected findings: the sample's own (real
reports contain real errors; same rule, same line) and one per planted error (the planted rule
at the planted line). Lines never move, so a finding's line means the same in both.

Before any file is written each sample is calibrated, once per process:

* a factor is used for a sample only if the re-issue reads back (loaded) as the sample with every
  amount times the factor and every other number, code, line and name as printed — a printed
  amount that cannot be located unambiguously would fail this;
* and only if the clean re-issue's findings are exactly the sample's own. Scaling multiplies the
  difference of an identity that held only within rounding (21,017.35 printed for 14,652.00 +
  6,365.36), and half a unit of the last digit stays half a unit: such a sample is re-issued at
  the factors where that still holds — factor 1 when none does. The corpus notes say which.
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from bench.synthetic.planting import Target, plant, targets
from bench.synthetic.reissue import Sample, load_sample, reads_back, reissue

ERRORS = 2  # planted per report
FACTORS = (1, 2, 3)
SHIFTS = (1, 2, 3)  # years later than the sample
# Characters a re-issued unit name starts with (its index, base 22): no place name or agency
# word, so the name stays that of no other unit.
TAGS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"

Key = tuple[str, int | None]  # (rule, line)


@dataclass
class CorpusFile:
    name: str  # file name in the corpus directory
    document: str  # IRI of the report (its named graph)
    source: str  # the sample's file name
    unit: str
    year: int
    factor: int
    planted: list[Key] = field(default_factory=list)  # (rule, line) of each planted error
    edited: list[int] = field(default_factory=list)  # lines where planted numbers are printed
    own: list[Key] = field(default_factory=list)  # the sample's own findings (V/W), same lines

    @property
    def expected(self) -> list[Key]:
        return [*self.own, *self.planted]


@dataclass
class Corpus:
    directory: str
    files: list[CorpusFile] = field(default_factory=list)
    factors: dict[str, list[int]] = field(default_factory=dict)  # sample -> factors used
    notes: list[str] = field(default_factory=list)  # factors or samples left out, and why

    @property
    def planted(self) -> int:
        return sum(len(f.planted) for f in self.files)

    def to_json(self) -> dict:
        data = asdict(self)
        for file, record in zip(self.files, data["files"], strict=True):
            record["expected"] = file.expected  # written out for readers of the JSON
        return data

    @classmethod
    def from_json(cls, data: dict) -> Corpus:
        files = [CorpusFile(**_keys_back(f)) for f in data.get("files", [])]
        return cls(data["directory"], files, data.get("factors", {}), data.get("notes", []))


def _keys_back(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k != "expected"}
    for name in ("planted", "own"):
        data[name] = [(rule, line) for rule, line in data.get(name, [])]
    return data


def unit_name(base: str, index: int) -> str:
    """A name for re-issue ``index`` of ``base``: its first characters replaced by the index in
    TAGS, so the name keeps its length (lines keep their width) and its kind of unit."""
    tag = ""
    while True:
        index, digit = divmod(index, len(TAGS))
        tag = TAGS[digit] + tag
        if not index:
            break
    tag = tag.rjust(3, TAGS[0])
    return tag + base[len(tag):] if len(base) >= len(tag) + 2 else base + tag


@dataclass
class Calibrated:
    sample: Sample
    own: list[Key]
    factors: tuple[int, ...]
    options: dict[str, list[Target]]


def write_corpus(n: int, directory: Path, seed: int, errors: int = ERRORS,
                 samples: tuple[Path, ...] | None = None) -> Corpus:
    """Write ``n`` re-issued reports into ``directory``; returns what each one should yield."""
    from bench.synthetic.model import sample_paths
    from loaders.vocab import document_iri

    rng = random.Random(seed)
    ready, notes = calibrate(tuple(Path(p) for p in (samples or sample_paths())))
    corpus = Corpus(str(directory), notes=list(notes))
    corpus.factors = {c.sample.name: list(c.factors) for c in ready}
    for i in range(n):
        c = ready[i % len(ready)]
        base = c.sample.report
        factor, shift = rng.choice(c.factors), rng.choice(SHIFTS)
        unit = unit_name(base.unit_name, i)
        chosen, edits = plant(c.options, errors, factor, rng)
        name = f"{i:05d}_{c.sample.name}"
        (Path(directory) / name).write_text(
            reissue(c.sample, unit, shift, factor, edits), encoding="utf-8"
        )
        year = base.fiscal_year + shift
        corpus.files.append(CorpusFile(
            name, str(document_iri(unit, year, base.kind, base.scope)), c.sample.name, unit,
            year, factor,
            [(t.rule, t.line) for t in chosen], sorted({t.edit_line for t in chosen}), c.own,
        ))
    return corpus


@cache
def calibrate(paths: tuple[Path, ...]) -> tuple[list[Calibrated], tuple[str, ...]]:
    """Each sample with its own findings and the factors its re-issues may use (see the module
    docstring); samples that cannot be re-issued even at factor 1 are left out, with a note.

    Validation runs in two rounds, to validate few reports: the samples with the largest factor
    that reads back, then the smaller factors of the samples whose findings that one changed. A
    factor that keeps the findings keeps them at every smaller factor too (scaling multiplies a
    printed difference; the rounding bound stays), so the first round settles most samples.
    """
    notes: list[str] = []
    samples = [load_sample(p) for p in paths]
    readable = {s.name: [f for f in FACTORS if _reads_back(s, f, notes)] for s in samples}
    found = _validate(samples, {s.name: readable[s.name][-1:] for s in samples}, own=True)
    own = {s.name: found[(s.name, 0)] for s in samples}
    factors = {s.name: _keeping(s.name, readable[s.name][-1:], own, found, notes) for s in samples}
    again = {s.name: readable[s.name][:-1] for s in samples if not factors[s.name]}
    found = _validate([s for s in samples if s.name in again], again, own=False)
    for name, lower in again.items():
        factors[name] = _keeping(name, lower, own, found, notes)
    ready = []
    for sample in samples:
        usable = readable[sample.name] if factors[sample.name] == readable[sample.name][-1:] \
            else factors[sample.name]
        if 1 not in usable:
            notes.append(f"{sample.name}: left out, it cannot be re-issued unchanged")
            continue
        involved = {n for _, _, lines in own[sample.name] for n in lines}
        avoid = involved | set(sample.roles.ambiguous())
        ready.append(Calibrated(sample, _keys(own[sample.name]), tuple(usable),
                                targets(sample, avoid)))
    if not ready:
        raise ValueError("no sample can be re-issued: " + "; ".join(notes))
    return ready, tuple(notes)


def _probe(sample: Sample, factor: int) -> tuple[str, int]:
    """The unit and year shift of a calibration re-issue (a 4-character tag: no corpus file of
    fewer than 10,648 reports has that unit)."""
    return unit_name(sample.report.unit_name, len(TAGS) ** 3 + factor), SHIFTS[-1]


def _reads_back(sample: Sample, factor: int, notes: list[str]) -> bool:
    wrong = reads_back(sample, *_probe(sample, factor), factor)
    if wrong:
        notes.append(f"{sample.name} ×{factor}: not used, it does not read back as the sample "
                     f"times {factor} ({len(wrong)} difference(s), e.g. {wrong[0]})")
    return not wrong


def _keeping(name: str, factors: list[int], own: dict[str, list[Found]],
             found: dict[tuple[str, int], list[Found]], notes: list[str]) -> list[int]:
    """Those of ``factors`` whose clean re-issue has exactly the sample's own findings."""
    out = []
    for factor in factors:
        got, want = Counter(_keys(found[(name, factor)])), Counter(_keys(own[name]))
        if got == want:
            out.append(factor)
            continue
        changed = sorted((got - want) + (want - got), key=str)[:3]
        notes.append(f"{name} ×{factor}: not used, its findings would change "
                     f"({', '.join(f'{r} line {n}' for r, n in changed)}): an identity that "
                     "holds only within rounding no longer does")
    return out


def _validate(samples: list[Sample], factors: dict[str, list[int]], own: bool
              ) -> dict[tuple[str, int], list[Found]]:
    """Findings of the re-issues (sample, factor) — and of the samples themselves, as
    (sample, 0), when ``own`` — validated together, each the report of a unit of its own."""
    from loaders.vocab import document_iri

    docs: dict[str, tuple[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="fiscal-kg-calibrate-") as tmp:
        files = []
        for sample in samples:
            base = sample.report
            if own:
                files.append(sample.path)
                doc = document_iri(base.unit_name, base.fiscal_year, base.kind, base.scope)
                docs[str(doc)] = (sample.name, 0)
            for factor in factors.get(sample.name, []):
                unit, shift = _probe(sample, factor)
                path = Path(tmp) / f"x{factor}_{sample.name}"
                path.write_text(reissue(sample, unit, shift, factor), encoding="utf-8")
                files.append(path)
                doc = document_iri(unit, base.fiscal_year + shift, base.kind, base.scope)
                docs[str(doc)] = (sample.name, factor)
        found = _findings(files) if files else {}
    return {key: found.get(doc, []) for doc, key in docs.items()}


Found = tuple[str, int | None, frozenset[int]]  # rule, line, every line it involves


def _keys(found: list[Found]) -> list[Key]:
    return [(rule, line) for rule, line, _ in found]


def _findings(paths: list[Path]) -> dict[str, list[Found]]:
    """Violations and Warnings by document: the reports loaded and validated together in one
    store as ``fiscal-kg load`` and ``validate`` do, each the report of a unit of its own (no
    rule relates reports of different units)."""
    from fiscal_kg.ingest import load_paths
    from fiscal_kg.store import OxigraphStore
    from fiscal_kg.validation import validate

    out: dict[str, list[Found]] = {}
    with OxigraphStore() as store:
        summary = load_paths(store, paths, workers=2, quiet=True)
        if summary.failed:
            raise ValueError(f"calibration: {summary.failed[0].error}")
        for f in validate(store):
            if f.severity != "Info" and f.document:
                lines = frozenset({f.line, *cited_lines(f.lines)} - {None})
                out.setdefault(f.document, []).append((f.rule, f.line, lines))
    return out


def cited_lines(lines: str | None) -> set[int]:
    """The source lines a finding's ``lines`` lists ("218, 132"); none when it lists something
    else (NARR-LISTED-TOTAL lists labels)."""
    parts = [p.strip() for p in (lines or "").split(",")]
    return {int(p) for p in parts} if all(p.isdigit() for p in parts) else set()


__all__ = ["ERRORS", "FACTORS", "SHIFTS", "Corpus", "CorpusFile", "calibrate", "cited_lines",
           "unit_name", "write_corpus"]
