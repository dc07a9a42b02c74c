"""``fiscal-kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the store.

We run the Oxigraph server that ships with the ``oxigraph`` PyPI package
(``oxigraph serve-read-only``) rather than writing an HTTP server: it reads
the very RocksDB directory pyoxigraph writes, implements the SPARQL 1.1
Protocol (GET and POST, content negotiation for JSON, XML, CSV, TSV and
Turtle/N-Triples results), refuses updates in read-only mode, has a query
time limit (``--timeout-s``) and serves a bundled YASGUI page at ``/`` to
type queries in (no internet needed).

What it lacks is a result-row cap. The time limit is what bounds a result:
Oxigraph cancels the evaluation after the limit, and a response that was
already streaming ends with "The SPARQL operation has been cancelled". Add a
LIMIT to big queries; the YASGUI page pages through results on its own.

Oxigraph documents that a read-only opening alongside a writing process is
undefined behaviour, so ``serve`` closes its own handle first and must not run
while ``fiscal-kg load`` writes to the same directory: stop it, load, restart.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from fiscal_kg.store import OxigraphStore

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30.0


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI next to this Python (a virtualenv's bin/), else on PATH."""
    names = ("oxigraph.exe", "oxigraph") if os.name == "nt" else ("oxigraph",)
    for name in names:
        candidate = Path(sys.executable).parent / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise FileNotFoundError("the Oxigraph server is missing: pip install oxigraph")


def server_command(
    store_dir: Path, port: int = DEFAULT_PORT, timeout_s: float = DEFAULT_TIMEOUT_S
) -> list[str]:
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location", str(store_dir),
        "--bind", f"127.0.0.1:{port}",
        "--union-default-graph",  # the same default graph as the embedded queries
        "--timeout-s", f"{timeout_s:g}",
    ]  # fmt: skip


def prepare_store(store_dir: Path) -> None:
    """Create the store if needed and load the reference data, then close it again."""
    store = OxigraphStore(store_dir)
    try:
        store.ensure_reference_data()
    finally:
        store.close()  # release the RocksDB lock before the server opens the directory


def serve(store_dir: Path, port: int = DEFAULT_PORT, timeout_s: float = DEFAULT_TIMEOUT_S) -> int:
    """Replace this process with the Oxigraph server (Ctrl-C or SIGTERM stops it)."""
    prepare_store(store_dir)
    command = server_command(store_dir, port, timeout_s)
    base = f"http://127.0.0.1:{port}"
    print(f"SPARQL endpoint: {base}/query   (query page: {base}/)", flush=True)
    print(f"read-only, {timeout_s:g} s query time limit; Ctrl-C stops it", flush=True)
    if os.name == "nt":  # no exec: run it as a child and wait
        import subprocess

        try:
            return subprocess.call(command)
        except KeyboardInterrupt:
            return 0
    # exec keeps one PID: whoever started `fiscal-kg serve` can stop the server with it
    os.execv(command[0], command)
    return 0  # not reached
