"""Issue 16: `fiscal-kg serve` is safe to expose — probed on loopback as the issue's attacker did.

One server (`python -m fiscal_kg serve`, ephemeral port, a copy of the sample store) with small
limits: 2 s, 3 rows, 4,000 bytes, SERVICE allowed to one fake service only.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import free_port, stop, wait_for_sparql

from fiscal_kg.sparql_guard import GuardLimits, QueryRefused, check_query

TIMEOUT_S = 2
CAP = 3
MAX_BYTES = 4000
JSON = "application/sparql-results+json"
FKG = "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> "
DOCS = FKG + "SELECT ?d ?y WHERE { ?d a fkg:FiscalDocument ; fkg:fiscalYear ?y } ORDER BY ?d"
WIDE = (  # 3 rows of ~4 KB each: under the row cap, over the byte cap
    FKG + "SELECT ?wide WHERE { ?d a fkg:FiscalDocument "
    f"BIND(CONCAT({', '.join(['STR(?d)'] * 60)}) AS ?wide) }} LIMIT 3"
)
RUNAWAY = (  # an ORDER BY over a cartesian product of the store: ~10^9 rows to sort
    "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?b ?d"
)


class FakeService(BaseHTTPRequestHandler):
    """A SPARQL service on loopback: answers one row and records that it was asked."""

    asked: list[str] = []  # noqa: RUF012 — one list per subclass, see _service

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.asked.append(self.path)
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
            {"x": {"type": "literal", "value": "from the service"}}]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def _service() -> tuple[ThreadingHTTPServer, list[str]]:
    handler = type("Service", (FakeService,), {"asked": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler.asked


@pytest.fixture(scope="module")
def services():
    allowed, allowed_asked = _service()
    forbidden, forbidden_asked = _service()
    yield ((f"http://127.0.0.1:{allowed.server_address[1]}/sparql", allowed_asked),
           (f"http://127.0.0.1:{forbidden.server_address[1]}/sparql", forbidden_asked))
    allowed.shutdown()
    forbidden.shutdown()


@contextmanager
def _serving(sample_store_dir: Path, folder: Path, *options: str):
    """`python -m fiscal_kg serve OPTIONS` on a copy of the sample store and a free loopback
    port: (base URL, serve process, store folder, its stderr file)."""
    store, log = folder / "store", folder / "serve.stderr"
    shutil.copytree(sample_store_dir, store)
    port = free_port()
    with log.open("wb") as stderr:  # a file: a pipe nobody reads could fill and block serve
        proc = subprocess.Popen(
            [sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store),
             "--port", str(port), *options],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_sparql(base, proc)
        yield base, proc, store, log
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def served(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory, services):
    """(base URL, serve process, store folder) with the small limits above."""
    (allowed, _), _ = services
    options = ("--timeout", str(TIMEOUT_S), "--max-rows", str(CAP), "--max-bytes", str(MAX_BYTES),
               "--allow-service", allowed)  # fmt: skip
    with _serving(sample_store_dir, tmp_path_factory.mktemp("secured"), *options) as running:
        yield running[:3]


def _request(
    base: str, method: str, path: str, body: bytes | None = None,
    headers: dict[str, str] | None = None, timeout: float = 30,
) -> tuple[int, http.client.HTTPMessage, bytes]:  # fmt: skip
    """Status, headers (names case-insensitive: h11 sends them in lower case) and body."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _ask(base: str, route: str, how: str, query: str, accept: str = JSON):
    """The query sent one of the protocol's ways (and the way that bypassed the old cap)."""
    encoded = urlencode({"query": query})
    accept_only = {"Accept": accept}
    form = {**accept_only, "Content-Type": "application/x-www-form-urlencoded"}
    if how == "GET":
        return _request(base, "GET", f"{route}?{encoded}", headers=accept_only)
    if how == "POST form":
        return _request(base, "POST", route, encoded.encode(), form)
    if how == "POST direct":
        direct = {**accept_only, "Content-Type": "application/sparql-query"}
        return _request(base, "POST", route, query.encode(), direct)
    assert how == "POST empty form, query in URL"
    return _request(base, "POST", f"{route}?{encoded}", b"", form)


