"""The findings view beside the SPARQL endpoint: its pages under ``/findings/`` and every IRI
the data mints (``https://w3id.org/fiscal-kg/id/…``) resolved at ``/id/…``.

The pages are ``fiscal_kg.report.live``'s (the same bytes ``fiscal-kg report`` writes). They
read the store through a read-only opening of its folder in this process, not through the
engine: they run only the view's own fixed queries, which need no row cap or kill switch, and
the serving lock keeps writers out, so the data cannot change under them.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from urllib.parse import parse_qsl

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from fiscal_kg import queries as q
from fiscal_kg.endpoint_protocol import DIRECT, FORM, MAX_FIELDS, ProtocolError, read_body
from fiscal_kg.queries.paging import Page, paged_text
from fiscal_kg.report import data, live, query_page
from fiscal_kg.store import OxigraphStore

MOUNT = "/findings/"


class FindingsView:
    def __init__(self, store_dir: Path, sources: list[Path]) -> None:
        self.store_dir, self.sources = store_dir, sources
        self._store: OxigraphStore | None = None
        self._opening = threading.Lock()

    def store(self) -> OxigraphStore:
        with self._opening:
            if self._store is None:
                self._store = OxigraphStore(self.store_dir, read_only=True)
            return self._store

    async def page(self, request: Request) -> Response:
        path = "/" + request.path_params.get("path", "")
        answer = await anyio.to_thread.run_sync(self._page, path)
        return _response(answer)

    def _page(self, path: str) -> live.Response:
        return live.view(self.store(), path, self.sources, served=True)

    async def iri(self, request: Request) -> Response:
        rest, accept = request.path_params["rest"], request.headers.get("accept", "")
        answer = await anyio.to_thread.run_sync(self._iri, rest, accept)
        return _response(answer)

    def _iri(self, rest: str, accept: str) -> live.Response:
        return live.resolve_iri(self.store(), rest, accept, root=MOUNT)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


QueryHandler = Callable[[Request], Awaitable[Response]]  # the endpoint's /query


class QueryPage:
    """``/findings/query`` (``fiscal_kg.report.query_page``): every query it runs, named (with
    its values bound) or typed, goes through ``run`` — the endpoint's own ``/query`` handler, so
    the guard, the row cap, the time limit and the engine are the same as on ``/query``."""

    def __init__(self, view: FindingsView, run: QueryHandler, max_body: int) -> None:
        self.view, self.run, self.max_body = view, run, max_body
        self.queries = q.named_queries()

    async def answer(self, request: Request) -> Response:
        queries, root = self.queries, MOUNT
        try:
            ask = query_page.read_form(await _form_fields(request, self.max_body), queries)
        except ProtocolError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status)
        except q.QueryError as exc:
            status = 404 if isinstance(exc, query_page.NoSuchQuery) else 400
            return _html(status, query_page.page(query_page.Ask(), queries, root, error=str(exc)))
        documents = await anyio.to_thread.run_sync(self._documents, ask)
        try:
            text = await anyio.to_thread.run_sync(query_page.query_text, ask, queries,
                                                  self._resolve)  # fmt: skip
        except q.QueryError as exc:
            return _html(400, query_page.page(ask, queries, root, error=str(exc),
                                              documents=documents))  # fmt: skip
        if text is None:
            return _html(200, query_page.page(ask, queries, root, documents=documents))
        try:  # a listing: one page of reports (or every report), in the text sent to /query
            text, part = await anyio.to_thread.run_sync(self._page_of, ask, text)
        except q.QueryError as exc:  # a bad page number or size, a page past the last
            return _html(400, query_page.page(ask, queries, root, error=str(exc),
                                              documents=documents))  # fmt: skip
        answer = await self.run(_engine_request(request, text))
        if answer.status_code != 200:
            message = bytes(answer.body).decode("utf-8", "replace").strip()
            return _html(answer.status_code, query_page.page(ask, queries, root, error=message,
                                                             documents=documents))  # fmt: skip
        capped = answer.headers.get("x-sparql-maxrows")
        try:
            results = query_page.parse_results(answer.headers.get("content-type", ""),
                                               bytes(answer.body), int(capped) if capped else None)
        except (ValueError, SyntaxError) as exc:  # the engine's answer, not the user's input
            return _html(502, query_page.page(ask, queries, root, error=f"bad answer: {exc}"))
        if ask.format != "html":  # up to max_rows rows: rendered in a thread, as the pages are
            return await anyio.to_thread.run_sync(_download, ask, results, part)
        html = await anyio.to_thread.run_sync(partial(query_page.page, ask, queries, root,
                                                      results=results, documents=documents,
                                                      part=part))  # fmt: skip
        return _html(200, html)

    def _page_of(self, ask: query_page.Ask, text: str) -> tuple[str, Page | None]:
        """``text`` restricted to the page of reports the form asks for, when the named query
        is a listing (``fiscal_kg.queries.paging``): its reports are listed from the view's
        store, the rows still come from /query. Any other query: ``text`` as it is."""
        named = self.queries.get(ask.name or "")
        if named is None or named.pages is None:
            return text, None
        number, size = query_page.paging(ask)
        return paged_text(self.view.store(), named, ask.values, text, page=number, size=size)

    def _resolve(self, named: q.NamedQuery, values: dict[str, str]) -> dict[str, str]:
        """A ``document`` given by file name or short IRI → its IRI (the view's fixed query)."""
        return q.resolve_document_values(self.view.store(), named, values)

    def _documents(self, ask: query_page.Ask) -> list[tuple[str, str]]:
        """Suggestions for a ``document`` parameter: each report's IRI and a readable label."""
        named = self.queries.get(ask.name or "")
        if named is None or named.param("document") is None:
            return []
        return [(d.iri, f"{d.unit} {d.year} {d.kind} · {d.file}")
                for d in data.documents(self.view.store())]  # fmt: skip


async def _form_fields(request: Request, max_body: int) -> list[tuple[str, str]]:
    """The fields of the URL and, for a POST, of its form body (at most ``max_body`` bytes)."""
    text = request.url.query
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != FORM:
            raise ProtocolError(415, f"the query page takes a form ({FORM})")
        body = await read_body(request, max_body)
        try:
            text += "&" + body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, "the form is not UTF-8") from exc
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise ProtocolError(400, f"more than {MAX_FIELDS} form fields") from exc


