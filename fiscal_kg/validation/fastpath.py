"""The set-based fast path: every shape's SELECT runs once over the whole store.

Each SHACL-SPARQL constraint is written so that its pre-bound ``$this`` can be left free: the
query binds ``?this`` to its target itself and projects it, so one query answers for all focus
nodes of all reports at once. The core components are translated to SPARQL (``core.py``).
Findings carry the projected ?value, ?document, ?line, ?expected, ?found, ?difference, ?lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from fiscal_kg.store import OxigraphStore, Store
from fiscal_kg.validation.core import core_queries
from fiscal_kg.validation.findings import Finding
from fiscal_kg.validation.shapes import CoreRule, ShapeSet, SparqlRule
from loaders.vocab import FKG

_SUBST = re.compile(r"\{[\$\?]([A-Za-z_][A-Za-z0-9_]*)\}")
DOCUMENT = ox.NamedNode(str(FKG.document))
SOURCE_LINE = ox.NamedNode(str(FKG.sourceLine))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FISCAL_DOCUMENT = ox.NamedNode(str(FKG.FiscalDocument))


def term_text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _number(term: object) -> Decimal | str | None:
    text = term_text(term)
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


_LINES = re.compile(r"\blines (\{\?(\w+)\})")


def several(lines: str) -> bool:
    """Whether a list of source lines ("219", "219, 220", "219-225") names more than one."""
    return any(sep in lines for sep in ", -–、")


def render(template: str, row: dict[str, object]) -> str:
    """sh:message with {?var} replaced by the solution's values, as pyshacl does — but an
    empty or unbound value reads "none" ("missing: none.", not "missing: ."), and "lines
    {?lines}" of one line reads "line 219"."""
    template = _LINES.sub(
        lambda m: ("lines " if several((term_text(row.get(m.group(2))) or "").strip())
                   else "line ") + m.group(1), template)
    return _SUBST.sub(lambda m: (term_text(row.get(m.group(1))) or "").strip() or "none",
                      template)


BATCH = 8  # reports per working store: Oxigraph's join order makes some queries superlinear in
# the number of reports a store holds, so large stores are validated a few reports at a time


def report_units(store: Store) -> dict[str, str]:
    """document IRI → unit IRI, for every report in the store."""
    rows = store.select(
        f"SELECT ?d ?u WHERE {{ ?d a <{FKG.FiscalDocument}> OPTIONAL {{ ?d <{FKG.unit}> ?u }} }}")
    # a report without a unit (STRUCT-DOC-REQUIRED) is still validated, as its own unit
    return {r["d"].value: (r["u"] or r["d"]).value for r in rows}  # type: ignore[index]


def plan_batches(store: Store, documents: list[str], batch: int = BATCH
                 ) -> list[tuple[list[str], list[str]]]:
    """(own reports, graphs to copy) per batch: each batch also holds the other reports of its
    units, for the prior-year checks."""
    units = report_units(store)
    by_unit: dict[str, list[str]] = {}
    for doc, unit in units.items():
        by_unit.setdefault(unit, []).append(doc)
    plan = []
    for start in range(0, len(documents), batch):
        own = documents[start:start + batch]
        graphs = set(own)
        for doc in own:
            graphs.update(by_unit.get(units.get(doc, ""), ()))
        plan.append((own, sorted(graphs)))
    return plan


def quads_of_graphs(store: Store, graphs: Iterable[str]) -> list[ox.Quad]:
    return [q for g in graphs for q in store.quads(graph_iri=g)]


def run_batch(store: Store, shapes: ShapeSet, shared: list[ox.Quad], own: list[str],
              graphs: list[str], rules: Iterable[str] | None = None) -> list[Finding]:
    """Findings of the ``own`` reports, validated in a fresh in-memory store that holds
    ``graphs`` and the ``shared`` quads (code lists, ontology, rule data)."""
    work = ox.Store()
    work.extend(shared)
    work.extend(quads_of_graphs(store, graphs))
    keep = set(own)
    return [f for f in Runner(OxigraphStore.of(work), shapes).run(rules) if f.document in keep]


def run_batched(store: Store, shapes: ShapeSet, documents: list[str], shared: list[str],
                batch: int = BATCH, rules: Iterable[str] | None = None) -> list[Finding]:
    """Validate ``documents`` ``batch`` at a time in this process (see ``run_batch``)."""
    from fiscal_kg.progress import progress

    shared_quads = quads_of_graphs(store, shared)
    out: list[Finding] = []
    with progress(len(documents), "reports validated") as bar:
        for own, graphs in plan_batches(store, documents, batch):
            out.extend(run_batch(store, shapes, shared_quads, own, graphs, rules))
            bar.update(len(own))
    return out


# -- in worker processes: each opens the on-disk store read-only ------------------------------

_WORKER: dict[str, object] = {}


def _start_worker(path: str, shared: list[str]) -> None:
    from fiscal_kg.validation.shapes import load_shapes

    store = OxigraphStore(path, read_only=True)
    _WORKER.update(store=store, shapes=load_shapes(), shared=quads_of_graphs(store, shared))


def _worker_batch(own: list[str], graphs: list[str], rules: list[str] | None) -> list[Finding]:
    return run_batch(_WORKER["store"], _WORKER["shapes"], _WORKER["shared"],  # type: ignore[arg-type]
                     own, graphs, rules)


