"""Quads per amount fact on the demo's reports: ``python -m bench.quads_per_fact``.

Issue 18's point 4 (fewer quads per fact) measured where it is decided: the N-Quads the loader
writes (``loaders.rdf.report_nquads``) for the eleven bundled reports (five texts, six PDFs). A
quad counts for a fact when its subject is one (``…/cell/LINE-COLUMN``), for a table's columns
when its subject is a ``fkg:TableColumn`` (``…/table/N/column/I``) or it links one to its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FACT = re.compile(r"^<[^>]*/cell/\d+-\d+> ")
_COLUMN = re.compile(r"^<[^>]*/table/\d+/column/\d+> |<https://w3id.org/fiscal-kg/def#hasColumn>")


@dataclass
class QuadsPerFact:
    reports: int
    facts: int = 0
    fact_quads: int = 0  # quads whose subject is a fact
    column_quads: int = 0  # quads of the tables' fkg:TableColumn nodes and their links
    quads: int = 0  # all the reports' quads

    @property
    def per_fact(self) -> float:
        return self.fact_quads / self.facts if self.facts else 0.0

    @property
    def per_fact_with_columns(self) -> float:
        return (self.fact_quads + self.column_quads) / self.facts if self.facts else 0.0

    def line(self) -> str:
        return (f"quads per amount fact ({self.reports} bundled reports as the loader writes "
                f"them): {self.per_fact:.2f} on the fact, {self.per_fact_with_columns:.2f} with "
                f"the table columns' (fkg:TableColumn) share — {self.facts:,} facts, "
                f"{self.fact_quads:,} + {self.column_quads:,} quads of {self.quads:,}")


def measure(sources: list[Path] | None = None) -> QuadsPerFact:
    from fiscal_kg.demo import demo_sources
    from fiscal_kg.sources import report_files
    from loaders.pipeline import load_report
    from loaders.rdf import report_nquads

    paths = report_files(sources or demo_sources())
    out = QuadsPerFact(len(paths))
    for path in paths:
        text, count = report_nquads(load_report(path))
        out.quads += count
        for line in text.splitlines():
            if _FACT.match(line):
                out.fact_quads += 1
                if " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fiscal-kg/def#AmountFact> " in line:  # noqa: E501
                    out.facts += 1
            elif _COLUMN.search(line):
                out.column_quads += 1
    return out


if __name__ == "__main__":
    print(measure().line())
