"""Read the shapes once: every SHACL-SPARQL constraint and every core property shape we use.

One rule per file under shapes/<category>/ (shapes/data/ holds rule data, not shapes). Each
constraint carries ``fkg:ruleId``; its severity is its shape's ``sh:severity`` (Violation when
absent, as in SHACL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from loaders.resources import resource_dir
from loaders.vocab import FKG

CATEGORIES = ("structure", "arithmetic", "cross-table", "narrative", "performance", "completeness")
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class SparqlRule:
    rule: str
    severity: str
    shape: URIRef
    constraint: URIRef
    target_class: URIRef | None
    select: str
    message: str
    file: str

    def set_based(self) -> str:
        """The constraint's SELECT with the pre-bound $this left free (projected as ?this)."""
        return self.select.replace("$this", "?this")


@dataclass(frozen=True)
class CoreRule:
    """A core property shape: the handful of components we use, checked set-based as SPARQL."""

    rule: str
    severity: str
    shape: URIRef
    target_class: URIRef | None
    path: URIRef
    min_count: int | None = None
    max_count: int | None = None
    datatype: URIRef | None = None
    pattern: str | None = None
    message: str = ""
    file: str = ""


@dataclass
class ShapeSet:
    graph: Graph
    sparql: list[SparqlRule] = field(default_factory=list)
    core: list[CoreRule] = field(default_factory=list)

    def rule_of(self, node: URIRef) -> str | None:
        value = self.graph.value(node, FKG.ruleId)
        return str(value) if value is not None else None


def shape_files(root: Path | None = None) -> list[Path]:
    root = root or resource_dir("shapes")
    return sorted(p for c in CATEGORIES for p in (root / c).glob("*.ttl"))


@lru_cache(maxsize=4)
def load_shapes(root: str | None = None) -> ShapeSet:
    base = Path(root) if root else resource_dir("shapes")
    graph = Graph()
    origin: dict[URIRef, str] = {}
    for path in shape_files(base):
        part = Graph().parse(path, format="turtle")
        rel = str(path.relative_to(base.parent))
        for s in part.subjects(RDF.type, SH.NodeShape):
            origin[s] = rel  # type: ignore[index]
        graph += part
    shapes = ShapeSet(graph)
    for shape, file in sorted(origin.items()):
        severity = SEVERITY_NAMES[graph.value(shape, SH.severity) or SH.Violation]
        target = graph.value(shape, SH.targetClass)
        for constraint in graph.objects(shape, SH.sparql):
            rule = shapes.rule_of(constraint)  # type: ignore[arg-type]
            if rule is None:
                raise ValueError(f"{file}: SPARQL constraint without fkg:ruleId")
            shapes.sparql.append(
                SparqlRule(
                    rule=rule,
                    severity=severity,
                    shape=shape,
                    constraint=constraint,  # type: ignore[arg-type]
                    target_class=target,  # type: ignore[arg-type]
                    select=str(graph.value(constraint, SH.select)),
                    message=str(graph.value(constraint, SH.message) or ""),
                    file=file,
                )
            )
        for prop in graph.objects(shape, SH.property):
            rule = shapes.rule_of(prop)  # type: ignore[arg-type]
            if rule is None:
                raise ValueError(f"{file}: property shape without fkg:ruleId")
            psev = graph.value(prop, SH.severity)
            get = graph.value
            shapes.core.append(
                CoreRule(
                    rule=rule,
                    severity=SEVERITY_NAMES[psev] if psev is not None else "Violation",
                    shape=prop,  # type: ignore[arg-type]
                    target_class=target,  # type: ignore[arg-type]
                    path=get(prop, SH.path),  # type: ignore[arg-type]
                    min_count=_int(get(prop, SH.minCount)),
                    max_count=_int(get(prop, SH.maxCount)),
                    datatype=get(prop, SH.datatype),  # type: ignore[arg-type]
                    pattern=str(get(prop, SH.pattern)) if get(prop, SH.pattern) else None,
                    message=str(get(prop, SH.message) or ""),
                    file=file,
                )
            )
    return shapes


def _int(value: object) -> int | None:
    return int(str(value)) if value is not None else None
