"""N-Quads shards: reports parsed in parallel and written as files, without a store.

``fiscal-kg extract --shards DIR FILE…`` runs the loader's parallel parsers
(``fiscal_kg.ingest.parse_files``) and writes each batch of ≈ ``SHARD_QUADS`` quads as
``shard-00001.nq`` … (``.nq.gz`` with gzip), the ontology and code lists as
``reference.nq``, and a manifest (``manifest.json``, ``manifest.tsv``) with one row per
report: source file, its SHA-256, document IRI (= its named graph), quad count, shard.
A shard holds exactly the named graphs the embedded load writes per report. With
``--validate`` the workers also run the shapes on each report, as ``load --validate`` does, and
the findings go into ``validation.nq``, the validation graph (``fiscal_kg.shard_findings``).

The same files feed the embedded store (``fiscal-kg load --from-shards DIR``, checked
against the manifest), ``oxigraph load --location STORE --file DIR/shard-00001.nq``,
Virtuoso's bulk loader (``fiscal_kg.virtuoso_bulk``) and other servers' bulk loaders.

Shards hold no blank nodes: a bulk loader gives each load fresh ones, so loading a shard
twice would double every quad that has one. They are skolemised as the remote
store skolemises what it writes (``fiscal_kg.store.remote.skolemised``), from labels that
are the same on every run, so the same input gives byte-identical shards (gzip without
time stamp or name).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from loaders.vocab import VALIDATION_GRAPH

if TYPE_CHECKING:
    from fiscal_kg.ingest import LoadSummary
    from fiscal_kg.store import Store
    from fiscal_kg.validation.findings import Finding

FORMAT = "fiscal-kg-shards/1"
SHARD_QUADS = 250_000  # per shard: ≈ 50 reports, the size of one embedded bulk-load batch
REFERENCE_SHARD = "reference.nq"
VALIDATION_SHARD = "validation.nq"  # with --validate: the validation graph, after the reports
MANIFEST_JSON = "manifest.json"
MANIFEST_TSV = "manifest.tsv"
TSV_COLUMNS = ("shard", "file", "sha256", "document", "quads")


@dataclass
class ReportRow:
    """One report of a manifest: where it came from, its graph, and where it went."""

    file: str
    sha256: str
    document: str
    quads: int
    shard: str
    summary: dict[str, object] = field(default_factory=dict)  # unit, year, kind, counts;
    # with --validate "findings" (its report-scoped ones), or "validation_error"


@dataclass
class ShardRow:
    name: str
    sha256: str
    quads: int
    graphs: int


@dataclass
class Manifest:
    loader_version: str
    compression: str  # "none" or "gzip"
    shards: list[ShardRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)
    reference: dict[str, int] = field(default_factory=dict)  # graph IRI -> quads
    errors: list[dict[str, str]] = field(default_factory=list)  # {"file", "error"}
    validation: dict[str, int] = field(default_factory=dict)  # with --validate: its quads

    def graph_quads(self) -> dict[str, int]:
        """Quads per named graph, over every shard."""
        return {**self.reference, **self.validation,
                **{r.document: r.quads for r in self.reports}}

    def graphs_of(self, shard: str) -> list[str]:
        if shard == self.reference_shard:
            return list(self.reference)
        if shard == self.validation_shard:
            return list(self.validation)
        return [r.document for r in self.reports if r.shard == shard]

    @property
    def reference_shard(self) -> str:
        return shard_name(REFERENCE_SHARD, self.compression)

    @property
    def validation_shard(self) -> str:
        return shard_name(VALIDATION_SHARD, self.compression)


def shard_name(name: str, compression: str) -> str:
    return name + (".gz" if compression == "gzip" else "")


# -- blank nodes -------------------------------------------------------------


def ground_nquads(graph_iri: str, text: str) -> str:
    """N-Quads ``text`` of graph ``graph_iri`` with its blank nodes skolemised as the remote
    store skolemises them (``skolemised``: from the graph IRI and the label, which the report
    builders make the same on every run); text without blank nodes is returned as it is."""
    from fiscal_kg.store.remote import skolemised

    if "_:" not in text:
        return text
    quads = ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)
    triples = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
    return _in_graph(graph_iri, skolemised(graph_iri, triples.decode()))


def _in_graph(graph_iri: str, ntriples_text: str) -> str:
    """N-Triples lines as N-Quads lines of ``graph_iri``."""
    end = f" {ox.NamedNode(graph_iri)} .\n"
    # split on "\n" only: str.splitlines also splits inside literals (U+2028, U+0085 …)
    return "".join(line[:-2].rstrip() + end for line in ntriples_text.split("\n") if line)


def reference_text() -> tuple[str, dict[str, int]]:
    """The ontology and code lists as N-Quads of their graphs (the embedded store's
    ``ensure_reference_data``), with blank nodes given canonical labels and skolemised as the
    remote store writes them (``with_stable_blank_nodes``, ``skolemised``), lines sorted so the
    text is the same on every run; and the quads of each graph."""
    from rdflib import Graph

    from fiscal_kg.store import ntriples, reference_files
    from fiscal_kg.store.remote import skolemised, with_stable_blank_nodes

    parts, counts = [], {}
    for graph_iri, paths in sorted(reference_files().items()):  # the manifest's order
        graph = Graph()
        for path in paths:
            graph.parse(path, format="turtle")
        text = skolemised(graph_iri, ntriples(with_stable_blank_nodes(graph)))
        lines = sorted({line + "\n" for line in _in_graph(graph_iri, text).split("\n") if line})
        parts.append("".join(lines))
        counts[graph_iri] = len(lines)
    return "".join(parts), counts


# -- writing -----------------------------------------------------------------


@dataclass
class Extraction:
    manifest: Manifest
    failed: list[tuple[str, str]]  # (file, reason)


def _write(path: Path, text: str, compression: str) -> str:
    """Write one shard (atomically: a temporary name, then renamed); its SHA-256."""
    data = text.encode("utf-8")
    if compression == "gzip":
        data = gzip.compress(data, compresslevel=6, mtime=0)  # no time stamp: same bytes
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def _prepare(out: Path) -> None:
    """An empty folder, or one with shards of an earlier run (removed: a bulk loader would
    read every shard it finds there); any other folder is refused."""
    if out.exists() and not out.is_dir():
        raise OSError(f"{out} is a file, not a folder for shards")
    out.mkdir(parents=True, exist_ok=True)
    entries = [p for p in out.iterdir()]
    if entries and not (out / MANIFEST_JSON).is_file():
        raise OSError(f"{out} is a non-empty folder without a shard manifest: give an empty "
                      "or new folder")
    for p in entries:
        if (p.name.startswith(("shard-", REFERENCE_SHARD, VALIDATION_SHARD, "manifest."))
                or p.suffix == ".part"):
            p.unlink()


def extract(paths: Sequence[str | Path], out: str | Path, *, workers: int | None = None,
            shard_quads: int = SHARD_QUADS, compress: bool = False, quiet: bool = True,
            validate: bool = False) -> Extraction:
    """Parse the reports of ``paths`` (files or folders) in parallel and write them to ``out``
    as shards with a manifest. A file that fails (or claims the same document as an earlier
    file) is named on stderr and in the manifest's errors; the others are written. With
    ``validate``, the workers validate each report and the findings go into ``validation.nq``
    (``fiscal_kg.shard_findings``)."""
    from fiscal_kg.ingest import parse_files, report_files
    from fiscal_kg.progress import progress
    from fiscal_kg.replacement import RunClaims
    from fiscal_kg.shard_findings import unit_of
    from loaders.version import loader_version

    out = Path(out)
    _prepare(out)
    compression = "gzip" if compress else "none"
    manifest = Manifest(loader_version(), compression)
    text, manifest.reference = reference_text()
    ref_name = manifest.reference_shard
    manifest.shards.append(ShardRow(ref_name, _write(out / ref_name, text, compression),
                                    sum(manifest.reference.values()), len(manifest.reference)))
    files = report_files(paths)
    failed: list[tuple[str, str]] = []
    pending: list[tuple[ReportRow, str]] = []
    claims = RunClaims()
    findings: list[Finding] = []  # with validate: the written reports' report-scoped ones
    units: dict[str, str] = {}  # with validate: document → unit, for the unit-scoped rules

    def flush() -> None:
        name = shard_name(f"shard-{len(manifest.shards):05d}.nq", compression)
        body = "".join(t for _, t in pending)
        for row, _ in pending:
            row.shard = name
            manifest.reports.append(row)
        manifest.shards.append(ShardRow(name, _write(out / name, body, compression),
                                        sum(r.quads for r, _ in pending), len(pending)))
        pending.clear()

    bar = progress(len(files), "reports parsed", quiet=quiet)
    with bar:
        size = 0
        for parsed in parse_files(files, workers, validate):
            bar.update()
            reason = parsed.error
            if reason is None:
                reason = claims.refusal(parsed.path, parsed.summary, parsed.graph_iri)
            if reason is not None:
                failed.append((parsed.path, reason))
                bar.write(reason, file=sys.stderr)
                continue
            s = parsed.summary
            row = ReportRow(parsed.path, str(s.get("sha256", "")), parsed.graph_iri,
                            int(s["triples"]), "",  # type: ignore[call-overload]
                            {k: v for k, v in s.items() if k not in ("triples", "sha256")})
            if validate:
                units[parsed.graph_iri] = unit_of(parsed.graph_iri, parsed.nquads)
                if parsed.findings is not None:
                    row.summary["findings"] = len(parsed.findings)
                    findings.extend(parsed.findings)
                else:
                    bar.write(f"{parsed.path}: extracted but not validated "
                              f"({s.get('validation_error', 'not validated')})", file=sys.stderr)
            pending.append((row, ground_nquads(parsed.graph_iri, parsed.nquads)))
            size += row.quads
            if size >= shard_quads:
                flush()
                size = 0
        if pending:
            flush()
    if validate:
        _write_findings(out, manifest, findings, units)
    manifest.errors = [{"file": f, "error": e} for f, e in failed]
    write_manifest(out, manifest)
    return Extraction(manifest, failed)


def _write_findings(out: Path, manifest: Manifest, findings: list[Finding],
                    units: dict[str, str]) -> None:
    """``validation.nq``: the workers' findings and the unit-scoped rules' over the reports of
    the shards just written (read back only where a unit has several reports)."""
    from fiscal_kg.shard_findings import findings_nquads, shared_units, unit_findings

    wanted = shared_units(units)
    graphs = (graph for shard in manifest.shards[1:]
              if wanted.intersection(manifest.graphs_of(shard.name))
              for graph in split_graphs(shard_text(out, shard)))
    text = findings_nquads(findings + unit_findings(graphs, units))
    name = manifest.validation_shard
    manifest.validation = {str(VALIDATION_GRAPH): text.count("\n")}
    manifest.shards.append(ShardRow(name, _write(out / name, text, manifest.compression),
                                    text.count("\n"), 1))


def write_manifest(out: Path, manifest: Manifest) -> None:
    data = json.dumps({"format": FORMAT, **asdict(manifest)}, ensure_ascii=False, indent=1,
                      sort_keys=True) + "\n"
    rows = ["\t".join(TSV_COLUMNS)]
    rows += ["\t".join((r.shard, r.file, r.sha256, r.document, str(r.quads)))
             for r in manifest.reports]
    (out / MANIFEST_TSV).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (out / MANIFEST_JSON).write_text(data, encoding="utf-8")  # last: marks a complete set


# -- reading -----------------------------------------------------------------


class ShardError(Exception):
    """Shards that do not match their manifest, or no manifest."""


def read_manifest(folder: str | Path) -> Manifest:
    path = Path(folder) / MANIFEST_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardError(f"no shard manifest at {path} (write shards with fiscal-kg extract "
                         "--shards DIR FILE…)") from None
    except (OSError, ValueError) as exc:
        raise ShardError(f"{path}: cannot read the manifest: {exc}") from exc
    if data.get("format") != FORMAT:
        raise ShardError(f"{path}: not a {FORMAT} manifest")
    return Manifest(
        data["loader_version"], data["compression"],
        [ShardRow(**s) for s in data["shards"]],
        [ReportRow(**r) for r in data["reports"]],
        dict(data["reference"]), list(data["errors"]), dict(data.get("validation", {})))


def shard_bytes(folder: Path, shard: ShardRow) -> bytes:
    """A shard's bytes, after checking its SHA-256 against the manifest."""
    path = folder / shard.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ShardError(f"{shard.name}: cannot read it: {exc.strerror or exc}") from exc
    if hashlib.sha256(data).hexdigest() != shard.sha256:
        raise ShardError(f"{shard.name}: its SHA-256 differs from the manifest's (changed or "
                         "damaged since it was written)")
    return data


