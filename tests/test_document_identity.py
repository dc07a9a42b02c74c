"""A document is its unit, scope, year and kind, and nothing is overwritten silently: the six
Shanghai reports and the five samples are eleven documents; a second file that claims a stored
document is refused naming both files (accepted with --replace); a file that would replace a
report with far less is refused with both counts (accepted with --force)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fiscal_kg.cli import main
from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore
from loaders.pipeline import load_report
from loaders.rdf import report_graph, report_nquads
from loaders.vocab import CODE, FKG, document_iri, report_document_iri, unit_iri

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "samples" / "realworld"
SAMPLES = ROOT / "samples" / "reports"
DOC = "https://w3id.org/fiscal-kg/id/doc/"

ELEVEN = {
    ("上海市普陀区财政局", "department", 2024, "final-account"),
    ("上海市普陀区司法局", "department", 2026, "budget"),
    ("上海市普陀区人民政府万里街道办事处", "department", 2024, "budget"),
    ("上海市普陀区人民政府办公室", "department", 2025, "budget"),
    ("上海市普陀区商务委员会", "unit", 2025, "budget"),
    ("上海市普陀区财政局", "department", 2025, "budget"),
    ("阿图什市社会保险中心", "unit", 2023, "budget"),
    ("乌鲁木齐市社会保险中心", "department", 2023, "final-account"),
    ("克孜勒苏柯尔克孜自治州社会保险中心", None, 2022, "budget"),
    ("苍溪县社会保险事务中心", "unit", 2023, "budget"),
    ("奇台县社会保险管理局", "department", 2024, "budget"),
}

DOCUMENTS = """PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?doc ?name ?scope ?year ?kind ?file WHERE { GRAPH ?doc {
  ?doc a fkg:FiscalDocument ; fkg:unit ?u ; fkg:fiscalYear ?year ; fkg:documentKind ?kind ;
       prov:wasDerivedFrom/fkg:fileName ?file .
  ?u skos:prefLabel ?name .
  OPTIONAL { ?doc fkg:scope ?scope } } }"""


def documents(store: OxigraphStore) -> dict[str, tuple]:
    """graph IRI → (unit, scope key, year, kind key, source file name)."""
    out = {}
    for doc, name, scope, year, kind, file in store.query(DOCUMENTS).rows:
        out[str(doc)] = (str(name), str(scope).rsplit("/", 1)[-1] if scope else None,
                         int(year), str(kind).rsplit("/", 1)[-1], str(file))
    return out


def layout(prefix: str) -> Path:
    return next(next(REALWORLD.glob(f"{prefix}_*")).glob("*.layout.txt"))


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def eleven(tmp_path_factory: pytest.TempPathFactory):
    """The six Shanghai layout texts and the five samples loaded into one fresh store."""
    store = OxigraphStore(tmp_path_factory.mktemp("identity") / "store")
    files = sorted(REALWORLD.glob("*/*.layout.txt")) + sorted(SAMPLES.glob("*.txt"))
    summary = load_paths(store, files, workers=1, quiet=True)
    yield store, summary
    store.close()


def test_eleven_files_are_eleven_documents(eleven) -> None:
    store, summary = eleven
    assert [p.error for p in summary.failed] == []
    docs = documents(store)
    assert len(docs) == 11
    assert {d[:4] for d in docs.values()} == ELEVEN
    assert all(doc.startswith(DOC) for doc in docs)


def test_same_bureau_two_years_and_kinds_are_two_documents(eleven) -> None:
    store, _ = eleven
    docs = documents(store)
    czj = {doc: d for doc, d in docs.items() if d[0] == "上海市普陀区财政局"}
    assert sorted((d[2], d[3], d[4]) for d in czj.values()) == [
        (2024, "final-account", "上海市普陀区财政局2024年度部门决算.layout.txt"),
        (2025, "budget", "上海市普陀区财政局部门25年预算.layout.txt"),
    ]
    unit = str(unit_iri("上海市普陀区财政局"))
    hashed = unit.rsplit("/", 1)[-1]
    assert sorted(czj) == [f"{DOC}{hashed}/2024/department/final",
                           f"{DOC}{hashed}/2025/department/budget"]


def test_the_pdf_of_a_stored_text_is_the_same_document_and_refused(eleven) -> None:
    store, _ = eleven
    pdf = next(next(REALWORLD.glob("12_*")).glob("*.pdf"))
    summary = load_paths(store, [pdf], workers=1, quiet=True)
    assert summary.loaded == [] and len(summary.failed) == 1
    error = summary.failed[0].error or ""
    assert error.startswith(f"{pdf}: refused: it reads as the same document "
                            "(上海市普陀区商务委员会, unit, 2025, budget; ")
    assert "'上海市普陀区商务委员会单位25年预算.layout.txt'" in error
    assert len(documents(store)) == 11


def test_iri_carries_the_scope_and_says_when_unstated() -> None:
    dept = document_iri("某某局", 2025, "budget", "department")
    unit = document_iri("某某局", 2025, "budget", "unit")
    unstated = document_iri("某某局", 2025, "budget", None)
    assert len({dept, unit, unstated}) == 3
    assert str(dept).endswith("/2025/department/budget")
    assert str(unit).endswith("/2025/unit/budget")
    assert str(unstated).endswith("/2025/unstated/budget")
    assert document_iri("某某 局", 2025, "budget", "unit") == unit  # deterministic, NFKC


def test_scope_triple_in_both_sinks() -> None:
    report = load_report(layout("12"))
    doc = report_document_iri(report)
    scope = CODE["document-scopes/unit"]
    assert (doc, FKG.scope, scope) in report_graph(report)
    text, _ = report_nquads(report)
    assert f"<{doc}> <{FKG.scope}> <{scope}> <{doc}> .\n" in text
    unstated = load_report(sample("002"))  # "2022 年预算公开": no scope stated
    assert str(report_document_iri(unstated)).endswith("/2022/unstated/budget")
    assert not list(report_graph(unstated).triples((None, FKG.scope, None)))
    assert f"<{FKG.scope}>" not in report_nquads(unstated)[0]


def _load(store: Path, *args: str) -> int:
    return main(["load", "--store", str(store), "--workers", "1", *args])


def test_another_file_claiming_a_stored_document_is_refused_and_replace_allows_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    original = sample("004")
    assert _load(store, str(original)) == 0
    corrected = tmp_path / "奇台县社保局2024年部门预算（更正）.txt"
    shutil.copy(original, corrected)
    other = sample("000")
    capsys.readouterr()
    assert _load(store, str(corrected), str(other)) == 1  # refused; the other file still loads
    out, err = capsys.readouterr()
    refused = [line for line in err.splitlines() if "refused" in line]
    assert len(refused) == 1
    assert refused[0].startswith(f"{corrected}: refused")
    assert f"'{original.name}'" in refused[0] and "--replace" in refused[0]
    assert "奇台县社会保险管理局, department, 2024, budget" in refused[0]
    assert "loaded 1 report(s), 1 failed" in out
    with OxigraphStore(store) as s:
        files = sorted(d[4] for d in documents(s).values())
    assert files == sorted([original.name, other.name])
    assert _load(store, "--replace", str(corrected)) == 0
    with OxigraphStore(store) as s:
        files = sorted(d[4] for d in documents(s).values())
    assert files == sorted([corrected.name, other.name])


def test_two_files_of_one_run_claiming_one_document(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(sample("002"), first)
    shutil.copy(sample("002"), second)
    assert _load(tmp_path / "store", "--replace", str(first), str(second)) == 1
    out, err = capsys.readouterr()
    assert f"{second}: refused: '{first}' in this same load" in err
    assert "loaded 1 report(s), 1 failed" in out


def test_far_less_is_refused_with_both_counts_and_force_allows_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    original = sample("004")
    full = load_report(original)
    tables, facts = len(full.tables), sum(len(t.facts) for t in full.tables)
    assert (tables, facts) == (9, 272)  # the sample's nine tables, every amount cell
    assert _load(store, str(original)) == 0
    truncated = tmp_path / original.name  # the same file name, cut after its first tables' title
    text = original.read_text(encoding="utf-8")
    truncated.write_text(text[: text.index("第二部分")], encoding="utf-8")
    capsys.readouterr()
    assert _load(store, str(truncated)) == 1
    err = capsys.readouterr().err
    assert f"{truncated}: refused: it would replace the stored report" in err
    assert f"({tables} tables, {facts} facts) with far less (0 tables, 0 facts)" in err
    assert "--force" in err
    with OxigraphStore(store) as s:
        assert store_facts(s) == facts
    assert _load(store, "--force", str(truncated)) == 0
    with OxigraphStore(store) as s:
        assert store_facts(s) == 0


def store_facts(store: OxigraphStore) -> int:
    rows = store.query("PREFIX fkg: <https://w3id.org/fiscal-kg/def#> "
                       "SELECT (COUNT(?f) AS ?n) WHERE { GRAPH ?g { ?f a fkg:AmountFact } }").rows
    return int(str(rows[0][0]))