WAYS = ["GET", "POST form", "POST direct", "POST empty form, query in URL"]
ROUTES = ["/query", "/sparql"]


# --- 1. SERVICE --------------------------------------------------------------------------------


def test_service_is_refused_by_default(served, services) -> None:
    base, _, _ = served
    (allowed, _), (forbidden, forbidden_asked) = services
    for query in (f"SELECT * WHERE {{ SERVICE <{forbidden}> {{ ?s ?p ?o }} }}",
                  f"select * where {{ service silent <{forbidden}> {{ ?s ?p ?o }} }}",
                  "SELECT * WHERE { BIND(<x:y> AS ?u) SERVICE ?u { ?s ?p ?o } }"):
        status, headers, body = _ask(base, "/sparql", "POST form", query)
        assert status == 400, body
        assert headers["Content-Type"].startswith("text/plain")
        assert body.decode().startswith("query refused: SERVICE ")
        assert f"is not allowed on this endpoint; allowed: {allowed}\n" in body.decode()
    assert forbidden_asked == []  # the server never called out


def test_the_guard_names_service_and_the_option() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }", GuardLimits())
    assert str(refused.value) == (
        "SERVICE is not allowed on this endpoint (the query names http://10.0.0.1/): federated "
        "queries are off; the operator can allow a service with "
        "`fiscal-kg serve --allow-service URL`")
    allowed = GuardLimits(allowed_services=frozenset({"https://query.wikidata.org/sparql"}))
    # an escaped IRI (resolved by the engine, not here) never matches the allow-list
    with pytest.raises(QueryRefused):
        check_query(r"SELECT * { SERVICE <https://query.wikidata.org/\u0073parql> {} }", allowed)
    assert check_query("SELECT * { SERVICE <https://query.wikidata.org/sparql> {} }",
                       allowed).services == ["https://query.wikidata.org/sparql"]
    # a prefixed name, a string and a comment are no SERVICE clause
    text = 'PREFIX service: <urn:s#> SELECT * { ?s service:x "SERVICE <urn:y>" } # SERVICE <urn:z>'
    assert check_query(text, GuardLimits()).services == []


def test_an_allow_listed_service_is_federated(served, services) -> None:
    base, _, _ = served
    (allowed, allowed_asked), _ = services
    federated = f"SELECT ?x WHERE {{ SERVICE <{allowed}> {{ ?x ?p ?o }} }}"
    status, _, body = _ask(base, "/query", "GET", federated)
    assert status == 200, body
    rows = json.loads(body)["results"]["bindings"]
    assert [b["x"]["value"] for b in rows] == ["from the service"]
    assert allowed_asked == ["/sparql"]


