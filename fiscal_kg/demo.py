"""``fiscal-kg demo``: the bundled samples loaded, validated and linked into a fresh store.

The CLI prints what ``run_demo`` returns; the counts come from ``queries/demo/counts.rq``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fiscal_kg import queries as q
from fiscal_kg.ingest import load_paths
from fiscal_kg.linking import LinkResult, link_store
from fiscal_kg.store import OxigraphStore
from loaders.resources import resource_dir

COUNTED = ("reports", "facts", "claims", "indicators")  # the columns of counts.rq


@dataclass
class DemoResult:
    path: Path
    counts: dict[str, int]  # COUNTED → how many the store holds
    findings: Counter[str]  # severity → how many
    links: list[LinkResult]
    failed: int  # files that did not load

    @property
    def linked(self) -> int:
        return sum(1 for r in self.links if r.status == "linked")


def demo_sources() -> list[Path]:
    """The five sample texts and the six real reports as users download them (PDF); their text
    extractions stay out, since they are the same documents."""
    bundled = resource_dir("samples")
    return [bundled / "reports", *sorted((bundled / "realworld").glob("*/*.pdf"))]


def run_demo(path: Path) -> DemoResult:
    """Load and validate as `fiscal-kg load --validate` does, in memory, link the units, then
    write the finished dataset to ``path`` with one extend (the store there is replaced by the
    samples alone)."""
    memory = OxigraphStore()
    summary = load_paths(memory, demo_sources(), validate=True)
    findings = Counter(f.severity for f in summary.findings or [])
    links = link_store(memory)
    row = q.run(memory, q.read_query(q.queries_dir() / "demo" / "counts.rq")).dicts()[0]
    counts = {key: int(str(row[key])) for key in COUNTED}
    with OxigraphStore(path) as store:
        store.update("CLEAR ALL")  # a fresh store: only the bundled samples
        store.add_quads(memory.quads())
    return DemoResult(path, counts, findings, links, len(summary.failed))
