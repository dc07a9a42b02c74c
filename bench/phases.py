"""Validation and the named queries, each in a spawned process of its own.

Neither pyoxigraph nor RocksDB can interrupt a running query, so a phase that overruns its time
is stopped by ending its process; its memory is then measured apart from the loader's too.
Validation is ``fiscal_kg.validation.validate(store)``, as ``fiscal-kg validate`` runs it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.check import Row

if TYPE_CHECKING:
    from fiscal_kg.queries import NamedQuery
    from fiscal_kg.store import QueryResult, Store

WARM_UP = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/fiscal-kg/def#FiscalDocument> }"
# The example a parameter's description gives: 'e.g. 2080109' or 'e.g. "510000"'.
_EXAMPLE = re.compile(r"e\.g\.\s*\"?([^\s\",;)]+)")


class PhaseProcess:
    """A spawned process running one phase on the (closed) store in ``store_dir``."""

    STARTUP_S = 120.0  # imports and opening the store, before any clock

    def __init__(self, store_dir: Path, task: dict) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # not fork: this process ran RocksDB threads
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_phase_main, args=(child, str(store_dir), task))
        self._proc.start()
        child.close()
        self.pid = self._proc.pid
        self._ready = self._recv(self.STARTUP_S) is not None

    def next(self, limit_s: float) -> tuple | None:
        """The phase's next message, or None when it does not come within ``limit_s``."""
        return self._recv(limit_s) if self._ready else ("error", "phase process did not start")

    def _recv(self, limit_s: float) -> tuple | None:
        try:
            if self._conn.poll(None if math.isinf(limit_s) else limit_s):
                return self._conn.recv()
        except (EOFError, OSError):
            return ("error", f"phase process ended (exit code {self._proc.exitcode})")
        return None

    def stop(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._conn.close()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def finding_row(finding: object) -> Row:
    """What the planted-error check needs of a finding."""
    f = finding
    return (f.document, f.rule, f.line, f.lines, f.severity)  # type: ignore[attr-defined]


def finding_key(finding: object) -> str:
    """What the pyshacl equivalence compares: focus, rule, severity, value."""
    key = finding.key() if hasattr(finding, "key") else finding
    return " | ".join("" if x is None else str(x) for x in key)


def _phase_main(conn: object, store_dir: str, task: dict) -> None:
    """In the phase process: open the store, run the phase, send one message per result."""
    from fiscal_kg.store import OxigraphStore

    store = OxigraphStore(store_dir)
    conn.send(("ready",))
    try:
        if task["kind"] == "validate":
            from fiscal_kg.validation import validate

            try:
                seconds, found = timed(lambda: list(validate(store)))
            except Exception as exc:  # reported in the table, not a traceback mid-bench
                conn.send(("error", f"validation failed: {type(exc).__name__}: {exc}"[:300]))
            else:
                rows = [finding_row(f) for f in found]
                conn.send(("validate", seconds, rows, sorted(finding_key(f) for f in found)))
        else:
            from fiscal_kg.queries.paging import report_order_query

            queries, _ = runnable_queries()
            store.query(WARM_UP)  # opened and warm, as a running endpoint is: not timed
            from bench.measure_queries import FULL_SCAN

            # the yardstick of issue 18's ≤ 10 % target: one full scan in this same process
            seconds, _ = timed(lambda: store.query(FULL_SCAN))
            conn.send(("scan", seconds))
            # the reports listed once in listing order (the first step of every page), as an
            # endpoint that has served a page of a listing has them: not timed, after the scan
            store.query(report_order_query().text)
            unit = task.get("unit")
            for name in task["names"]:
                named, values = queries[name]
                if unit:  # one unit's reports: the query must take a `unit` parameter
                    if named.param("unit") is None:  # type: ignore[attr-defined]
                        continue
                    values = {**values, "unit": unit}
                try:
                    seconds, rows, pages = slowest_page(store, named, values)
                    whole = (timed(lambda q=(named, values): run_query(store, q, page=None))
                             if task.get("split") and named.pages else None)  # type: ignore[attr-defined]
                except Exception as exc:  # a broken query costs its row, not the bench
                    conn.send(("error", f"failed: {type(exc).__name__}: {exc}"[:200], name))
                    continue
                conn.send(("query", name, seconds, rows, pages,
                           None if whole is None else (whole[0], len(whole[1].rows))))
            conn.send(("done",))
        time.sleep(0.6)  # let the parent sample this process's peak before it ends
    finally:
        store.close()


def runnable_queries() -> tuple[dict[str, tuple[object, dict[str, str]]], dict[str, str]]:
    """Named queries to time (with values for their required parameters), and those skipped."""
    from fiscal_kg.queries import named_queries

    run, skipped = {}, {}
    for name, named in named_queries().items():
        body = "\n".join(x for x in named.text.splitlines() if not x.lstrip().startswith("#"))
        values = {}
        for param in named.params:
            if getattr(param, "required", False) and param.default is None:
                example = _EXAMPLE.search(param.meaning)
                if example is None:
                    break
                values[param.name] = example.group(1)
        else:
            if "SERVICE" in body.upper():
                skipped[name] = "federated: needs the network"
            else:
                run[name] = (named, values)
            continue
        skipped[name] = "a required parameter without an example value"
    return run, skipped


def run_query(store: Store, query: tuple[NamedQuery, dict[str, str]], page: int | None = 1
              ) -> QueryResult:
    """A named query with its required parameters bound, unbound optional ones meaning "all":
    the answer ``fiscal-kg query NAME`` gives — a listing's first page of reports (``page``: another
    page; None: every report, as ``--all``)."""
    from fiscal_kg.queries.paging import PAGE_SIZE, run_page

    named, values = query
    return run_page(store, named, values, page=page or 1,
                    size=None if page is None else PAGE_SIZE).result


def slowest_page(store: Store, named: NamedQuery, values: dict[str, str]
                 ) -> tuple[float, int, int]:
    """(seconds, rows, pages) of the answer ``fiscal-kg query NAME`` gives; for a listing in pages
    of reports, of the slowest of its first, middle and last page (the pages differ in rows)."""
    from fiscal_kg.queries.paging import run_page

    seconds, answer = timed(lambda: run_page(store, named, values))
    page = answer.page
    slowest = (seconds, len(answer.result.rows))
    if page is None:
        return (*slowest, 0)
    for number in sorted({page.count // 2 + 1, page.count} - {1}):
        took, other = timed(lambda n=number: run_page(store, named, values, page=n))
        slowest = max(slowest, (took, len(other.result.rows)))
    return (*slowest, page.count)
