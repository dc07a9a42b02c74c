"""A throwaway Virtuoso Open Source server (Debian's ``virtuoso-t``) for tests and the bench.

``with Virtuoso(load_dirs=[shards]) as v:`` writes a ``virtuoso.ini`` into a fresh temporary
directory (or ``workdir``), starts ``virtuoso-t`` in the foreground on two free loopback ports
(SQL for ``isql-vt``, HTTP for ``/sparql``), grants the anonymous SPARQL user what SPARQL Update
and the Graph Store Protocol need, waits until ``/sparql`` answers, and on exit shuts it down
(``shutdown`` over SQL, then SIGTERM, then SIGKILL, by its PID) and removes the directory.

The settings are the ones a real deployment must change too (README, "Virtuoso"): the default
``ResultSetMaxRows`` (10,000) and ``MaxQueryExecutionTime`` (60 s) cut results silently, and
``MaxSortedTopRows`` refuses ORDER BY … LIMIT beyond 10,000 rows.

Usage::

    python -m bench.virtuoso            # start one, print its URLs, stop on Ctrl-C
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import requests

from fiscal_kg.processes import stop_process

VIRTUOSO_T = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
START_TIMEOUT_S = 120  # a new database is created on the first start: a few seconds here
# What the unauthenticated SPARQL user ("SPARQL") needs to write, measured on a new database:
# without it SPARQL Update on /sparql answers 500 and a Graph Store PUT on /sparql-graph-crud 403;
# with it both write (no graph-level permissions are set on a new database).
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


def installed() -> bool:
    """Whether Debian's Virtuoso server and its isql are on this machine."""
    return Path(VIRTUOSO_T).is_file() and Path(ISQL).is_file()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ini_text(
    dbdir: Path, sql_port: int, http_port: int, dirs_allowed: Iterable[Path], buffers: int
) -> str:
    """The server's configuration: everything under ``dbdir``, loopback ports only."""
    dirs = ", ".join([".", *(str(Path(d).resolve()) for d in dirs_allowed)])
    return f"""\
[Database]
DatabaseFile       = {dbdir}/virtuoso.db
ErrorLogFile       = {dbdir}/virtuoso.log
LockFile           = {dbdir}/virtuoso.lck
TransactionFile    = {dbdir}/virtuoso.trx
xa_persistent_file = {dbdir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dbdir}/virtuoso-temp.db
TransactionFile    = {dbdir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = {dirs}
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {buffers * 3 // 4}
MaxQueryMem              = 1G
MaxSortedTopRows         = 100000000

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {dbdir}
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 1000000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DefaultGraph               =
"""


class Virtuoso:
    """One Virtuoso server in its own directory; a context manager."""

    def __init__(
        self,
        *,
        load_dirs: Iterable[Path] = (),
        workdir: Path | None = None,
        buffers: int = 20000,  # 8 KB pages: ~160 MB, enough for the bench's 1,000 reports
    ) -> None:
        self.load_dirs = [Path(d) for d in load_dirs]
        self._own_dir = workdir is None
        self.dir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="virtuoso-"))
        self.buffers = buffers
        self.sql_port = free_port()
        self.http_port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Query and update endpoint (SPARQL 1.1 Protocol; updates are POSTed here too)."""
        return f"{self.base}/sparql"

    @property
    def gsp_url(self) -> str:
        """SPARQL 1.1 Graph Store HTTP Protocol endpoint (``?graph=IRI``), no authentication."""
        return f"{self.base}/sparql-graph-crud"

    @property
    def log(self) -> Path:
        return self.dir / "virtuoso.log"

    def start(self) -> Virtuoso:
        if not installed():
            raise FileNotFoundError(f"{VIRTUOSO_T} or {ISQL} is missing (apt-get install "
                                    "virtuoso-opensource)")  # fmt: skip
        self.dir.mkdir(parents=True, exist_ok=True)
        ini = self.dir / "virtuoso.ini"
        ini.write_text(
            ini_text(self.dir, self.sql_port, self.http_port, self.load_dirs, self.buffers),
            encoding="utf-8",
        )
        # -f: stay in the foreground, so this process owns it and knows its PID
        self.proc = subprocess.Popen(
            [VIRTUOSO_T, "-f", "-c", str(ini)],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_for_sparql()
            self.isql(GRANTS)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_sparql(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"virtuoso-t exited ({code}): {self._log_tail()}")
            try:
                answer = requests.get(
                    self.sparql_url,
                    params={"query": "ASK {}"},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=5,
                )
                if answer.ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"no answer from {self.sparql_url} in {START_TIMEOUT_S} s: "
                           f"{self._log_tail()}")  # fmt: skip

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return "(no log)"

    def isql(self, sql: str, timeout: float = 3600) -> str:
        """Run SQL statements (``;``-separated) as dba; their output. Raises on an error."""
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
             "PROMPT=OFF", "ERRORS=STDOUT"],
            input=sql if sql.rstrip().endswith(";") else sql + ";",
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        out = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql failed ({done.returncode}): {out.strip()[:2000]}")
        return out

    def stop(self) -> None:
        """Shut down cleanly (checkpoint), by SQL first, then by signals to our PID."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                subprocess.run(
                    [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=shutdown;"],
                    capture_output=True, timeout=60,
                )  # fmt: skip
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                stop_process(proc, timeout=30)
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    with Virtuoso() as server:
        print(f"SPARQL (query and update): {server.sparql_url}")
        print(f"Graph Store Protocol:      {server.gsp_url}")
        print(f"isql:                      {ISQL} 127.0.0.1:{server.sql_port} dba dba")
        with contextlib.suppress(KeyboardInterrupt):
            server.proc.wait() if server.proc else None
