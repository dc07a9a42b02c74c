"""Plain pyshacl (rdflib's own SPARQL engine), the baseline of issue 8's speed-up target.

It takes minutes a report, so it runs in a child process that is stopped after ``limit``
seconds: just long enough to show the target either way. When stopped, the speed-up is a lower
bound (pyshacl took more than ``limit`` seconds). The bench's other pyshacl figure runs pyshacl
with Oxigraph answering its queries (``validation.reference``, engine "oxigraph"): a far faster
baseline, which also checks that the findings are the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class PlainRun:
    seconds: float  # pyshacl's own time; the limit when stopped
    stopped: bool
    keys: list[str] | None = None  # its findings (focus, rule, severity, value), when finished


def run_plain_pyshacl(paths: Sequence[str], limit: float) -> PlainRun:
    """Plain pyshacl on ``paths`` (one graph, as the other pyshacl run has it), at most
    ``limit`` seconds; building the graph and imports are not timed."""
    code = "import sys; from bench.plain_pyshacl import child; child(sys.argv[1:])"
    proc = subprocess.Popen([sys.executable, "-c", code, *paths], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    try:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"plain pyshacl child failed (exit {proc.wait()})")
        start = time.perf_counter()
        try:
            out, _ = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            return PlainRun(seconds=limit, stopped=True)
        if proc.returncode != 0:
            raise RuntimeError(f"plain pyshacl child failed (exit {proc.returncode})")
        found = json.loads(out)
        return PlainRun(seconds=found.get("seconds", time.perf_counter() - start),
                        stopped=False, keys=found["keys"])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def child(paths: Sequence[str]) -> None:
    from rdflib import Graph

    from bench.phases import finding_key
    from fiscal_kg.validation import reference
    from loaders.pipeline import build_graph, load_report

    data = Graph()
    for path in paths:
        data += build_graph(load_report(path))
    print("ready", flush=True)
    start = time.perf_counter()
    results = reference.run_pyshacl(data, engine="rdflib")
    seconds = time.perf_counter() - start
    keys = sorted(finding_key(k) for k in reference.result_keys(results))
    print(json.dumps({"seconds": seconds, "keys": keys}, ensure_ascii=False), flush=True)
