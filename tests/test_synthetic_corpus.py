"""The text corpus of the bench: samples re-issued with scaled amounts, planted errors, and the
check that validation finds exactly them (bench.synthetic.corpus, bench.check)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from bench.check import check_planted
from bench.synthetic import Corpus, CorpusFile, write_corpus
from bench.synthetic.numbers import find_numbers, in_style, key_of, replace_spans
from loaders.pipeline import load_report
from loaders.vocab import report_document_iri

SAMPLE_000 = "000_f35cf930234f7c72.txt"


def _validated(corpus: Corpus, tmp: Path) -> list[tuple]:
    """Load the corpus and validate it as the bench does; the findings as check rows."""
    from fiscal_kg.ingest import load_paths
    from fiscal_kg.store import OxigraphStore
    from fiscal_kg.validation import validate

    with OxigraphStore(tmp / "store") as store:
        summary = load_paths(store, [corpus.directory], workers=2, quiet=True)
        assert not summary.failed, summary.failed[0].error
        return [(f.document, f.rule, f.line, f.lines, f.severity) for f in validate(store)]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, list[tuple]]:
    directory = tmp_path_factory.mktemp("corpus")
    corpus = write_corpus(10, directory, seed=8)
    return corpus, _validated(corpus, tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, list[tuple]]:
    directory = tmp_path_factory.mktemp("clean")
    corpus = write_corpus(10, directory, seed=8, errors=0)
    return corpus, _validated(corpus, tmp_path_factory.mktemp("store"))


# ---------------------------------------------------------------------------
# Printed numbers
# ---------------------------------------------------------------------------


def test_numbers_keep_their_printed_style() -> None:
    assert in_style("35.5 6", Decimal("35.56") * 2) == "71.1 2"  # split as printed
    assert in_style("17,742.62", Decimal("17742.62") * 3) == "53,227.86"
    assert in_style("908.94", Decimal("908.94") * 3) == "2726.82"
    assert in_style("5", Decimal(15)) == "15"
    assert key_of("17,742.62") == key_of("17742.62") == "17742.62"
    assert key_of("7.00") != key_of("7")  # precision is part of what was printed


def test_numbers_of_a_line() -> None:
    line = "208\t\t\t社会保障和就业支出\t864.45\t35.5 6\t，占 95.07%，2023 年"
    found = find_numbers(line, ["35.5 6"])
    assert [p.text for p in found] == ["208", "864.45", "35.5 6", "95.07", "2023"]
    assert [p.percent for p in found] == [False, False, False, True, False]
    assert found[-1].year and not found[0].year
    # without the loader's word that "35.5 6" is one number, it is two
    assert [p.text for p in find_numbers("35.5 6")] == ["35.5", "6"]


def test_a_wider_number_keeps_right_aligned_columns() -> None:
    line = "合计      908.94     35.56"
    start = line.index("908.94")
    out = replace_spans(line, [(start, start + 6, "2,726.82")])
    assert out.index("35.56") == line.index("35.56") and "2,726.82" in out


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def _scaled_file(corpus: Corpus) -> CorpusFile:
    """A re-issue of sample 000 at a factor above 1 (the seed gives one)."""
    return next(f for f in corpus.files if f.source == SAMPLE_000 and f.factor > 1)


def test_amounts_are_scaled_on_their_lines(planted, sample_paths: list[Path]) -> None:
    corpus, _ = planted
    file = _scaled_file(corpus)
    k = file.factor
    assert 140 not in file.edited and 340 not in file.edited  # the lines read below
    sample = next(p for p in sample_paths if p.name == SAMPLE_000)
    before = sample.read_text(encoding="utf-8").split("\n")
    path = Path(corpus.directory) / file.name
    after = path.read_text(encoding="utf-8").split("\n")
    assert len(after) == len(before)  # lines never move
    # line 140, income table, row 208: 864.45 ... 35.5 6 (printed split) ... 2.35
    assert "\t864.45\t" in before[139] and "\t35.5 6\t" in before[139]
    assert f"\t{in_style('864.45', Decimal('864.45') * k)}\t" in after[139]
    assert f"\t{in_style('35.5 6', Decimal('35.56') * k)}\t" in after[139]
    assert after[139].startswith("208\t")  # the code is not an amount
    report = load_report(path)
    cells = {(f.line, f.column): f.amount for t in report.tables for f in t.facts}
    assert cells[(140, "total")] == Decimal("864.45") * k
    assert cells[(140, "unit-funds")] == Decimal("35.56") * k
    # line 340: 一般公共预算 866.38 万元，占 95.07%，比上年预算增加 560.71 万元，增长 183.44%
    claim = next(c for c in report.claims if c.line == 340 and c.item == "general-public-budget")
    assert (claim.amount, claim.change) == (Decimal("866.38") * k, Decimal("560.71") * k)
    assert (claim.share, claim.growth_rate) == (Decimal("95.07"), Decimal("183.44"))
    assert "95.07%" in after[339] and "183.44%" in after[339]
    # another unit, a later year: the document the corpus records is the one loaded
    assert report.unit_name == file.unit != load_report(sample).unit_name
    assert report.fiscal_year == file.year > 2023
    assert file.document == str(report_document_iri(report))
    staffing = report.profile.staffing
    assert (staffing.authorized, staffing.actual, staffing.retired) == (20, 46, 27)  # counts


def test_rounding_slack_keeps_a_sample_at_factor_1(planted) -> None:
    corpus, _ = planted
    # 003 line 245 prints 21,017.35 = 14,652.00 + 6,365.36 (0.01 off, within rounding):
    # doubled, 0.02 is beyond the rounding bound, so 003 is re-issued unscaled
    assert corpus.factors["003_964a15e45ca13e4e.txt"] == [1]
    assert corpus.factors[SAMPLE_000] == [1, 2, 3]
    assert any("003_964a15e45ca13e4e.txt ×2" in n and "ARITH-ROW-YEAR line 245" in n
               for n in corpus.notes)


def test_identities_hold_without_planted_errors(clean, sample_paths: list[Path]) -> None:
    """Each clean re-issue yields exactly its sample's own findings (validated alone)."""
    from fiscal_kg.validation import validate_files

    corpus, rows = clean
    assert {f.factor for f in corpus.files} > {1}, "no scaled report in the corpus"
    by_doc: dict[str, Counter] = {}
    for doc, rule, line, _, severity in rows:
        if severity != "Info":
            by_doc.setdefault(doc, Counter())[(rule, line)] += 1
    for path in sample_paths:
        own = Counter((f.rule, f.line) for f in validate_files([path]).findings
                      if f.severity != "Info")
        files = [f for f in corpus.files if f.source == path.name]
        assert files and all(not f.planted for f in files)
        for file in files:
            assert by_doc.get(file.document, Counter()) == own, (file.name, file.factor)
            assert Counter(file.own) == own