def shard_text(folder: Path, shard: ShardRow) -> str:
    """A shard's text, after checking its SHA-256 against the manifest."""
    data = shard_bytes(folder, shard)
    if shard.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def split_graphs(text: str) -> Iterator[tuple[str, str]]:
    """(graph IRI, its N-Quads) for each run of lines of one graph in a shard."""
    current, lines = "", []
    for line in (x + "\n" for x in text.split("\n") if x):  # not splitlines: see _in_graph
        graph = line[line.rstrip().rstrip(".").rstrip().rfind(" <") + 2:].split(">", 1)[0]
        if graph != current and lines:
            yield current, "".join(lines)
            lines = []
        current = graph
        lines.append(line)
    if lines:
        yield current, "".join(lines)


def shard_graphs(folder: Path, manifest: Manifest, shard: ShardRow) -> list[tuple[str, str]]:
    """A shard's graphs, each checked against the manifest: the graphs it lists for the shard,
    in order, with their quad counts."""
    graphs = list(split_graphs(shard_text(folder, shard)))
    expected = manifest.graphs_of(shard.name)
    counts = manifest.graph_quads()
    found = [g for g, _ in graphs]
    if found != expected:
        raise ShardError(f"{shard.name}: holds graphs {found[:3]}… where the manifest lists "
                         f"{expected[:3]}…")
    for graph, text in graphs:
        if text.count("\n") != counts[graph]:
            raise ShardError(f"{shard.name}: graph {graph} has {text.count(chr(10))} quads, "
                             f"the manifest says {counts[graph]}")
    return graphs


