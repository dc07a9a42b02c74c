"""fkg:halfUnit: the rounding of each printed amount, written by the loader on facts, claims and
stated products so the shapes read it (they derived it from fkg:rawText before); and the budget
phase written once per table, not on each fact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from loaders.pipeline import load_report
from loaders.rdf import report_graph
from loaders.vocab import FKG, OBEU, QB

REPO = Path(__file__).resolve().parent.parent
SAMPLE_000 = REPO / "samples/reports/000_f35cf930234f7c72.txt"
REAL = REPO / "samples/realworld"
JUSTICE_2026 = REAL / "04_shanghai-putuo_sfj_2026_budget-dept/上海市普陀区司法局2026年部门预算.pdf"
OFFICE_2025 = (REAL / "09_shanghai-putuo_zfbgs_2025_budget-dept"
               / "上海市普陀区人民政府办公室25年预算.pdf")


@pytest.fixture(scope="module")
def sample_000() -> Graph:
    return report_graph(load_report(SAMPLE_000))


@pytest.fixture(scope="module")
def office_2025() -> Graph:
    return report_graph(load_report(OFFICE_2025))


def _cells(g: Graph, line: int, raw: str) -> list[URIRef]:
    return sorted(f for f in g.subjects(FKG.rawText, Literal(raw))
                  if (f, FKG.sourceLine, Literal(line)) in g)


def _half(g: Graph, node: URIRef) -> Decimal:
    return Decimal(str(g.value(node, FKG.halfUnit)))


def test_cells_carry_the_rounding_of_their_printed_digits(sample_000: Graph) -> None:
    # 000 line 141: 208 01 人力资源和社会保障管理事务, total 809.85; "35.5 6" split by extraction
    total = _cells(sample_000, 141, "809.85")
    assert len(total) == 1 and _half(sample_000, total[0]) == Decimal("0.005")
    split = _cells(sample_000, 141, "35.5 6")
    assert len(split) == 1
    assert sample_000.value(split[0], FKG.amount).toPython() == Decimal("35.56")
    assert _half(sample_000, split[0]) == Decimal("0.005")  # two digits after the point
    facts = set(sample_000.subjects(RDF.type, FKG.AmountFact))
    assert len(facts) == len(set(sample_000.subjects(FKG.halfUnit, None)) & facts) == 211


def test_whole_numbers_and_claims(office_2025: Graph) -> None:
    # the 2025 budget of 普陀区人民政府办公室 states "（一）因公出国（境）费839万元": ±0.5 万元
    claims = [c for c in office_2025.subjects(FKG.rawText, Literal("839"))
              if (c, RDF.type, FKG.NarrativeClaim) in office_2025]
    assert claims and {_half(office_2025, c) for c in claims} == {Decimal("0.5")}
    # its tables print yuan with two decimals, or whole yuan
    halves = {Decimal(str(o)) for f in office_2025.subjects(RDF.type, FKG.AmountFact)
              for o in office_2025.objects(f, FKG.halfUnit)}
    assert halves <= {Decimal("0.005"), Decimal("0.5")}


def test_prior_amounts_carry_their_own_rounding() -> None:
    # 04 司法局 2026: "2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比…增加5.27%"
    g = report_graph(load_report(JUSTICE_2026))
    claims = [c for c in g.subjects(FKG.priorRawText, Literal("198.34"))
              if (c, FKG.rawText, Literal("201.50")) in g]
    assert len(claims) == 1
    assert Decimal(str(g.value(claims[0], FKG.halfUnit))) == Decimal("0.005")
    assert Decimal(str(g.value(claims[0], FKG.priorHalfUnit))) == Decimal("0.005")
    # every stated prior amount has its rounding
    assert len(set(g.subjects(FKG.statedPriorAmount, None))) == len(
        set(g.subjects(FKG.priorHalfUnit, None))) == 13


def test_budget_phase_is_written_on_the_tables(sample_000: Graph) -> None:
    approved = OBEU["budgetPhase/approved"]
    tables = set(sample_000.subjects(RDF.type, QB.DataSet))
    assert tables and all((t, OBEU.budgetPhase, approved) in sample_000 for t in tables)
    facts = set(sample_000.subjects(RDF.type, FKG.AmountFact))
    assert not [f for f in facts if (f, OBEU.budgetPhase, None) in sample_000]
