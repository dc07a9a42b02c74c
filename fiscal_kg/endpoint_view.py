"""The findings view beside the SPARQL endpoint: its pages under ``/findings/`` and every IRI
the data mints (``https://w3id.org/fiscal-kg/id/…``) resolved at ``/id/…``.

The pages are ``fiscal_kg.report.live``'s (the same bytes ``fiscal-kg report`` writes). They
read the store through a read-only opening of its folder in this process, not through the
engine: they run only the view's own fixed queries, which need no row cap or kill switch, and
the serving lock keeps writers out, so the data cannot change under them.
"""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from fiscal_kg.report import live
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
        return live.view(self.store(), path, self.sources)

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


def view_routes(view: FindingsView) -> list[Route]:
    async def to_index(request: Request) -> Response:
        return RedirectResponse(MOUNT, status_code=308)

    return [
        Route(MOUNT.rstrip("/"), to_index, methods=["GET"]),
        Route(MOUNT + "{path:path}", view.page, methods=["GET"]),
        Route("/id/{rest:path}", view.iri, methods=["GET"]),
    ]


def _response(answer: live.Response) -> Response:
    return Response(answer.body, status_code=answer.status, media_type=answer.content_type,
                    headers=answer.headers)