def run_parallel(store: Store, path: str, documents: list[str], shared: list[str],
                 workers: int, batch: int = BATCH, rules: Iterable[str] | None = None
                 ) -> list[Finding]:
    """``run_batched`` on ``workers`` processes, each reading the store at ``path`` read-only
    (reading a report back from RocksDB costs about as much as validating it, so the readers
    work in parallel too). ``path`` is ``store.reader_path()``."""
    from fiscal_kg.progress import progress
    from fiscal_kg.workers import process_pool

    plan = plan_batches(store, documents, batch)
    chosen = sorted(rules) if rules is not None else None
    out: list[Finding] = []
    with (process_pool(workers, ["fiscal_kg.validation"], _start_worker, (path, shared)) as pool,
          progress(len(documents), "reports validated") as bar):
        futures = [pool.submit(_worker_batch, own, graphs, chosen) for own, graphs in plan]
        for future, (own, _) in zip(futures, plan, strict=True):
            out.extend(future.result())
            bar.update(len(own))
    return out


def split_having(query: str) -> tuple[str, str]:
    """(the query up to its final HAVING, the HAVING condition); condition "" when none."""
    at = query.rfind("\nHAVING (")
    if at < 0:
        return query, ""
    return query[: at + 1], query[at + len("\nHAVING (") :].strip()[:-1]


def shared_queries(rules: list[SparqlRule]) -> list[list[SparqlRule]]:
    """Group constraints whose set-based queries are the same but for the HAVING condition."""
    groups: dict[str, list[SparqlRule]] = {}
    for rule in rules:
        body, cond = split_having(rule.set_based())
        groups.setdefault(body if cond else f"{id(rule)}", []).append(rule)
    return list(groups.values())


def _true(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"


class Runner:
    """Runs a shape set on a store (the union of its graphs)."""

    def __init__(self, store: Store, shapes: ShapeSet) -> None:
        self.store, self.shapes = store, shapes

    def _select(self, query: str) -> Iterable[dict[str, object]]:
        return self.store.select(query)  # type: ignore[return-value]

    def run(self, rules: Iterable[str] | None = None) -> list[Finding]:
        wanted = set(rules) if rules is not None else None
        out: list[Finding] = []
        chosen = [r for r in self.shapes.sparql if wanted is None or r.rule in wanted]
        for group in shared_queries(chosen):
            if len(group) == 1:
                out.extend(self.run_sparql(group[0]))
            else:
                out.extend(self.run_shared(group))
        for core in self.shapes.core:
            if wanted is None or core.rule in wanted:
                out.extend(self.run_core(core))
        return out

    def run_sparql(self, rule: SparqlRule, rows: Iterable[dict[str, object]] | None = None
                   ) -> list[Finding]:
        seen: set[tuple[object, ...]] = set()
        out: list[Finding] = []
        for row in self._select(rule.set_based()) if rows is None else rows:
            focus = term_text(row.get("this"))
            if focus is None:
                continue
            key = tuple(sorted((k, term_text(v)) for k, v in row.items()))
            if key in seen:  # pyshacl drops duplicate solutions too
                continue
            seen.add(key)
            line = row.get("line")
            diff = _number(row.get("difference"))
            out.append(Finding(
                severity=rule.severity,
                rule=rule.rule,
                message=render(rule.message, row),
                document=term_text(row.get("document")) or self._document(row["this"]),
                focus=focus,
                value=term_text(row.get("value")),
                line=int(line.value) if isinstance(line, ox.Literal) else None,
                expected=_number(row.get("expected")),
                found=_number(row.get("found")),
                difference=diff if isinstance(diff, Decimal) else None,
                lines=term_text(row.get("lines")),
                source_shape=str(rule.shape),
            ))
        return out

    def run_shared(self, group: list[SparqlRule]) -> list[Finding]:
        """Constraints whose queries differ only in their HAVING (a Violation and its
        last-digit Warning): one query, each row sent to the constraints whose HAVING it meets."""
        body, _ = split_having(group[0].set_based())
        conditions = [split_having(rule.set_based())[1] for rule in group]
        flags = " ".join(f"(({c}) AS ?__having{i})" for i, c in enumerate(conditions))
        query = body.replace("SELECT ?this", f"SELECT ?this {flags}", 1)
        query += "HAVING (" + " || ".join(f"({c})" for c in conditions) + ")\n"
        rows = list(self._select(query))
        out: list[Finding] = []
        for i, rule in enumerate(group):
            mine = [r for r in rows if _true(r.get(f"__having{i}"))]
            out.extend(self.run_sparql(rule, mine))
        return out

    def run_core(self, rule: CoreRule) -> list[Finding]:
        out: list[Finding] = []
        for component, query in core_queries(rule):
            for row in self._select(query):
                node = row["this"]
                value = row.get("value")
                count = row.get("count")
                detail = f" (has {term_text(count)})" if count is not None else ""
                message = rule.message or f"{component} on {rule.path}"
                out.append(Finding(
                    severity=rule.severity,
                    rule=rule.rule,
                    message=message + detail,
                    document=self._document(node),
                    focus=term_text(node) or "",
                    value=term_text(value),
                    line=self._line(node),
                    source_shape=str(rule.shape),
                ))
        return out

    def _quads(self, subject: object, predicate: ox.NamedNode) -> list[ox.Quad]:
        if not isinstance(subject, (ox.NamedNode, ox.BlankNode)):
            return []
        return list(self.store.quads(subject, predicate))

    def _document(self, node: object) -> str | None:
        for q in self._quads(node, DOCUMENT):
            return term_text(q.object)
        for q in self._quads(node, RDF_TYPE):
            if q.object == FISCAL_DOCUMENT:
                return term_text(node)
        return None

    def _line(self, node: object) -> int | None:
        for q in self._quads(node, SOURCE_LINE):
            try:
                return int(q.object.value)  # type: ignore[union-attr]
            except ValueError:
                return None
        return None
