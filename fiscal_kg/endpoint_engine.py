"""The query engine behind ``fiscal-kg serve``: an Oxigraph server child that can be killed.

Oxigraph's own time limit (``--timeout-s``) does not stop every query: an ORDER BY over a
cartesian product kept a core busy for over a minute and grew to 15 GB after its limit, and
pyoxigraph cannot cancel a query at all. A separate process can be stopped, so the engine is the
``oxigraph serve-read-only`` child on a private loopback port, and

* a query that runs out of time gets the child killed (``kill``) and a fresh one started: the
  CPU and memory come back at once. Queries that were running beside it see their connection
  drop and are sent once more to the new child (``request`` retries when the child changed);
* a watchdog kills the child when its resident memory passes ``max_rss`` (a query that grows
  fast may otherwise exhaust the machine before its time is up);
* a child that died by itself (Oxigraph 0.5.13 panics on some ORDER BYs) is restarted.
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
from dataclasses import dataclass
from pathlib import Path

from fiscal_kg.processes import stop_process

WATCH_INTERVAL_S = 0.1
MAX_KEPT = 32  # idle connections to the child kept open (queries run 8 at a time)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class TimeLimit(Exception):
    """The engine did not deliver the whole response in time."""


class TooLarge(Exception):
    """The engine's response is larger than the byte limit."""


class EngineLost(Exception):
    """The engine died or was killed while answering (twice, or too late to try again)."""


class MemoryLimit(EngineLost):
    """The engine passed its memory limit while answering (twice) and was restarted."""


@dataclass
class EngineAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


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


def server_command(store_dir: Path, port: int) -> list[str]:
    """The Oxigraph child: read-only, loopback only, the same default graph as `fiscal-kg query`.

    Without Oxigraph's own ``--timeout-s``: it starts a thread per query that sleeps out the
    limit, so 600 queries a second kept ≈ 12,000 threads alive at 20 s and, at 30 s, creating
    one more failed (its memory maps ran out) and Oxigraph aborted. The front kills the child at
    the time limit instead."""
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location", str(store_dir),
        "--bind", f"127.0.0.1:{port}",
        "--union-default-graph",
    ]  # fmt: skip


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