# -- into the embedded store ---------------------------------------------------


def load_shards(store: Store, folder: str | Path, *, replace: bool = False, force: bool = False,
                quiet: bool = False) -> LoadSummary:
    """Put the shards of ``folder`` into ``store`` (``Store.put_reports``: new reports through
    the bulk loader, stored ones replaced one transaction each), each shard checked against the
    manifest first (SHA-256, its graphs, their quad counts); a shard that differs is named and
    not loaded. The reference shard is checked too, and the store then loads its reference data
    as every load does (``ensure_reference_data``). Reports are refused as ``fiscal-kg load``
    refuses files (``replacement``); a replaced report's old findings are dropped. Shards
    written with ``--validate`` bring the loaded reports' findings, merged into the store's
    validation report as ``load --validate`` merges them (``shard_findings.merge_findings``;
    ``summary.findings``). Returns an ``ingest.LoadSummary``."""
    from fiscal_kg.ingest import LoadSummary, Parsed, forget_findings
    from fiscal_kg.replacement import refusal, stored_reports

    folder = Path(folder)
    manifest = read_manifest(folder)
    summary = LoadSummary()
    rows = {r.document: r for r in manifest.reports}
    findings: str | None = None  # validation.nq, checked
    for shard in manifest.shards:
        try:
            graphs = shard_graphs(folder, manifest, shard)
        except ShardError as exc:
            print(f"{folder / shard.name}: not loaded: {exc}", file=sys.stderr)
            for graph in manifest.graphs_of(shard.name):
                if graph in rows:
                    summary.failed.append(Parsed(rows[graph].file, error=str(exc),
                                                 graph_iri=graph))
            if shard.name in (manifest.reference_shard, manifest.validation_shard):
                summary.failed.append(Parsed(shard.name, error=str(exc)))
            continue
        if shard.name == manifest.reference_shard:
            # checked, but the store writes its reference data its own way (the embedded store
            # keeps the ontology's blank nodes, as every other load leaves them)
            store.ensure_reference_data()  # type: ignore[attr-defined]
            continue
        if shard.name == manifest.validation_shard:  # merged once the reports are in
            findings = graphs[0][1] if graphs else ""
            continue
        stored = stored_reports(store, [g for g, _ in graphs])  # type: ignore[arg-type]
        todo: list[tuple[Parsed, str]] = []
        for graph, text in graphs:
            row = rows[graph]
            parsed = Parsed(row.file, graph_iri=graph,
                            summary={**row.summary, "triples": row.quads, "sha256": row.sha256})
            reason = refusal(row.file, parsed.summary, graph, stored.get(graph),
                             replace=replace, force=force)
            if reason is not None:
                parsed.error = reason
                summary.failed.append(parsed)
                print(reason, file=sys.stderr)
            else:
                todo.append((parsed, text))
        summary.unvalidated += forget_findings(store, [p.graph_iri for p, _ in todo])  # type: ignore[arg-type]
        errors = store.put_reports([(p.graph_iri, t) for p, t in todo])  # type: ignore[attr-defined]
        for (parsed, _), error in zip(todo, errors, strict=True):
            if error is None:
                summary.loaded.append(parsed)
                if not quiet:
                    print(parsed.line())
            else:
                parsed.error = f"{parsed.path}: {error}"
                summary.failed.append(parsed)
                print(parsed.error, file=sys.stderr)
    if manifest.validation:
        _merge_findings(store, manifest, summary, findings)
    return summary


def _merge_findings(store: Store, manifest: Manifest, summary: LoadSummary, text: str | None
                    ) -> None:
    """The loaded reports' findings from ``validation.nq`` (``text``; None: it failed its
    check) into the store's validation report; a loaded report without them is named."""
    from fiscal_kg.shard_findings import merge_findings

    rows = {r.document: r for r in manifest.reports}
    loaded = {p.graph_iri: p for p in summary.loaded}
    checked = {d for d in loaded if text is not None and "findings" in rows[d].summary}
    for doc in sorted(set(loaded) - checked):
        reason = ("validation.nq not loaded" if text is None else
                  rows[doc].summary.get("validation_error", "not validated"))
        print(f"{loaded[doc].path}: loaded but not validated ({reason}); `fiscal-kg validate` "
              "checks it", file=sys.stderr)
    summary.findings = merge_findings(store, text or "", checked, set(loaded) - checked)