def test_validation_finds_exactly_the_planted_errors(planted) -> None:
    corpus, rows = planted
    check = check_planted(corpus, rows)
    assert check.planted == 20 and check.found == 20, check.missed
    assert (check.missed, check.unexpected) == ([], [])
    assert check.ok and check.status == "OK"
    assert check.own == sum(len(f.own) for f in corpus.files) > 0


def test_the_check_fails_when_a_finding_goes_or_comes(planted) -> None:
    corpus, rows = planted
    file = corpus.files[0]
    rule, line = file.planted[0]
    without = [r for r in rows if not (r[0] == file.document and r[1] == rule and r[2] == line)]
    check = check_planted(corpus, without)
    assert not check.ok and check.found == 19
    assert check.missed == [f"{file.document} | {rule} | line {line} (planted)"]
    own_rule, own_line = file.own[0]
    gone = next(r for r in rows if r[0] == file.document and (r[1], r[2]) == (own_rule, own_line))
    check = check_planted(corpus, [r for r in rows if r is not gone])
    assert check.missed == [f"{file.document} | {own_rule} | line {own_line} (own)"]
    quiet = next(n for n in range(1, 600) if n not in file.edited
                 and all(r[2] != n for r in rows if r[0] == file.document))
    extra = (file.document, "ARITH-PARENT-SUM", quiet, None, "Violation")
    check = check_planted(corpus, [*rows, extra])
    assert check.unexpected == [f"{file.document} | ARITH-PARENT-SUM | line {quiet}"]
    # the same finding citing an edited line is a cascade of the planted edit: accepted
    caused = (file.document, "XT-TABLE-TIE", quiet, str(file.edited[0]), "Violation")
    assert check_planted(corpus, [*rows, caused]).ok
    stranger = ("https://w3id.org/fiscal-kg/id/doc/0/2030/budget", "X", 1, None, "Warning")
    assert not check_planted(corpus, [*rows, stranger]).ok


def _reading(report) -> set[tuple]:
    cells = {("cell", f.line, f.col_index, f.column, f.code, f.amount)
             for t in report.tables for f in t.facts}
    claims = {("claim", c.line, c.item, c.code, c.amount, c.change, c.share, c.growth_rate)
              for c in report.claims}
    return cells | claims


def test_each_planted_edit_changes_only_its_own_reading(sample_paths: list[Path]) -> None:
    """Edited alone, every target the generator may plant changes what the loader reads on its
    own line(s) only (tables the loader reads by their sums are left out for that reason)."""
    import random

    from bench.synthetic.corpus import calibrate
    from bench.synthetic.reissue import reissue
    from loaders.pipeline import load_text

    ready, _ = calibrate(tuple(sample_paths))
    rng = random.Random(0)
    checked = 0
    for c in ready:
        clean = _reading(c.sample.report)
        for options in c.options.values():
            for target in options:
                value = target.value(1, rng)
                if value is None:
                    continue
                edits = {(target.edit_line, target.printed.start): value}
                text = reissue(c.sample, c.sample.report.unit_name, 0, 1, edits)
                changed = clean ^ _reading(load_text(text, "edited.txt", ""))
                assert changed, (c.sample.name, target)
                assert {x[1] for x in changed} <= {target.line, target.edit_line}, target
                checked += 1
    assert checked > 150
