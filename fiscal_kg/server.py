"""``fiscal-kg serve``: a read-only SPARQL 1.1 Protocol endpoint that is safe to expose.

The engine is the Oxigraph server from PyPI (``oxigraph serve-read-only`` on a private loopback
port, ``fiscal_kg.endpoint_engine``): it evaluates queries, negotiates the result format (JSON,
XML, CSV, TSV, Turtle/N-Triples) and bundles the YASGUI query page. In front of it is one ASGI
app (Starlette) run by Hypercorn, which brings what a hand-written front lacked: limits on
header size and request body, a header timeout (idle and half-sent connections are closed),
a body read timeout, and 4xx answers to malformed requests. The app applies one policy to every
query, whatever the route (``/query``, ``/sparql``) or the method (GET, POST form, POST direct):

1. the request body is at most ``max_body`` bytes (413) and the query is read from exactly one
   place (``fiscal_kg.endpoint_protocol``);
2. its text is checked before the engine sees it (``fiscal_kg.sparql_guard``: size, nesting,
   operators, SERVICE only to allow-listed IRIs) — 400 naming what is wrong;
3. SELECT, CONSTRUCT and DESCRIBE get an outer ``LIMIT`` of at most ``max_rows``
   (``fiscal_kg.queries.cap_rows``) and the response ``X-SPARQL-MaxRows`` when that cut it;
4. at most ``max_running`` queries run in the engine at once (``max_waiting`` more wait, the
   rest get 503 at once), and a query that has not delivered
   its whole response within ``timeout_s`` (waiting included) gets 503 — and, if it was running,
   the engine child is killed and restarted, which is what stops it;
5. a response over ``max_result_bytes`` is dropped for a 507 (the front holds each response
   until it is complete, so a late or oversized one never starts as a 200).

Updates and the Graph Store Protocol are refused (403); the page and its two files are relayed
from the engine (and kept); any other path is 404. All routes are declared in ``routes`` —
pages of a findings view belong there too.
"""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fiscal_kg.endpoint_engine import (
    Engine,
    EngineAnswer,
    EngineLost,
    MemoryLimit,
    TimeLimit,
    TooLarge,
    oxigraph_binary,
)
from fiscal_kg.endpoint_lock import hold_for_serving
from fiscal_kg.endpoint_protocol import ProtocolError, read_query_request
from fiscal_kg.endpoint_view import MOUNT, FindingsView, view_routes
from fiscal_kg.queries import cap_rows
from fiscal_kg.sparql_guard import GuardLimits, QueryRefused, check_query
from fiscal_kg.store import OxigraphStore

