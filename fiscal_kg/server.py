"""``fiscal-kg serve``: a read-only SPARQL 1.1 Protocol endpoint with a time limit and a row cap.

The endpoint is the Oxigraph server from the ``oxigraph`` PyPI package
(``oxigraph serve-read-only``): it reads the RocksDB directory pyoxigraph
writes, implements the protocol (GET and POST, content negotiation for JSON,
XML, CSV, TSV and Turtle/N-Triples), refuses updates, cancels a query after
``--timeout-s`` and serves a bundled YASGUI page at ``/``.

Neither it (0.5.13, the newest on PyPI) nor rdflib-endpoint (0.6.3) has a
result-row cap, and rdflib-endpoint has no time limit at all (it runs the
query to the end, in memory, inside its request handler). Oxigraph's limit
stops evaluation but not the response: it has sent ``200`` before it cancels,
so a cancelled query looks like a successful one cut short. So ``serve`` puts
a small front of its own before an Oxigraph child on a private loopback port:

* the cap: every SELECT, CONSTRUCT and DESCRIBE gets an outer ``LIMIT`` of at
  most ``max_rows`` (``fiscal_kg.query.cap_rows``); the response then carries
  ``X-SPARQL-MaxRows`` (the header Virtuoso uses for the same thing). The
  result is truncated, not refused: the engine stops after ``max_rows``
  solutions, and OFFSET still pages through the rest.
* the time limit: the front waits at most ``timeout_s`` for the whole
  response, which it holds (bounded by the cap) before sending, so a query
  that runs out of time gets ``503`` and a message instead of a cut ``200``.
  Oxigraph's own limit is a second longer and stops the evaluation behind it.
* everything else (the page, the protocol, refusing updates) is Oxigraph's,
  relayed unchanged; an Oxigraph that died (0.5.13 panics on some ORDER BYs)
  is restarted.

Oxigraph documents that a read-only opening alongside a writing process is
undefined behaviour, so ``serve`` closes its own handle first and must not run
while ``fiscal-kg load`` writes to the same directory: stop it, load, restart.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from fiscal_kg.query import cap_rows
from fiscal_kg.store import OxigraphStore

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 10_000
MAX_ROWS_ENV = "FISCAL_KG_MAX_ROWS"  # default of `fiscal-kg serve --max-rows`
ENGINE_GRACE_S = 1.0  # Oxigraph's own limit is this much longer: the front answers first
# Not relayed: hop-by-hop headers, the length (the front sets it) and what http.server adds itself.
NOT_RELAYED = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


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


def server_command(store_dir: Path, port: int, timeout_s: float) -> list[str]:
    """The Oxigraph child: read-only, loopback only, the same default graph as `fiscal-kg query`."""
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location", str(store_dir),
        "--bind", f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s", f"{timeout_s + ENGINE_GRACE_S:g}",
    ]  # fmt: skip


def prepare_store(store_dir: Path) -> None:
    """Create the store if needed and load the reference data, then close it again."""
    store = OxigraphStore(store_dir)
    try:
        store.ensure_reference_data()
    finally:
        store.close()  # release the RocksDB lock before the server opens the directory


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _parent_death_signal() -> object | None:
    """A function for the child to call before exec that makes Linux send it SIGTERM when its
    parent thread ends — even when the server is killed with SIGKILL and cannot stop it. Resolved
    here, in the parent: between fork and exec only an already-loaded C function is safe to call."""
    name = ctypes.util.find_library("c")
    if not sys.platform.startswith("linux") or name is None:
        return None  # elsewhere a server killed by SIGKILL leaves its child running
    prctl = ctypes.CDLL(name, use_errno=True).prctl
    return lambda: prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


class TimeLimit(Exception):
    """The engine did not deliver the whole response in time."""


class Engine:
    """The Oxigraph child process on a private port (restarted when it has died)."""

    def __init__(self, store_dir: Path, timeout_s: float) -> None:
        self.store_dir, self.timeout_s = store_dir, timeout_s
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        # The parent-death signal follows the *thread* that started the child, and a restart
        # happens in a request's thread, which ends: children are started by this one thread,
        # which lives as long as the server.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxigraph-spawn")
        self._die_with_parent = _parent_death_signal()

    def ensure_running(self) -> None:
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                return
            self.port = free_port()
            command = server_command(self.store_dir, self.port, self.timeout_s)
            self.proc = self._spawner.submit(
                subprocess.Popen, command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                preexec_fn=self._die_with_parent,
            ).result()
            threading.Thread(target=_relay_log, args=(self.proc,), daemon=True).start()
            self._wait_ready()

    def _wait_ready(self) -> None:
        for _ in range(300):
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError("the Oxigraph server exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the Oxigraph server did not start within 30 s")

    def stop(self) -> None:
        self._spawner.shutdown(wait=False)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def request(
        self, method: str, path: str, body: bytes, headers: dict[str, str], deadline: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and the whole body of one request; TimeLimit after ``deadline``."""
        self.ensure_running()
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=_left(deadline))
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        conn.sock = sock  # our socket, so each read can be given the time that is left
        try:
            conn.request(method, path, body=body or None, headers=headers)
            sock.settimeout(_left(deadline))
            response = conn.getresponse()
            chunks = []
            while chunk := response.read1(1 << 16):
                chunks.append(chunk)
                sock.settimeout(_left(deadline))
            return response.status, response.getheaders(), b"".join(chunks)
        except TimeoutError as exc:
            raise TimeLimit from exc
        finally:
            conn.close()
            sock.close()


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeLimit
    return left


