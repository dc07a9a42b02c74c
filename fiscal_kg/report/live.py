"""The findings view served live: one function from a request path to a response, for the
server (``fiscal-kg serve``) to mount beside the SPARQL endpoint.

The same pages as ``fiscal-kg report`` writes (``pages``), at the same paths
(``paths.page_path``), so a static folder and the server agree; crops are rendered when
asked for, from the PDFs under ``sources``. ``/id/…`` — every IRI the data mints, with
w3id.org's part of it stripped — answers Turtle to ``Accept: text/turtle`` and otherwise
redirects (303) to its page, as linked data should.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from fiscal_kg.report import data, pages
from fiscal_kg.report.crops import CONTEXT, Box, PageImages, find_source
from fiscal_kg.report.paths import ID, page_path
from fiscal_kg.store import Store

HTML = "text/html; charset=utf-8"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".png": "image/png"}
_SAFE = re.compile(r"[A-Za-z0-9._-]+")  # one path segment of ours: no "..", no slashes
AROUND = 150.0  # points either side of a finding's cells, as in the static folder


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def not_found(what: str) -> Response:
    return Response(404, "text/plain; charset=utf-8", f"not found: {what}\n".encode())


def view(store: Store, path: str, sources: list[Path] | None = None,
         served: bool = False) -> Response:
    """The response to GET ``path`` (``/``, ``/index.html``, ``/doc/….html``, ``/unit/…``,
    ``/finding/…``, ``/assets/…``, ``/doc/…/row-N.png``), relative to where the view is
    mounted; ``served``: the index links to the server's query page (a folder has none)."""
    parts = [p for p in path.split("?")[0].split("/") if p]
    if not parts or parts == ["index.html"]:
        return Response(200, HTML, pages.index_page(store, served).encode())
    if not all(_SAFE.fullmatch(p) and p not in (".", "..") for p in parts):
        return not_found(path)
    if parts[0] == "assets" and len(parts) == 2:
        asset = pages.HERE / "assets" / parts[1]
        if asset.is_file():
            return Response(200, TYPES.get(asset.suffix, "application/octet-stream"),
                            asset.read_bytes())
    elif parts[0] == "doc" and len(parts) == 5 and parts[4].endswith(".html"):
        iri = ID + "/".join(parts).removesuffix(".html")
        html = pages.document_page(store, iri, _LiveCrops(store, iri, sources or []))
        if html is not None:
            return Response(200, HTML, html.encode())
    elif parts[0] == "doc" and len(parts) == 6 and parts[5].endswith(".png"):
        return _crop(store, ID + "/".join(parts[:5]), parts[5], sources or [])
    elif parts[0] == "unit" and len(parts) == 2:
        html = pages.unit_page(store, ID + "unit/" + parts[1].removesuffix(".html"))
        if html is not None:
            return Response(200, HTML, html.encode())
    elif parts[0] == "finding" and len(parts) == 2:
        digest = parts[1].removesuffix(".html")
        finding = next((f for f in data.findings(store) if f.digest == digest), None)
        if finding is not None:
            return Response(200, HTML, pages.finding_page(store, finding).encode())
    return not_found(path)


def resolve_iri(store: Store, local: str, accept: str = "", root: str = "/") -> Response:
    """``/id/{local}``: Turtle about the IRI for ``Accept: text/turtle``, else a 303 to its
    page under ``root`` (where ``view`` is mounted); 404 for an IRI the store does not use."""
    iri = ID + local.strip("/")
    if not _known(store, iri):
        return not_found(iri)
    if "text/turtle" in accept:
        return Response(200, "text/turtle; charset=utf-8", describe(store, iri))
    return Response(303, "text/plain; charset=utf-8", b"", {"Location": root + page_path(iri)})


def _known(store: Store, iri: str) -> bool:
    term = ox.NamedNode(iri)
    return bool(store.query(f"ASK {{ {{ {term} ?p ?o }} UNION {{ ?s ?p {term} }} }}").boolean)


def describe(store: Store, iri: str) -> bytes:
    """The triples about ``iri`` (as subject, in any graph) as Turtle."""
    term = ox.NamedNode(iri)
    graph = ox.Store()
    for row in store.select(f"SELECT ?p ?o WHERE {{ {term} ?p ?o }}"):  # pyoxigraph terms
        graph.add(ox.Quad(term, row["p"], row["o"]))  # type: ignore[arg-type]
    return graph.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                      prefixes={"fkg": "https://w3id.org/fiscal-kg/def#"}) or b""


class _LiveCrops:
    """Crop links for a live page: the images are rendered when the browser asks for them."""

    def __init__(self, store: Store, iri: str, sources: list[Path]) -> None:
        self.available = bool(sources)
        self.folder = page_path(iri).rsplit("/", 1)[-1].removesuffix(".html")

    def __call__(self, page: int, boxes: list[Box], marks: list, stem: str) -> str | None:
        return f"{self.folder}/{stem}.png" if self.available else None


CropSpec = tuple[int, list[Box], list]  # page, boxes of the band, marks
_specs: dict[str, dict[str, CropSpec]] = {}  # document → crop name → what it shows
_images: dict[Path, PageImages] = {}  # the last PDF's rendered pages (≈ 5 MB a page)


def _crop(store: Store, document: str, name: str, sources: list[Path]) -> Response:
    """``row-N.png`` (a table row) or ``finding-DIGEST.png`` of a PDF report, rendered now;
    what each crop shows is worked out once per report, each page rendered once."""
    docs = data.documents(store, document)
    if not docs or not docs[0].is_pdf:
        return not_found(name)
    pdf = find_source(docs[0].file, docs[0].sha256, sources)
    if pdf is None:
        return not_found(f"{docs[0].file} under the sources given")
    key = f"{document} {docs[0].sha256}"
    if key not in _specs:
        specs: dict[str, CropSpec] = {}

        def note(page: int, boxes: list[Box], marks: list, stem: str) -> str | None:
            specs[f"{stem}.png"] = (page, boxes, marks)
            return None

        pages.document_page(store, document, note)
        _specs[key] = specs
    spec = _specs[key].get(name)
    if spec is None:
        return not_found(name)
    if pdf not in _images:
        for old in _images.values():
            old.close()
        _images.clear()
        _images[pdf] = PageImages(pdf)
    page, boxes, marks = spec
    images = _images[pdf]
    image = (images.band(page, boxes, pad=CONTEXT, marks=marks, around=AROUND)
             if name.startswith("finding-") else images.band(page, boxes, marks=marks))
    return Response(200, "image/png", _png(image))


def _png(image: object) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # type: ignore[attr-defined]
    return buffer.getvalue()