__all__ = ["Policy", "create_app", "oxigraph_binary", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 10_000
MAX_ROWS_ENV = "FISCAL_KG_MAX_ROWS"  # default of `fiscal-kg serve --max-rows`
DEFAULT_MAX_RESULT_BYTES = 64 << 20
DEFAULT_MAX_MEMORY_MIB = 2048  # the engine child's resident memory
DEFAULT_MAX_RUNNING = 8  # queries in the engine at once (2 cores: more only adds memory)
DEFAULT_MAX_WAITING = 1_000  # queries waiting for one of those slots; more get 503 at once
HEADER_TIMEOUT_S = 5  # a connection that has not sent its request headers by then is closed
BODY_TIMEOUT_S = 10  # …and one that pauses this long while sending its body
WRITE_PATHS = ("/update", "/store")
STATIC_FILES = ("/", "/yasgui.min.js", "/yasgui.min.css", "/logo.svg")
READ_ONLY = "this endpoint is read-only: SPARQL updates and the Graph Store Protocol are refused"


@dataclass(frozen=True)
class Policy:
    """The limits every query gets, on every route and method."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_ROWS
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES
    max_running: int = DEFAULT_MAX_RUNNING
    max_waiting: int = DEFAULT_MAX_WAITING
    max_memory: int = DEFAULT_MAX_MEMORY_MIB << 20  # the engine's resident memory, bytes
    guard: GuardLimits = field(default_factory=GuardLimits)

    @property
    def max_body(self) -> int:
        """A form-encoded query may triple in size (%XX); plus room for graph IRIs."""
        return 3 * self.guard.max_bytes + 4096


class Busy(Exception):
    """Too many queries wait for the engine already."""


class Endpoint:
    """The request handlers; the engine calls run in threads, at most ``max_running`` at once."""

    def __init__(self, engine: Engine, policy: Policy) -> None:
        self.engine, self.policy = engine, policy
        self.running = anyio.CapacityLimiter(policy.max_running)
        self.static: dict[str, EngineAnswer] = {}

    async def query(self, request: Request) -> Response:
        deadline = time.monotonic() + self.policy.timeout_s
        try:
            asked = await read_query_request(request, self.policy.max_body)
            check_query(asked.query, self.policy.guard)
        except ProtocolError as exc:
            return _plain(exc.status, exc.message)
        except QueryRefused as exc:
            return _plain(400, f"query refused: {exc}")
        text, capped = cap_rows(asked.query, self.policy.max_rows)
        path = "/query" + (f"?{urlencode(asked.dataset)}" if asked.dataset else "")
        headers = {"Content-Type": "application/sparql-query"}
        if accept := request.headers.get("accept"):
            headers["Accept"] = accept
        try:
            answer = await self._in_engine(deadline, self.engine.request, path,
                                           text.encode("utf-8"), headers, deadline,
                                           self.policy.max_result_bytes)  # fmt: skip
        except TimeLimit:
            return _plain(503, f"The query did not finish within the {self.policy.timeout_s:g} s "
                               "time limit; make it more selective or add a LIMIT.")  # fmt: skip
        except TooLarge:
            return _plain(507, f"The result is larger than the {self.policy.max_result_bytes:,}-"
                               "byte limit; ask for fewer rows (LIMIT) or columns.")  # fmt: skip
        except MemoryLimit:
            mib = self.policy.max_memory >> 20
            return _plain(503, f"The query engine passed its {mib:,} MiB memory limit while "
                               "answering and was restarted; make the query more selective or "
                               "add a LIMIT.")  # fmt: skip
        except Busy:
            return _plain(503, f"The endpoint is busy ({self.policy.max_waiting:,} queries are "
                               "waiting); try again shortly.")  # fmt: skip
        except (EngineLost, OSError, RuntimeError) as exc:
            return _plain(502, f"The query engine failed ({exc}); it is restarted for the next "
                               "query.")  # fmt: skip
        response = _relayed(answer)
        if capped and answer.status == 200:
            response.headers["X-SPARQL-MaxRows"] = str(self.policy.max_rows)
        return response

    async def _in_engine(self, deadline: float, call: Callable[..., EngineAnswer],
                         *args: object) -> EngineAnswer:  # fmt: skip
        """``call`` in a thread once one of the ``max_running`` slots is free (TimeLimit if
        none frees before the deadline, Busy if too many wait already)."""
        if self.running.statistics().tasks_waiting >= self.policy.max_waiting:
            raise Busy
        with anyio.move_on_after(max(deadline - time.monotonic(), 0)) as waited:
            await self.running.acquire()
        if waited.cancelled_caught:
            raise TimeLimit
        try:
            return await anyio.to_thread.run_sync(call, *args)
        finally:
            self.running.release()

    async def page(self, request: Request) -> Response:
        """The query page and its files, fetched from the engine once."""
        path = request.url.path
        if path not in self.static:
            try:
                answer = await anyio.to_thread.run_sync(self.engine.get, path,
                                                        time.monotonic() + 10)  # fmt: skip
            except (TimeLimit, EngineLost, OSError) as exc:
                return _plain(502, f"the query page is not available ({str(exc) or 'timed out'})")
            if answer.status != 200:
                return _relayed(answer)
            self.static[path] = answer
        return _relayed(self.static[path])

    async def read_only(self, request: Request) -> Response:
        return _plain(403, READ_ONLY)


def _relayed(answer: EngineAnswer) -> Response:
    kind = next((v for k, v in answer.headers if k.lower() == "content-type"), None)
    return Response(answer.body, status_code=answer.status, media_type=kind)


def _plain(status: int, message: str) -> Response:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status)


ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def routes(endpoint: Endpoint, view: FindingsView | None = None) -> list[Route]:
    """Every route of the app, in one place (unlisted paths are 404, unlisted methods 405):
    the SPARQL protocol, the query page, and the findings view with the data's IRIs."""
    table = [Route(path, endpoint.query, methods=["GET", "POST"]) for path in ("/query", "/sparql")]
    table += [Route(path, endpoint.read_only, methods=ALL_METHODS) for path in WRITE_PATHS]
    table += [Route(path, endpoint.page, methods=["GET"]) for path in STATIC_FILES]
    if view is not None:
        table += view_routes(view, endpoint.query, endpoint.policy.max_body)  # + query page
    return table


def create_app(engine: Engine, policy: Policy, view: FindingsView | None = None) -> Starlette:
    return Starlette(routes=routes(Endpoint(engine, policy), view))


# ---------------------------------------------------------------------------
# Running it
# ---------------------------------------------------------------------------


def prepare_store(store_dir: Path) -> None:
    """Create the store if needed and load the reference data, then close it again."""
    store = OxigraphStore(store_dir)
    try:
        store.ensure_reference_data()
    finally:
        store.close()  # release the RocksDB lock before the server opens the directory


def max_rows_setting() -> int:
    value = os.environ.get(MAX_ROWS_ENV)
    return int(value) if value else DEFAULT_MAX_ROWS


def raise_open_file_limit() -> int:
    """The soft limit on open files raised to the hard one: each connection holds a file
    descriptor, and at the usual 1,024 about a thousand idle clients would shut out the rest."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            pass
    return soft


def hypercorn_config(host: str, port: int, policy: Policy) -> Any:
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{host}:{port}"]
    config.keep_alive_timeout = HEADER_TIMEOUT_S  # also bounds the wait for request headers
    config.read_timeout = BODY_TIMEOUT_S
    config.h11_max_incomplete_size = policy.max_body + 16 * 1024  # request line (GET) + headers
    config.backlog = 2048
    config.accesslog = None
    config.errorlog = None  # its per-connection noise; our own messages go to stderr
    config.graceful_timeout = 1
    return config


def serve(
    store_dir: Path,
    port: int = DEFAULT_PORT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int | None = None,
    *,
    host: str = DEFAULT_HOST,
    allowed_services: tuple[str, ...] = (),
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
    max_memory_mib: int = DEFAULT_MAX_MEMORY_MIB,
    sources: tuple[Path, ...] = (),
) -> int:
    """Serve until Ctrl-C or SIGTERM; the Oxigraph child is stopped with us. ``sources``: where
    the reports' PDFs are, for the findings view's page crops."""
    from hypercorn.asyncio import serve as hypercorn_serve

    prepare_store(store_dir)
    address = f"http://{host}:{port}"
    try:
        lock = hold_for_serving(store_dir, address)
    except OSError as exc:
        print(f"fiscal-kg serve: {exc}", file=sys.stderr)
        return 1
    policy = Policy(timeout_s=timeout_s,
                    max_rows=max_rows if max_rows is not None else max_rows_setting(),
                    max_result_bytes=max_result_bytes, max_memory=max_memory_mib << 20,
                    guard=GuardLimits(allowed_services=frozenset(allowed_services)))  # fmt: skip
    files = raise_open_file_limit()
    engine = Engine(store_dir, policy.max_memory)
    view = FindingsView(store_dir, list(sources))
    try:
        engine.ensure_running()
        app = create_app(engine, policy, view)
        config = hypercorn_config(host, port, policy)
        _check_address(config)
        print(f"SPARQL endpoint: {address}/query   findings: {address}{MOUNT}   named queries: "
              f"{address}{MOUNT}query   YASGUI: {address}/", flush=True)
        services = ", ".join(allowed_services) or "none"
        print(f"read-only, {timeout_s:g} s query time limit, at most {policy.max_rows:,} result "
              f"rows and {max_result_bytes:,} bytes; SERVICE allowed to: {services}; "
              f"{files:,} open files; Ctrl-C stops it", flush=True)  # fmt: skip
        asyncio.run(_run(hypercorn_serve, app, config))
    except OSError as exc:  # e.g. the port is taken
        print(f"fiscal-kg serve: cannot listen on {host}:{port}: {exc.strerror or exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()
        view.close()
        lock.close()
    return 0


def _check_address(config: Any) -> None:
    """OSError now if the address cannot be bound (Hypercorn would fail inside its event loop,
    with a traceback from its shutdown); the sockets are closed again for it to open."""
    sockets = config.create_sockets()
    for sock in sockets.insecure_sockets:
        sock.close()


async def _run(hypercorn_serve: Callable[..., Awaitable[None]], app: Starlette,
               config: Any) -> None:  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await hypercorn_serve(app, config, shutdown_trigger=stop.wait)
