"""`fiscal-kg load --validate`: the workers check each report while loading it, and the store's
validation report ends up as `fiscal-kg validate` would write it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from validation_models import claim, document, fact, report, table

from fiscal_kg.cli import main
from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import validate
from fiscal_kg.validation.catalogue import catalogue, rules_of_scope
from fiscal_kg.validation.merge import merge_loaded
from fiscal_kg.validation.per_report import ReportValidator
from fiscal_kg.validation.shapes import load_shapes
from loaders.rdf import report_nquads

RESULTS = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
SELECT ?rule ?line ?doc WHERE { GRAPH <https://w3id.org/fiscal-kg/graph/validation> {
  ?r a <http://www.w3.org/ns/shacl#ValidationResult> ; fkg:ruleId ?rule ; fkg:document ?doc .
  OPTIONAL { ?r fkg:sourceLine ?line } } }"""
CONFORMS = """SELECT ?c WHERE { GRAPH <https://w3id.org/fiscal-kg/graph/validation> {
  ?r <http://www.w3.org/ns/shacl#conforms> ?c } }"""


def _results(store: OxigraphStore) -> list[tuple[str, int | None, str]]:
    rows = store.query(RESULTS).rows
    return sorted((str(r), int(line) if line is not None else None, str(d))  # type: ignore[arg-type]
                  for r, line, d in rows)


def test_the_catalogue_matches_the_shapes() -> None:
    shapes = load_shapes()
    found = {r.rule: (r.severity, r.file) for r in shapes.sparql}
    found |= {c.rule: (c.severity, c.file) for c in shapes.core}
    rows = catalogue()
    assert set(rows) == set(found)
    for rule, (severity, file) in found.items():
        assert rows[rule].severity == severity, rule
        assert file.endswith(rows[rule].file), (rule, file)
    assert rules_of_scope("unit") == {"NARR-PRIOR-YEAR"}  # the one rule that reads other reports


def test_in_load_findings_equal_a_full_validation(sample_paths: list[Path], tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as store:
        summary = load_paths(store, sample_paths, workers=2, quiet=True, validate=True)
        assert len(summary.loaded) == 5 and summary.findings is not None
        in_load = sorted(f.sort_key() for f in summary.findings)
        graph = _results(store)
        full = validate(store)  # rewrites the validation graph from scratch
        assert in_load == sorted(f.sort_key() for f in full)
        assert graph == _results(store)
        assert len(in_load) == 90
        # 002 表五 l.218: 20801 基本 352.15 ≠ Σ 303.87 — found by the worker that parsed 002
        parent = [f for f in summary.findings if f.rule == "ARITH-PARENT-SUM" and f.line == 218]
        assert [str(f.found) for f in parent] == ["352.15"]
        assert [str(c) for (c,) in store.query(CONFORMS).rows] == ["false"]


def test_reloading_a_report_replaces_only_its_results(sample_paths: list[Path]) -> None:
    store = OxigraphStore()
    load_paths(store, sample_paths, workers=1, quiet=True, validate=True)
    before = _results(store)
    reloaded = load_paths(store, sample_paths[2:3], workers=1, quiet=True, validate=True,
                          force=True)
    assert reloaded.findings is not None
    doc = reloaded.loaded[0].graph_iri
    assert _results(store) == before  # same report, same results, no duplicates
    assert sorted(r for r in before if r[2] == doc) == sorted(
        (f.rule, f.line, doc) for f in reloaded.findings)
    assert len([r for r in before if r[2] == doc]) == 15  # 002's own findings


def _nquads(r: object) -> str:
    return report_nquads(r)[0]  # type: ignore[arg-type]


def test_prior_year_rule_runs_over_the_store_after_the_load() -> None:
    last = report([table("gpb-expenditure", [fact(246, "207.04", code="2080109")])], year=2022)
    this = report([], [claim(396, "774.29", code="2080109", change=Decimal("557.25"),
                             growth_rate=Decimal("256.75"), basis="prior-year-budget")], year=2023)
    store = OxigraphStore()
    store.ensure_reference_data()
    store.put_reports([(document(last), _nquads(last))])  # loaded earlier
    store.put_reports([(document(this), _nquads(this))])
    own = ReportValidator().validate([(document(this), _nquads(this))])[0]
    assert "NARR-PRIOR-YEAR" not in {f.rule for f in own}  # the worker cannot see last year
    merged = merge_loaded(store, {document(this): own})
    prior = [f for f in merged if f.rule == "NARR-PRIOR-YEAR"]
    assert [(f.line, f.found, f.expected) for f in prior] == [
        (396, Decimal("217.04"), Decimal("207.04"))]
    assert ("NARR-PRIOR-YEAR", 396, document(this)) in _results(store)


def test_two_files_of_one_report_are_checked_apart(sample_paths: list[Path]) -> None:
    text = sample_paths[0].read_text(encoding="utf-8")
    from fiscal_kg.ingest import parse_one

    first = parse_one(str(sample_paths[0]))
    assert first.error is None
    validator = ReportValidator()
    alone = validator.validate([(first.graph_iri, first.nquads)])[0]
    twice = validator.validate([(first.graph_iri, first.nquads)] * 2)
    assert [sorted(f.sort_key() for f in x) for x in twice] == [
        sorted(f.sort_key() for f in alone)] * 2
    assert len(alone) == 7 and text  # 000's own findings


def test_load_validate_on_the_command_line(sample_paths: list[Path], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["load", "--store", str(tmp_path / "s"), "--validate", *map(str, sample_paths)])
    out = capsys.readouterr().out
    assert code == 1  # loaded, but Violations found (as `fiscal-kg validate` exits)
    assert "loaded 5 report(s), 0 failed" in out
    assert ("validated 5 report(s) now: 22 Violation, 32 Warning, 36 Info; the store holds "
            "22 Violation, 32 Warning, 36 Info over 5 report(s)") in out


def test_load_validate_on_a_remote_store_wants_both_endpoints(
        sample_paths: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    # refused before anything is sent (nothing listens on port 9); with both it works
    # (tests/test_remote_validation.py)
    for remote in (["--endpoint", "http://127.0.0.1:9/query"],
                   ["--gsp", "http://127.0.0.1:9/crud"]):
        assert main(["load", *remote, "--validate", str(sample_paths[0])]) == 2
        assert "give --endpoint URL and --update-endpoint URL" in capsys.readouterr().err


def test_a_report_that_cannot_be_validated_is_still_loaded(
    sample_paths: list[Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: ReportValidator, reports: object) -> list:
        raise ValueError("no shapes today")

    store = OxigraphStore()
    load_paths(store, sample_paths[:1], workers=1, quiet=True, validate=True)
    assert len(_results(store)) == 7  # 000's findings, from a first load
    monkeypatch.setattr(ReportValidator, "validate", broken)
    summary = load_paths(store, sample_paths[:1], workers=1, quiet=True, validate=True,
                         force=True)
    assert len(summary.loaded) == 1 and not summary.failed  # stored all the same
    assert summary.findings == []
    assert "loaded but not validated (ValueError: no shapes today)" in capsys.readouterr().err
    assert summary.loaded[0].graph_iri in store.graph_names()
    assert _results(store) == []  # the old text's results are gone: they may no longer hold