def _engine_request(request: Request, text: str) -> Request:
    """A POST of ``text`` to /query, as a SPARQL client would send it."""
    body = text.encode("utf-8")
    scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
             "server": request.scope.get("server"), "client": request.scope.get("client"),
             "path": "/query", "raw_path": b"/query", "root_path": "", "query_string": b"",
             "headers": [(b"content-type", DIRECT.encode()),
                         (b"accept", query_page.ACCEPT.encode()),
                         (b"content-length", str(len(body)).encode())]}  # fmt: skip
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def _html(status: int, text: str) -> Response:
    return Response(text.encode(), status_code=status, media_type=live.HTML)


def _download(ask: query_page.Ask, results: query_page.Results, part: Page | None) -> Response:
    name = ask.name or "query"
    if part is not None and part.count > 1:  # a part of the answer says so in its name
        name += f"-page-{part.number}"
    if ask.format == "csv":
        body, kind = query_page.csv_bytes(results), "text/csv; charset=utf-8"
    else:
        body = query_page.xlsx_bytes(results)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=kind, headers={
        "Content-Disposition": f'attachment; filename="{name}.{ask.format}"'})


def view_routes(view: FindingsView, run_query: QueryHandler | None = None,
                max_body: int = 0) -> list[Route]:
    """The view's routes; with ``run_query`` (the endpoint's handler) also its query page."""
    async def to_index(request: Request) -> Response:
        return RedirectResponse(MOUNT, status_code=308)

    page = [] if run_query is None else [
        Route(MOUNT + query_page.PAGE, QueryPage(view, run_query, max_body).answer,
              methods=["GET", "POST"])]  # fmt: skip
    return [
        Route(MOUNT.rstrip("/"), to_index, methods=["GET"]),
        *page,
        Route(MOUNT + "{path:path}", view.page, methods=["GET"]),
        Route("/id/{rest:path}", view.iri, methods=["GET"]),
    ]


def _response(answer: live.Response) -> Response:
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type,
                    headers=answer.headers)
