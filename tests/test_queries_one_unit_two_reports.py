"""A unit with two reports in the store (上海市普陀区财政局: 2024 决算, 01, and 2025 预算, 13):
every named query gives each report's numbers once. The unit's label is stated in each report's
graph, and the union default graph returns it once per graph — a query that read it there
counted every fact twice (195 facts became 390)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from fiscal_kg.ingest import load_paths
from fiscal_kg.queries import named_queries, run
from fiscal_kg.store import OxigraphStore

REAL = Path(__file__).resolve().parents[1] / "samples" / "realworld"
BUREAU = "上海市普陀区财政局"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    memory = OxigraphStore()
    pdfs = [next(REAL.glob(f"{n}_*/*.pdf")) for n in ("01", "13")]
    summary = load_paths(memory, pdfs, quiet=True)
    assert not summary.failed, [p.error for p in summary.failed]
    return memory


def _rows(store: OxigraphStore, name: str, **params: str) -> list[tuple]:
    result = run(store, named_queries()[name], params)
    return [tuple(None if v is None else v.toPython() for v in row.values())
            for row in result.dicts()]


def test_documents_counts_each_report_once(store: OxigraphStore) -> None:
    result = run(store, named_queries()["documents"], {})
    got = {(r["year"].toPython(), r["kind"].toPython()): (r["tables"].toPython(),
           r["facts"].toPython()) for r in result.dicts()}  # fmt: skip
    assert got == {(2024, "final-account"): (10, 195), (2025, "budget"): (9, 241)}


# required parameters: a 类 both reports print (201 一般公共服务支出); any project name
REQUIRED = {"code-across-units": {"code": "201"}, "project-indicators": {"project": "经费"}}


@pytest.mark.parametrize("name", sorted(n for n in named_queries()
                                        if n not in ("federated-wikidata",)))
def test_no_named_query_repeats_a_row(store: OxigraphStore, name: str) -> None:
    rows = _rows(store, name, **REQUIRED.get(name, {}))
    repeated = [row for row, n in Counter(rows).items() if n > 1]
    assert repeated == [], repeated[:3]


def test_totals_by_class_sums_each_report_once(store: OxigraphStore) -> None:
    result = run(store, named_queries()["totals-by-class"], {"unit": BUREAU, "class": "201"})
    amounts = sorted((r["year"].toPython(), r["amountYuan"].toPython()) for r in result.dicts())
    # 一般公共服务支出: 2,106.66 万元 in the 2024 支出决算表; 22,186,440.80 元 in the 2025 budget
    assert amounts == [(2024, Decimal("21066600")), (2025, Decimal("22186440.8"))]
