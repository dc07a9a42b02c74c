"""Shared fixtures: the five sample reports, and one store loaded with them."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fiscal_kg.processes import stop_process as stop  # tests import it from here

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"


# the five sample reports (unit name, year) in the order listings sort and page them
SAMPLES_IN_LISTING_ORDER = [
    ("乌鲁木齐市社会保险中心", "2023"), ("克孜勒苏柯尔克孜自治州社会保险中心", "2022"),
    ("奇台县社会保险管理局", "2024"), ("苍溪县社会保险事务中心", "2023"),
    ("阿图什市社会保险中心", "2023")]  # fmt: skip


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    paths = sorted(SAMPLES.glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]) -> Path:
    """A store directory with the five samples loaded, validated and linked (then closed)."""
    from fiscal_kg.cli import run_linking, run_validation
    from fiscal_kg.ingest import load_paths
    from fiscal_kg.store import OxigraphStore

    path = tmp_path_factory.mktemp("samples") / "store"
    # Built in memory and written to disk in one go: validation runs ~20x faster on an
    # in-memory store (the CLI tests cover loading into an on-disk store).
    memory = OxigraphStore()
    summary = load_paths(memory, sample_paths, quiet=True)
    assert not summary.failed, [p.error for p in summary.failed]
    run_validation(memory)
    run_linking(memory, None)
    with OxigraphStore(path) as store:
        store.add_quads(memory.quads())
    return path


@pytest.fixture(scope="session")
def sample_store(sample_store_dir: Path):
    """The sample store, open read-only so other tests may open the directory too."""
    from fiscal_kg.store import OxigraphStore

    store = OxigraphStore(sample_store_dir, read_only=True)
    yield store
    store.close()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_sparql(base: str, proc: subprocess.Popen) -> None:
    """Poll ``base``/query with ASK {} until it answers (bounded: about 30 s)."""
    import requests

    for _ in range(300):
        assert proc.poll() is None, "the SPARQL server exited early"
        try:
            if requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"no SPARQL server answered at {base}")


@contextmanager
def oxigraph_server(*args: str) -> Iterator[str]:
    """Run ``oxigraph ARGS --bind 127.0.0.1:PORT``; yields the base URL, stops it after."""
    from fiscal_kg.server import oxigraph_binary

    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), *args, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_sparql(base, proc)
        yield base
    finally:
        stop(proc)


@contextmanager
def serving_002_and_04_pdf(folder: Path, *serve_options: str) -> Iterator[str]:
    """`fiscal-kg serve SERVE_OPTIONS` on a store of sample 002 (text) and the 司法局's 2026 budget
    (04, PDF), loaded with --validate into ``folder``: yields the base URL."""
    import sys

    store = folder / "store"
    report_002 = SAMPLES / "002_0692fe3ff6bbe2a2.txt"
    pdf_04 = next((SAMPLES.parent / "realworld").glob("04_*/*.pdf"))
    loaded = subprocess.run(
        [sys.executable, "-m", "fiscal_kg", "load", "--validate", "--store", str(store),
         str(report_002), str(pdf_04)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "validated 2 report(s)" in loaded.stdout, loaded.stdout + loaded.stderr
    with serving(store, *serve_options) as (base, _):
        yield base


@contextmanager
def serving(store: Path, *serve_options: str, output: int = subprocess.DEVNULL,
            env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`fiscal-kg serve --store STORE SERVE_OPTIONS` on a free loopback port: yields its base
    URL and process (``output``: where its stdout and stderr go), stops it after."""
    import sys

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store), "--port", str(port),
         *serve_options],
        stdout=output, stderr=subprocess.STDOUT if output == subprocess.PIPE else output, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_sparql(base, proc)
        yield base, proc
    finally:
        stop(proc)  # serve stops its Oxigraph child when it ends