def resident_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc; 0 where it cannot be read)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class Engine:
    """The Oxigraph child process on a private port; ``generation`` counts its (re)starts."""

    def __init__(self, store_dir: Path, max_rss: int) -> None:
        self.store_dir, self.max_rss = store_dir, max_rss
        self.port = 0
        self.generation = 0
        self.kills = 0  # children killed for a time or memory limit (for tests and logs)
        self.memory_kills: set[int] = set()  # generations killed by the memory watchdog
        self._idle: list[tuple[int, http.client.HTTPConnection]] = []  # kept-alive connections
        self._idle_lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        # The parent-death signal follows the *thread* that started the child, and a restart
        # happens in a request's thread, which ends: children are started by this one thread,
        # which lives as long as the server.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxigraph-spawn")
        self._die_with_parent = _parent_death_signal()
        threading.Thread(target=self._watch_memory, daemon=True, name="oxigraph-rss").start()

    def ensure_running(self) -> int:
        """Start the child if there is none; the generation of the running one."""
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                return self.generation
            self.port = free_port()
            command = server_command(self.store_dir, self.port)
            self.proc = self._spawner.submit(
                subprocess.Popen, command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                preexec_fn=self._die_with_parent,
            ).result()
            self.generation += 1
            threading.Thread(target=_relay_log, args=(self.proc,), daemon=True).start()
            self._wait_ready(self.proc, self.port)
            return self.generation

    @staticmethod
    def _wait_ready(proc: subprocess.Popen[bytes], port: int) -> None:
        for _ in range(300):
            if proc.poll() is not None:
                raise RuntimeError("the Oxigraph server exited at start")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the Oxigraph server did not start within 15 s")

    def kill(self, generation: int, for_memory: bool = False) -> None:
        """Stop the child of ``generation`` (a query in it ran out of time or memory) and start
        another."""
        with self._lock:
            if self.generation != generation or self.proc is None or self._stopped.is_set():
                return  # already replaced
            if for_memory:
                self.memory_kills.add(generation)
            # counted before the kill: a query that sees its connection drop must know why
            self.generation += 1  # queries that were running in it are sent again
            self.kills += 1
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        if not self._stopped.is_set():  # ready before the next query comes (a thread of its
            # own: ensure_running hands the start to the spawner thread and waits for it)
            threading.Thread(target=self._restart, daemon=True).start()

    def _restart(self) -> None:
        try:
            self.ensure_running()
        except (OSError, RuntimeError) as exc:  # the next query tries again
            print(f"fiscal-kg serve: restarting the query engine failed: {exc}",
                  file=sys.stderr, flush=True)  # fmt: skip

    def _watch_memory(self) -> None:
        while not self._stopped.wait(WATCH_INTERVAL_S):
            proc, generation = self.proc, self.generation
            if proc is not None and proc.poll() is None and resident_bytes(proc.pid) > self.max_rss:
                mib = self.max_rss >> 20
                print(f"fiscal-kg serve: the query engine passed its {mib} MiB memory limit; "
                      "restarting it", file=sys.stderr, flush=True)  # fmt: skip
                self.kill(generation, for_memory=True)

    def stop(self) -> None:
        self._stopped.set()
        self._spawner.shutdown(wait=False)
        with self._lock:
            proc = self.proc
        if proc is not None:
            stop_process(proc, timeout=10)

    def request(self, path: str, body: bytes, headers: dict[str, str], deadline: float,
                max_bytes: int) -> EngineAnswer:  # fmt: skip
        """One POST to the child, whole body read; killed and TimeLimit after ``deadline``,
        TooLarge past ``max_bytes``; sent again once if the child was replaced meanwhile."""
        for attempt in (1, 2):
            _left(deadline)  # out of time before it was sent: nothing to stop
            generation = self.ensure_running()
            try:
                return self._exchange(generation, "POST", path, body, headers, deadline,
                                      max_bytes)  # fmt: skip
            except TimeLimit:
                self.kill(generation)
                raise
            except (ConnectionError, http.client.HTTPException) as exc:
                # sent again only when another query's limit replaced the child; one that
                # died by itself (maybe of this very query) is restarted for the next query
                if attempt == 2 and generation in self.memory_kills:
                    raise MemoryLimit from exc
                if attempt == 2 or self.generation == generation:
                    raise EngineLost(str(exc) or type(exc).__name__) from exc
        raise AssertionError("unreachable")

    def get(self, path: str, deadline: float) -> EngineAnswer:
        """A GET of one of Oxigraph's static files (the query page)."""
        generation = self.ensure_running()
        return self._exchange(generation, "GET", path, None, {}, deadline, 1 << 24)

    def _exchange(
        self, generation: int, method: str, path: str, body: bytes | None,
        headers: dict[str, str], deadline: float, max_bytes: int,
    ) -> EngineAnswer:  # fmt: skip
        """One request on a kept-alive connection (Oxigraph runs a thread per connection, and
        under load a connection per request left thousands of them behind, until creating one
        failed for want of memory maps); a kept one that the child has closed is replaced."""
        conn, kept = self._take(generation), True
        if conn is None:
            conn, kept = http.client.HTTPConnection("127.0.0.1", self.port), False
        reusable = False
        try:
            try:
                response = self._send(conn, method, path, body, headers, deadline)
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                if not kept:
                    raise
                conn.close()  # closed while it was kept: once more on a new connection
                conn = http.client.HTTPConnection("127.0.0.1", self.port)
                response = self._send(conn, method, path, body, headers, deadline)
            chunks, size = [], 0
            while chunk := response.read1(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge  # closing the socket makes Oxigraph stop writing
                chunks.append(chunk)
                conn.sock.settimeout(_left(deadline))
            response.read()  # read1 leaves a finished response open: this ends it for reuse
            reusable = not response.will_close
            return EngineAnswer(response.status, response.getheaders(), b"".join(chunks))
        except TimeoutError as exc:
            raise TimeLimit from exc
        finally:
            if reusable:
                self._keep(generation, conn)
            else:
                conn.close()

    @staticmethod
    def _send(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
              headers: dict[str, str], deadline: float) -> http.client.HTTPResponse:  # fmt: skip
        if conn.sock is None:
            conn.timeout = _left(deadline)
            conn.connect()
        conn.sock.settimeout(_left(deadline))  # each read gets the time that is left
        conn.request(method, path, body=body, headers=headers)
        return conn.getresponse()

    def _take(self, generation: int) -> http.client.HTTPConnection | None:
        with self._idle_lock:
            while self._idle:
                kept_generation, conn = self._idle.pop()
                if kept_generation == generation:
                    return conn
                conn.close()
        return None

    def _keep(self, generation: int, conn: http.client.HTTPConnection) -> None:
        with self._idle_lock:
            if generation == self.generation and len(self._idle) < MAX_KEPT:
                self._idle.append((generation, conn))
                return
        conn.close()


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