def test_the_command_line_keeps_federation(services, sample_store_dir: Path,
                                          tmp_path: Path) -> None:  # fmt: skip
    (allowed, _), _ = services
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    rq = tmp_path / "federated.rq"
    rq.write_text(f"SELECT ?x WHERE {{ SERVICE <{allowed}> {{ ?x ?p ?o }} }}", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "fiscal_kg", "query", str(rq), "--store",
                           str(store), "--format", "csv"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["x", "from the service"]


# --- 2. one policy on every route and method --------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("how", WAYS)
def test_every_route_and_method_caps_rows(served, route: str, how: str) -> None:
    base, _, _ = served
    status, headers, body = _ask(base, route, how, DOCS)
    assert status == 200, body
    assert headers["X-SPARQL-MaxRows"] == str(CAP)
    assert len(json.loads(body)["results"]["bindings"]) == CAP  # the store has 5 reports


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("how", WAYS)
def test_every_route_and_method_caps_bytes(served, route: str, how: str) -> None:
    base, _, _ = served
    status, _, body = _ask(base, route, how, WIDE)
    assert status == 507, body
    assert body.decode() == f"The result is larger than the {MAX_BYTES:,}-byte limit; ask for " \
                            "fewer rows (LIMIT) or columns.\n"


def test_construct_is_capped(served) -> None:
    base, _, _ = served
    query = FKG + "CONSTRUCT { ?d fkg:fiscalYear ?y } WHERE { ?d fkg:fiscalYear ?y }"
    status, headers, body = _ask(base, "/sparql", "POST empty form, query in URL", query,
                                 "application/n-triples")  # fmt: skip
    assert status == 200 and headers["X-SPARQL-MaxRows"] == str(CAP)
    assert len(body.splitlines()) == CAP  # 5 reports, one year each


def test_describe_is_capped(served) -> None:
    base, _, _ = served
    years = FKG + "DESCRIBE ?y WHERE { ?d fkg:fiscalYear ?y }"  # literals: nothing to describe
    status, headers, body = _ask(base, "/sparql", "GET", years, "application/n-triples")
    assert (status, body, headers["X-SPARQL-MaxRows"]) == (200, b"", str(CAP))
    reports = FKG + "DESCRIBE ?d WHERE { ?d a fkg:FiscalDocument }"
    # three reports (capped) are described in more than 4,000 bytes
    assert _ask(base, "/sparql", "POST direct", reports, "application/n-triples")[0] == 507


def test_ask_answers_on_every_way(served) -> None:
    base, _, _ = served
    for how in WAYS:
        status, headers, body = _ask(base, "/sparql", how, "ASK { ?s a ?t }")
        assert (status, json.loads(body)["boolean"]) == (200, True)
        assert "X-SPARQL-MaxRows" not in headers


def test_updates_and_the_store_protocol_are_refused(served) -> None:
    base, _, _ = served
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    update = urlencode({"update": "INSERT DATA { <urn:a> <urn:b> 1 }"}).encode()
    for method, path, body, headers in [
        ("POST", "/query", update, form),
        ("POST", "/update", b"INSERT DATA { <urn:a> <urn:b> 1 }",
         {"Content-Type": "application/sparql-update"}),
        ("GET", "/store?default", None, {}),
        ("PUT", "/store?default", b"<urn:a> <urn:b> 1 .", {"Content-Type": "text/turtle"}),
    ]:  # fmt: skip
        status, _, text = _request(base, method, path, body, headers)
        assert status == 403 and b"read-only" in text, (method, path, text)
    assert _request(base, "DELETE", "/query")[0] == 405
    assert _request(base, "GET", "/etc/passwd")[0] == 404


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "message"), [
    ("GET", "/query", None, {}, 400, "no query: send query=… in the URL (GET) or in a form "
     "(POST), or the query itself as application/sparql-query (POST)"),
    ("GET", "/query?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400,
     "the query is given 2 times; send it once"),
    ("POST", "/query?query=ASK%7B%7D", b"ASK {}", {"Content-Type": "application/sparql-query"},
     400, "the query is given twice: in the body and in the URL"),
    ("GET", "/query?query=%FF", None, {}, 400, "the URL has a parameter that is not UTF-8"),
    ("POST", "/query", b"ASK {} \xff", {"Content-Type": "application/sparql-query"}, 400,
     "the query is not UTF-8 (invalid byte at 7)"),
    ("POST", "/query", b"query=ASK%7B%7D", {"Content-Type": "text/plain"}, 415,
     "a POST query is sent as application/x-www-form-urlencoded or application/sparql-query, "
     "not text/plain"),
    ("POST", "/query", b"x" * 300_000, {"Content-Type": "application/sparql-query"}, 413,
     "the request body is larger than the 200,704-byte limit"),
    ("POST", "/query", b"186a0\r\n" + b"x" * 100_000 + b"\r\n" * 1 + b"186a0\r\n" + b"x" * 100_000
     + b"\r\n186a0\r\n" + b"x" * 100_000 + b"\r\n0\r\n\r\n",  # chunked: no length declared
     {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"}, 413,
     "the request body is larger than the 200,704-byte limit"),
])  # fmt: skip
def test_protocol_errors_are_4xx_with_a_message(served, method: str, path: str, body,
                                                headers: dict, status: int, message: str) -> None:
    base, _, _ = served
    got, _, text = _request(base, method, path, body, headers)
    assert (got, text.decode()) == (status, message + "\n")


