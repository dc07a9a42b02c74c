"""One SPARQL 1.1 Protocol query request, read from any of its forms into one shape.

The protocol puts the query in three places: the URL (GET), a form body (POST
``application/x-www-form-urlencoded``) or the body itself (POST ``application/sparql-query``).
Oxigraph also took it from the URL of a POST with an empty form, which bypassed a cap applied to
the body. So the front reads the query from wherever it is (exactly once, else 400), checks and
caps it, and always hands it to the engine the same way: the caps cannot depend on the route or
the method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
MAX_FIELDS = 100  # a form has a query and a few graph IRIs


class ProtocolError(Exception):
    """A request the endpoint refuses: HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class QueryRequest:
    query: str
    dataset: list[tuple[str, str]] = field(default_factory=list)  # default/named-graph-uri


async def read_query_request(request: Request, max_body: int) -> QueryRequest:
    """The query and dataset of a GET or POST, or ProtocolError."""
    params = _decode_pairs(request.url.query, "the URL")
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, max_body)
        if kind == FORM:
            params += _decode_pairs(_text(body, "the form"), "the form")
        elif kind == DIRECT:
            if any(key == "query" for key, _ in params):
                raise ProtocolError(400, "the query is given twice: in the body and in the URL")
            params.append(("query", _text(body, "the query")))
        elif kind == UPDATE:
            raise _read_only()
        else:
            raise ProtocolError(415, f"a POST query is sent as {FORM} or {DIRECT}, "
                                     f"not {kind or 'a body without Content-Type'}")  # fmt: skip
    if any(key == "update" for key, _ in params):
        raise _read_only()
    queries = [value for key, value in params if key == "query"]
    if not queries:
        raise ProtocolError(400, "no query: send query=… in the URL (GET) or in a form (POST), "
                                 f"or the query itself as {DIRECT} (POST)")  # fmt: skip
    if len(queries) > 1:
        raise ProtocolError(400, f"the query is given {len(queries)} times; send it once")
    return QueryRequest(queries[0], [(k, v) for k, v in params if k in DATASET_PARAMS])


async def read_body(request: Request, max_body: int) -> bytes:
    """The request body, refused with 413 past ``max_body`` bytes before it is read whole."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body:
        raise _too_large(max_body)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise _too_large(max_body)
            chunks.append(chunk)
    except ClientDisconnect as exc:  # also the server's body read timeout
        raise ProtocolError(408, "the request body did not arrive in time (or the client "
                                 "went away)") from exc  # fmt: skip
    return b"".join(chunks)


def _too_large(max_body: int) -> ProtocolError:
    return ProtocolError(413, f"the request body is larger than the {max_body:,}-byte limit")


def _read_only() -> ProtocolError:
    return ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not UTF-8 (invalid byte at {exc.start})") from exc


def _decode_pairs(encoded: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict",
                         max_num_fields=MAX_FIELDS)  # fmt: skip
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{where} has a parameter that is not UTF-8") from exc
    except ValueError as exc:  # more than MAX_FIELDS fields
        raise ProtocolError(400, f"{where} has more than {MAX_FIELDS} parameters") from exc
