"""Checks on a SPARQL query's text before any engine parses it: size, nesting, SERVICE.

Oxigraph's parser and evaluator recurse: 1,000 nested braces (2 KB) overflow the stack of the
server's request thread (the whole server aborts), 5,000 overflow the main thread of
``fiscal-kg query`` (a segmentation fault), and so do a few thousand chained operators or
clauses (``1+1+…``, ``{} UNION {} …``, 3,000 BINDs, a DESCRIBE of 3,000 IRIs), which parse into a
tree as deep as the chain is long. So the text is lexed once here — by
``fiscal_kg.queries.sparql_text.lex``: strings, IRIs and comments skipped as SPARQL's lexer skips
them, names and numbers split where its grammar splits them, without recursion — and refused with
a message when it is too large, nested too deep or has too many tree nodes (operators, clauses,
brackets), before the engine sees it. The limits are far above what a person writes (the named
queries nest 8 deep and count at most 101 nodes).

The same pass finds ``SERVICE`` clauses: on the endpoint a query must not make the server fetch
URLs of the client's choosing (SSRF), so only allow-listed service IRIs pass there; the command
line's own queries keep federation (``allowed_services=None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fiscal_kg.queries.sparql_text import Token, lex

DEFAULT_MAX_QUERY_BYTES = 64 * 1024
DEFAULT_MAX_DEPTH = 64  # braces, parentheses and brackets inside one another
DEFAULT_MAX_OPERATORS = 1_000  # operators, clauses and brackets in the whole query

# each of these adds a node to the left-deep tree of its group (3,000 BINDs overflow it too)
_TREE_KEYWORDS = {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES",
                  "LATERAL"}  # fmt: skip
_AFTER_DESCRIBED = {"WHERE", "FROM", "LIMIT", "OFFSET", "ORDER", "VALUES"}


class QueryRefused(ValueError):
    """The query text breaks a limit; the message says which and is meant for the user."""


@dataclass(frozen=True)
class GuardLimits:
    max_bytes: int = DEFAULT_MAX_QUERY_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_operators: int = DEFAULT_MAX_OPERATORS
    allowed_services: frozenset[str] | None = frozenset()  # None: any SERVICE (command line)


@dataclass
class CheckedQuery:
    text: str
    depth: int = 0
    operators: int = 0
    services: list[str] = field(default_factory=list)  # service IRIs (or ?var) as written


def check_query(text: str, limits: GuardLimits) -> CheckedQuery:
    """The query's shape, or QueryRefused naming the limit it breaks."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryRefused(f"the query is {size:,} bytes long; the limit is "
                           f"{limits.max_bytes:,} bytes")  # fmt: skip
    checked = CheckedQuery(text)
    depth, describing = 0, False
    tokens = list(lex(text))
    for index, (kind, token, _) in enumerate(tokens):
        keyword = token.upper() if kind == "word" else ""
        if kind == "open":
            depth += 1
            if depth > limits.max_depth:
                raise QueryRefused(f"the query nests braces, parentheses or brackets more than "
                                   f"{limits.max_depth} deep")  # fmt: skip
            checked.depth = max(checked.depth, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif keyword == "SERVICE":
            checked.services.append(_service_target(tokens, index))
        # DESCRIBE's resources become a chain too (3,000 IRIs overflow the engine's stack)
        describing = keyword == "DESCRIBE" or (describing and kind in ("word", "iri")
                                                and keyword not in _AFTER_DESCRIBED)
        if kind in ("open", "op") or keyword in _TREE_KEYWORDS or describing:
            checked.operators += 1
            if checked.operators > limits.max_operators:
                raise QueryRefused(f"the query has more than {limits.max_operators:,} operators, "
                                   "clauses and brackets (UNION, OPTIONAL, BIND, FILTER, {, (, "
                                   "+, &&, / …)")  # fmt: skip
    if limits.allowed_services is not None:
        for service in checked.services:
            if service not in limits.allowed_services:
                raise QueryRefused(_service_refusal(service, limits.allowed_services))
    return checked


def _service_target(tokens: list[Token], index: int) -> str:
    """The IRI a SERVICE clause names, from ``<…>``; anything else (a
    prefixed name, a variable) as written, which no allow-list entry matches: an allowed
    service must be written in full."""
    rest = tokens[index + 1 : index + 3]
    if rest and rest[0][1].upper() == "SILENT":
        rest = rest[1:]
    if not rest:
        return "(nothing)"
    kind, token, _ = rest[0]
    return _iri_value(token) if kind == "iri" else token


def _service_refusal(service: str, allowed: frozenset[str]) -> str:
    if not allowed:
        return (f"SERVICE is not allowed on this endpoint (the query names {service}): "
                "federated queries are off; the operator can allow a service with "
                "`fiscal-kg serve --allow-service URL`")  # fmt: skip
    return (f"SERVICE {service} is not allowed on this endpoint; allowed: "
            f"{', '.join(sorted(allowed))}")  # fmt: skip


def _iri_value(iri: str) -> str:
    """The IRI inside ``<…>``. One with ``\\u`` escapes (which the engine resolves) is no IRI
    token here (IRIREF excludes backslashes), so it never matches an allowed service."""
    return iri[1:-1]
