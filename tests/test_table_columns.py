"""A table's columns stated once (fkg:TableColumn), not on each fact (issue 18, point 4)."""

from __future__ import annotations

from pathlib import Path

from bench.quads_per_fact import measure
from fiscal_kg.queries import named_queries, run

ROOT = Path(__file__).resolve().parent.parent
ATUSHI = "https://w3id.org/fiscal-kg/id/doc/bfa9e6175624/2023/unit/budget"  # sample 000
FKG = "https://w3id.org/fiscal-kg/def#"


def test_quads_per_fact_on_the_sample_texts() -> None:
    """5 texts: 841 facts, 11,851 quads on them (14.09 a fact; 12,691 = 15.09 with a header on
    each) and 276 on their tables' 92 columns."""
    m = measure([ROOT / "samples" / "reports"])
    assert (m.reports, m.facts, m.fact_quads, m.column_quads) == (5, 841, 11_851, 276)
    assert round(m.per_fact, 2) == 14.09 and round(m.per_fact_with_columns, 2) == 14.42


def test_a_column_states_its_header_once(sample_store) -> None:
    table = f"{ATUSHI}/table/5"  # 一般公共预算支出情况表
    rows = sample_store.query(f"""PREFIX fkg: <{FKG}>
        SELECT ?index ?header WHERE {{ GRAPH <{ATUSHI}> {{
          <{table}> fkg:hasColumn ?c . ?c fkg:columnIndex ?index ; fkg:columnHeader ?header }} }}
        ORDER BY ?index""").rows
    assert [(int(i), str(h)) for i, h in rows] == [
        (4, "一般公共预算支出 / 合 计"), (5, "一般公共预算支出 / 基 本 支 出"),
        (6, "一般公共预算支出 / 项 目 支 出")]  # fmt: skip
    own = sample_store.query(f"""PREFIX fkg: <{FKG}> PREFIX qb: <http://purl.org/linked-data/cube#>
        SELECT ?f WHERE {{ GRAPH <{ATUSHI}> {{
          ?f qb:dataSet <{table}> ; fkg:columnHeader ?h }} }}""")
    assert own.rows == []  # every fact of the table has its column's header


def test_a_fact_whose_header_differs_keeps_its_own(sample_store) -> None:
    """000's 收支总体情况表 (table 2) has two halves that share column 14: the column keeps the
    header most of its facts have, the fact on line 159 its own — and where-from shows each."""
    where_from = named_queries()["where-from"]
    own = run(sample_store, where_from, {"fact": f"{ATUSHI}/cell/159-14"}).dicts()
    assert [str(r["column"]) for r in own] == ["单 位 资 金"]
    headers = {str(r["column"]) for r in run(sample_store, where_from,
                                              {"document": ATUSHI, "line": "175"}).dicts()}
    assert headers == {"支出预算 / 合 计", "支出预算 / 基本支出", "支出预算 / 项目支出"}
    column = sample_store.query(f"""PREFIX fkg: <{FKG}>
        SELECT ?header WHERE {{ GRAPH <{ATUSHI}> {{ <{ATUSHI}/table/2> fkg:hasColumn ?c .
          ?c fkg:columnIndex 14 ; fkg:columnHeader ?header }} }}""").rows
    assert [str(h) for (h,) in column] == ["财 政 拨 款 结 转"]