# --- 2. a runaway query is stopped in the engine -----------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds so far and resident bytes of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return (int(fields[11]) + int(fields[12])) / ticks, rss


def _engine(proc: subprocess.Popen) -> int:
    for _ in range(50):
        children = _children(proc.pid)
        if len(children) == 1:
            return children[0]
        time.sleep(0.05)
    raise AssertionError(f"serve has {len(children)} engine processes")


def test_a_runaway_query_is_stopped_in_the_engine(served) -> None:
    base, proc, _ = served
    before = _engine(proc)
    peak = [0]

    def watch() -> None:  # the engine's memory while the query runs
        while not done.is_set():
            try:
                peak[0] = max(peak[0], _cpu_and_rss(before)[1])
            except FileNotFoundError:
                return
            time.sleep(0.05)

    beside: list[int] = []

    def other_client() -> None:  # queries running beside it are sent again to the new engine
        while not done.is_set():
            beside.append(_ask(base, "/query", "POST direct", "ASK { ?s ?p ?o }")[0])
            time.sleep(0.05)

    done = threading.Event()
    threads = [threading.Thread(target=f, daemon=True) for f in (watch, other_client)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    status, _, body = _ask(base, "/query", "GET", RUNAWAY)
    answered = time.monotonic() - started
    done.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(beside) > 5 and set(beside) == {200}, beside
    assert status == 503, body
    assert body.decode() == (f"The query did not finish within the {TIMEOUT_S} s time limit; "
                             "make it more selective or add a LIMIT.\n")  # fmt: skip
    assert answered < TIMEOUT_S + 1
    # within 2 s of the 503: the engine that ran it is gone, the new one idle and small
    time.sleep(0.5)
    after = _engine(proc)
    assert after != before and not Path(f"/proc/{before}").exists()
    cpu0, _ = _cpu_and_rss(after)
    time.sleep(1.0)
    cpu1, rss = _cpu_and_rss(after)
    assert cpu1 - cpu0 < 0.2, f"the engine used {cpu1 - cpu0:.2f} s of CPU in 1 s after the 503"
    assert rss < 200 << 20, f"engine RSS {rss >> 20} MiB after the 503 (peak {peak[0] >> 20})"
    print(f"runaway: 503 after {answered:.2f} s, engine peak {peak[0] >> 20} MiB, "
          f"after {rss >> 20} MiB")
    status, _, body = _ask(base, "/query", "GET", "ASK { ?s ?p ?o }")
    assert (status, json.loads(body)["boolean"]) == (200, True)  # and it goes on answering


def test_an_engine_past_its_memory_limit_is_restarted(sample_store_dir: Path,
                                                      tmp_path: Path) -> None:  # fmt: skip
    options = ("--timeout", "30", "--max-memory", "300")
    with _serving(sample_store_dir, tmp_path, *options) as (base, proc, _, log):
        started = time.monotonic()
        status, _, body = _ask(base, "/query", "GET", RUNAWAY)
        answered = time.monotonic() - started
        assert (status, body.decode()) == (503, (
            "The query engine passed its 300 MiB memory limit while answering and was restarted; "
            "make the query more selective or add a LIMIT.\n"))
        assert answered < 10  # long before its 30 s
        time.sleep(0.5)
        _, rss = _cpu_and_rss(_engine(proc))
        assert rss < 200 << 20
        print(f"memory limit: 503 after {answered:.2f} s")
    assert b"passed its 300 MiB memory limit; restarting it" in log.read_bytes()


# --- 3. the query text is checked before the engine sees it ------------------------------------


@pytest.mark.parametrize("depth", [1_000, 5_000])
def test_deep_nesting_is_refused_with_400(served, depth: int) -> None:
    base, proc, _ = served
    engine = _engine(proc)
    query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    for how in ("GET", "POST direct"):
        status, _, body = _ask(base, "/query", how, query)
        assert status == 400, body
        assert body.decode() == ("query refused: the query nests braces, parentheses or "
                                 "brackets more than 64 deep\n")  # fmt: skip
    assert _engine(proc) == engine  # the engine never saw it


def test_long_operator_chains_and_large_queries_are_refused(served) -> None:
    base, _, _ = served
    chain = "SELECT * WHERE { FILTER(1" + "-1" * 5_000 + ") }"
    status, _, body = _ask(base, "/query", "POST direct", chain)
    assert (status, body.decode()) == (400, "query refused: the query has more than 1,000 "
                                            "operators, clauses and brackets (UNION, OPTIONAL, "
                                            "BIND, FILTER, {, (, +, &&, / …)\n")
    large = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 70_000
    status, _, body = _ask(base, "/query", "POST direct", large)
    assert (status, body.decode()) == (400, "query refused: the query is 70,030 bytes long; "
                                            "the limit is 65,536 bytes\n")
    # a SERVICE keyword inside a string, an IRI or a comment is no SERVICE clause
    fine = 'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" } # SERVICE <http://x/>'
    assert _ask(base, "/query", "GET", fine)[0] == 200


@pytest.mark.parametrize("depth", [1_000, 5_000])
def test_the_command_line_refuses_deep_nesting(tmp_path: Path, depth: int) -> None:
    rq = tmp_path / "deep.rq"
    rq.write_text("SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "fiscal_kg", "query", str(rq), "--store",
                           str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == ("fiscal-kg query: deep: the query nests braces, parentheses or "
                           "brackets more than 64 deep\n")  # fmt: skip


# --- 4. the HTTP front -------------------------------------------------------------------------


def _raw(base: str, data: bytes, timeout: float = 10) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received:
                break
        return received


@pytest.mark.parametrize(("length", "status"), [
    (b"abc", b"400"), (b"1000000000000", b"413"), (b"-5", b"400"), (b"12, 13", b"400")])
def test_malformed_or_huge_content_length_gets_4xx(served, length: bytes, status: bytes) -> None:
    base, _, _ = served
    head = (b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: " + length + b"\r\n\r\n")  # fmt: skip
    assert _raw(base, head).split(b"\r\n")[0].split(b" ")[:2] == [b"HTTP/1.1", status]


def test_half_open_connections_do_not_starve_a_client(served) -> None:
    base, _, _ = served
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    host, port = base.removeprefix("http://").split(":")
    idle: list[socket.socket] = []
    try:
        stalled = socket.create_connection((host, int(port)), timeout=20)
        stalled.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                        b"Content-Type: application/sparql-query\r\n\r\nASK")  # 3 of 100
        idle.append(stalled)
        for _ in range(1_100):  # each has sent half a request line and waits
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
            idle.append(sock)
        started = time.monotonic()
        status, _, body = _request(base, "GET", "/query?query=ASK%7B%7D",
                                   headers={"Accept": JSON}, timeout=2)  # fmt: skip
        assert (status, json.loads(body)["boolean"]) == (200, True)
        assert time.monotonic() - started < 2
        # and the half-sent requests are dropped after the 5 s header timeout
        idle[1].settimeout(10)
        assert idle[1].recv(100) == b""
        # and one that stalls in its body gets 408 after the 10 s body timeout
        assert stalled.recv(1000).startswith(b"HTTP/1.1 408 ")
    finally:
        for sock in idle:
            sock.close()


def test_200_clients_for_30_seconds(sample_store_dir: Path, tmp_path: Path) -> None:
    # the default limits (30 s): a busy shared machine must not turn slow answers into 503s
    with _serving(sample_store_dir, tmp_path) as (base, *_):
        _clients_for_30_seconds(base)


def _clients_for_30_seconds(base: str) -> None:
    queries = [DOCS, "ASK { ?s ?p ?o }", DOCS + " LIMIT 2",
               FKG + "SELECT (COUNT(*) AS ?n) WHERE { ?f fkg:amount ?a }"]
    statuses: Counter[int | str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 30

    def client(index: int) -> None:
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        n = index
        while time.monotonic() < stop_at:
            n += 1
            started = time.monotonic()
            try:
                conn.request("GET", "/query?" + urlencode({"query": queries[n % 4]}),
                             headers={"Accept": JSON})  # fmt: skip
                response = conn.getresponse()
                response.read()
                result: int | str = response.status
            except (OSError, http.client.HTTPException) as exc:
                result = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            with lock:
                statuses[result] += 1
                latencies.append(time.monotonic() - started)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2], latencies[len(latencies) * 99 // 100]
    print(f"200 clients, 30 s: {dict(statuses)}, {len(latencies) / 30:.0f} requests/s, "
          f"p50 {p50:.3f} s, p99 {p99:.3f} s")
    assert set(statuses) == {200}, dict(statuses)
    assert statuses[200] >= 200


# --- 5. serve and load on one store ------------------------------------------------------------


def test_a_load_into_the_served_store_is_refused(served, sample_paths: list[Path]) -> None:
    _, proc, store = served
    done = subprocess.run([sys.executable, "-m", "fiscal_kg", "load", "--store", str(store),
                           str(sample_paths[0])], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot write to store {store}: `fiscal-kg serve` (pid {proc.pid}, " in done.stderr
    assert "is serving it; stop the server, write, then start it again" in done.stderr
    # queries from the command line still read it (opened read-only beside the server)
    query = subprocess.run([sys.executable, "-m", "fiscal_kg", "query", "documents", "--store",
                            str(store), "--format", "csv"],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert query.returncode == 0, query.stderr
    assert len(query.stdout.splitlines()) == 1 + 5  # the header and the five sample reports
    # …and so do exports
    export = subprocess.run([sys.executable, "-m", "fiscal_kg", "export", "--store", str(store),
                             "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert export.returncode == 0, export.stderr
    assert "2080109" in export.stdout and "303.87" in export.stdout  # 002's 表五 row


def test_serving_and_writing_exclude_each_other(tmp_path: Path) -> None:
    from fiscal_kg.endpoint_lock import hold_for_serving
    from fiscal_kg.store import OxigraphStore

    store_dir = tmp_path / "store"
    OxigraphStore(store_dir).close()
    writer = OxigraphStore(store_dir)  # a load in progress: serve does not start
    with pytest.raises(OSError, match="another process is writing to it"):
        hold_for_serving(store_dir, "http://127.0.0.1:1")
    writer.close()
    served = hold_for_serving(store_dir, "http://127.0.0.1:1")
    with pytest.raises(OSError, match=r"`fiscal-kg serve` \(pid \d+, http://127.0.0.1:1\) is "
                                      "serving it"):
        OxigraphStore(store_dir)
    OxigraphStore(store_dir, read_only=True).close()  # readers are not in the way
    served.close()  # the server stopped: writing works again
    OxigraphStore(store_dir).close()


def test_a_taken_port_is_a_message_not_a_traceback(sample_store_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store),
                               "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (f"fiscal-kg serve: cannot listen on 127.0.0.1:{port}: "
                           "Address already in use\n")  # fmt: skip
