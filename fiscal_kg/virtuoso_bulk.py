"""Shards into Virtuoso with its own bulk loader, driven over its SQL port with ``isql-vt``.

``fiscal-kg load --from-shards DIR --virtuoso HOST:PORT`` (``fiscal_kg.shards`` writes DIR):

1. every shard's SHA-256 is checked against the manifest; a shard that differs is named and
   not loaded;
2. the graphs of the manifest that the server holds already are cleared (a report loaded again
   replaces its graph, as in the embedded store; shards written with ``--validate`` replace the
   server's validation graph with theirs, ``validation.nq``: the findings of the shards'
   reports, unit-scoped rules over the shards' reports of each unit);
3. the shards are registered in ``DB.DBA.load_list`` (``ld_add``, one row per shard of the
   manifest: what ``ld_dir('DIR', '*.nq', …)`` does for every file that matches, without
   picking up strays), ``rdf_loader_run()`` loads them (``loaders`` of them in parallel), and
   ``checkpoint`` makes the load durable;
4. ``load_list`` is read back: a shard with an ``ll_error`` (or not marked done) is named, its
   graphs cleared, and loaded once more; one that fails again has its graphs cleared, so no
   shard stays half-loaded, and the load ends with an error naming it;
5. the quads of each graph are counted on the server and compared with the manifest.

The server reads the shards itself, so DIR must be on the server's file system and listed
(absolute, or under a listed folder) in ``DirsAllowed`` of the ``[Parameters]`` section of
``virtuoso.ini``; otherwise each shard fails with Virtuoso's access error, which is named.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fiscal_kg.shards import Manifest, ShardError, ShardRow, read_manifest, shard_bytes

PASSWORD_ENV = "FISCAL_KG_VIRTUOSO_PASSWORD"  # not an option: it would show in `ps` and history
# ld_add's graph is the one for triples without a graph; every line of a shard names its graph
UNUSED_DEFAULT_GRAPH = "https://w3id.org/fiscal-kg/graph/bulk-load-default"
TIMEOUT_S = 24 * 3600


class VirtuosoError(Exception):
    """isql-vt could not run, or the server answered an SQL statement with an error."""


@dataclass
class Isql:
    """The SQL port of a Virtuoso server, through ``isql-vt``."""

    host: str = "127.0.0.1"
    port: int = 1111
    user: str = "dba"
    password: str = field(default="", repr=False)
    program: str = "isql-vt"

    @classmethod
    def parse(cls, where: str, user: str = "dba", program: str = "isql-vt") -> Isql:
        """``HOST:PORT`` or ``PORT``; the password from $FISCAL_KG_VIRTUOSO_PASSWORD (else
        Virtuoso's default, dba)."""
        host, _, port = where.rpartition(":")
        try:
            number = int(port)
        except ValueError:
            raise ValueError(f"--virtuoso wants HOST:PORT of the SQL port, got {where!r}") from None
        return cls(host or "127.0.0.1", number, user, os.environ.get(PASSWORD_ENV, "dba"), program)

    def run(self, sql: str, timeout: float = TIMEOUT_S) -> str:
        """Run ``;``-terminated statements; their output. Raises VirtuosoError on an error."""
        program = shutil.which(self.program) or self.program
        try:
            done = subprocess.run(
                [program, f"{self.host}:{self.port}", self.user, self.password, "VERBOSE=OFF",
                 "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
                input=sql, capture_output=True, text=True, timeout=timeout)  # fmt: skip
        except FileNotFoundError:
            raise VirtuosoError(f"{self.program} not found (Debian: apt-get install "
                                "virtuoso-opensource)") from None
        except subprocess.TimeoutExpired:
            raise VirtuosoError(f"isql did not finish within {timeout:.0f} s") from None
        out = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in out:
            error = next((line for line in out.splitlines() if "Error" in line), out.strip())
            raise VirtuosoError(f"{self.host}:{self.port}: {error.strip()[:500]}")
        return out

    def rows(self, sql: str, marker: str) -> list[list[str]]:
        """The rows of a SELECT whose one column is ``marker`` || fields joined by ``|``."""
        out = self.run(sql)
        return [line[len(marker):].split("|") for line in out.splitlines()
                if line.startswith(marker)]


@dataclass
class BulkLoad:
    """What a bulk load did: shards loaded, retried, failed (name → reason), graph counts."""

    loaded: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)  # failed shards whose graphs were dropped
    reports: int = 0
    quads: int = 0
    validation: int = 0  # quads of validation.nq loaded (shards written with --validate)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def _quote(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _iri(text: str) -> str:
    if any(ch in text for ch in "<>\"{}|\\^` \n'"):
        raise ShardError(f"not an IRI: {text!r}")
    return f"<{text}>"


def graph_counts(isql: Isql) -> dict[str, int]:
    """Quads of every graph on the server (from RDF_QUAD: exact, no SPARQL row limits)."""
    rows = isql.rows("SELECT 'G|' || id_to_iri(G) || '|' || cast(count(*) AS varchar) "
                     "FROM DB.DBA.RDF_QUAD GROUP BY G;", "G|")
    return {row[0]: int(row[1]) for row in rows if len(row) == 2}


def clear_graphs(isql: Isql, graphs: Sequence[str]) -> None:
    """Drop ``graphs`` (row-by-row autocommit: no huge transaction for a large graph)."""
    for start in range(0, len(graphs), 500):
        part = graphs[start:start + 500]
        isql.run("log_enable(3, 1);\n" + "".join(
            f"SPARQL CLEAR GRAPH {_iri(g)};\n" for g in part))


def _load_list(isql: Isql, files: Sequence[str]) -> dict[str, tuple[int, str]]:
    """(state, error) of each of ``files`` in DB.DBA.load_list (2 = loaded)."""
    if not files:
        return {}
    names = ", ".join(_quote(f) for f in files)
    rows = isql.rows(
        "SELECT 'LL|' || ll_file || '|' || cast(ll_state AS varchar) || '|' || "
        "replace(replace(coalesce(ll_error, ''), chr(10), ' '), '|', '/') "
        f"FROM DB.DBA.load_list WHERE ll_file IN ({names});", "LL|")
    return {row[0]: (int(row[1]), "|".join(row[2:]).strip()) for row in rows}


def _run_loaders(isql: Isql, loaders: int) -> None:
    """``rdf_loader_run()`` in ``loaders`` sessions at once, then a checkpoint."""
    if loaders <= 1:
        isql.run("rdf_loader_run();\ncheckpoint;\n")
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(loaders) as pool:
        for future in [pool.submit(isql.run, "rdf_loader_run();\n") for _ in range(loaders)]:
            future.result()
    isql.run("checkpoint;\n")


def _register(isql: Isql, files: Sequence[str]) -> None:
    names = ", ".join(_quote(f) for f in files)
    isql.run(f"DELETE FROM DB.DBA.load_list WHERE ll_file IN ({names});\n" + "".join(
        f"ld_add({_quote(f)}, {_quote(UNUSED_DEFAULT_GRAPH)});\n" for f in files))


def _failures(isql: Isql, paths: dict[str, str]) -> dict[str, str]:
    """Shard name → why it is not loaded, from load_list."""
    states = _load_list(isql, list(paths.values()))
    out = {}
    for name, path in paths.items():
        state, error = states.get(path, (-1, "not in DB.DBA.load_list"))
        if error or state != 2:
            reason = error or f"not loaded (ll_state {state})"
            if "access" in reason.lower() or "FA0" in reason:
                reason += " (is the folder in DirsAllowed of virtuoso.ini?)"
            out[name] = reason
    return out


def bulk_load(isql: Isql, folder: str | Path, *, loaders: int = 1) -> BulkLoad:
    """Load the shards of ``folder`` (and its manifest) into the server; see the module."""
    start = time.perf_counter()
    folder = Path(folder).resolve()
    manifest = read_manifest(folder)
    result = BulkLoad()
    good: list[ShardRow] = []
    for shard in manifest.shards:
        try:
            shard_bytes(folder, shard)  # only the hash: the server parses it
        except ShardError as exc:
            result.failed[shard.name] = str(exc)
        else:
            good.append(shard)
    graphs = {s.name: manifest.graphs_of(s.name) for s in good}
    present = graph_counts(isql)
    clear_graphs(isql, [g for s in good for g in graphs[s.name] if g in present])
    paths = {s.name: str(folder / s.name) for s in good}
    if paths:
        _register(isql, list(paths.values()))
        _run_loaders(isql, loaders)
    failed = _failures(isql, paths)
    # Once more, each alone and from a clean slate. Alone: when a shard fails, the one loaded
    # just before it in the same session can stay "loading" (ll_state 1) with its quads in.
    result.retried = sorted(failed)
    for name in result.retried:
        clear_graphs(isql, graphs[name])
        _register(isql, [paths[name]])
        _run_loaders(isql, 1)
        failed.pop(name)
        failed.update(_failures(isql, {name: paths[name]}))
    _check_counts(isql, manifest, graphs, failed)
    for name, reason in failed.items():
        clear_graphs(isql, graphs[name])
        result.failed[name] = reason
        result.cleared.append(name)
    result.loaded = [s.name for s in good if s.name not in failed]
    done = set(result.loaded)
    result.reports = sum(1 for r in manifest.reports if r.shard in done)
    result.quads = sum(s.quads for s in good if s.name in done)
    if manifest.validation_shard in done:
        result.validation = sum(manifest.validation.values())
    result.seconds = time.perf_counter() - start
    return result


def _check_counts(isql: Isql, manifest: Manifest, graphs: dict[str, list[str]],
                  failed: dict[str, str]) -> None:
    """Add to ``failed`` each loaded shard one of whose graphs has other quads than the
    manifest says (a loader that stopped part way, or a graph another load wrote into)."""
    counts = graph_counts(isql)
    expected = manifest.graph_quads()
    for name, names in graphs.items():
        if name in failed:
            continue
        wrong = [(g, counts.get(g, 0)) for g in names if counts.get(g, 0) != expected[g]]
        if wrong:
            g, n = wrong[0]
            failed[name] = (f"{len(wrong)} graph(s) with other quad counts than the manifest's, "
                            f"e.g. {g}: {n} on the server, {expected[g]} in the manifest")