def _relay_log(proc: subprocess.Popen[bytes]) -> None:
    """Oxigraph's stderr to ours, without its private 'Listening …' line."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if not line.startswith(b"Listening for requests"):
            sys.stderr.buffer.write(line)
            sys.stderr.flush()


def cap_request(
    method: str, path: str, content_type: str, body: bytes, max_rows: int
) -> tuple[str, bytes, bool]:
    """The request with the query in it capped (GET parameter, form field or direct POST)."""
    url = urlsplit(path)
    if url.path != "/query":
        return path, body, False
    if method == "GET":
        query, capped = _cap_form(url.query, max_rows)
        return f"{url.path}?{query}", body, capped
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/sparql-query":
        text, capped = cap_rows(body.decode("utf-8", "replace"), max_rows)
        return path, text.encode("utf-8"), capped
    if kind == "application/x-www-form-urlencoded":
        form, capped = _cap_form(body.decode("utf-8", "replace"), max_rows)
        return path, form.encode("ascii"), capped
    return path, body, False


def _cap_form(encoded: str, max_rows: int) -> tuple[str, bool]:
    pairs, capped = [], False
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        if key == "query":
            value, changed = cap_rows(value, max_rows)
            capped = capped or changed
        pairs.append((key, value))
    return urlencode(pairs), capped


class Front(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, engine: Engine, timeout_s: float, max_rows: int) -> None:
        super().__init__(("127.0.0.1", port), FrontHandler)
        self.engine, self.timeout_s, self.max_rows = engine, timeout_s, max_rows


class FrontHandler(BaseHTTPRequestHandler):
    server: Front

    def do_GET(self) -> None:
        self._relay()

    do_POST = do_PUT = do_DELETE = do_GET  # writes reach Oxigraph, which refuses them

    def _relay(self) -> None:
        deadline = time.monotonic() + self.server.timeout_s
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        path, body, capped = cap_request(self.command, self.path, content_type, body,
                                         self.server.max_rows)  # fmt: skip
        headers = {k: v for k in ("Accept", "Content-Type") if (v := self.headers.get(k))}
        try:
            status, head, data = self.server.engine.request(self.command, path, body, headers,
                                                            deadline)  # fmt: skip
        except TimeLimit:
            limit = f"{self.server.timeout_s:g}"
            self._error(503, f"The query did not finish within the {limit} s time limit; "
                             "make it more selective or add a LIMIT.\n")  # fmt: skip
            return
        except (ConnectionError, http.client.HTTPException) as exc:
            self._error(502, f"The query engine failed ({exc}); it is restarted for the next "
                             "query.\n")  # fmt: skip
            return
        self.send_response(status)
        for name, value in head:
            if name.lower() not in NOT_RELAYED:
                self.send_header(name, value)
        if capped:
            self.send_header("X-SPARQL-MaxRows", str(self.server.max_rows))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        data = message.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet, like Oxigraph


def max_rows_setting() -> int:
    value = os.environ.get(MAX_ROWS_ENV)
    return int(value) if value else DEFAULT_MAX_ROWS


def serve(
    store_dir: Path,
    port: int = DEFAULT_PORT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int | None = None,
) -> int:
    """Serve until Ctrl-C or SIGTERM; the Oxigraph child is stopped with us."""
    prepare_store(store_dir)
    max_rows = max_rows if max_rows is not None else max_rows_setting()
    engine = Engine(store_dir, timeout_s)
    engine.ensure_running()
    front = Front(port, engine, timeout_s, max_rows)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    base = f"http://127.0.0.1:{port}"
    print(f"SPARQL endpoint: {base}/query   (query page: {base}/)", flush=True)
    print(f"read-only, {timeout_s:g} s query time limit, at most {max_rows:,} result rows; "
          "Ctrl-C stops it", flush=True)  # fmt: skip
    try:
        front.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        front.server_close()
        engine.stop()
    return 0
